//! Corrections on an organisation's page: voids, goodwill credit notes and
//! goodwill credits.

use super::*;

/// Acme, paying by bank transfer, upgrades to Business: its id, Anna's
/// client, the invoice's number and what it owes.
pub(super) async fn acme_owes_an_upgrade(
    app: &TestApp,
) -> (i64, Client, String, billing_portal::domain::money::Money) {
    let acme = org_id(app, "Acme AB").await;
    app.pays_by_invoice(acme).await;
    let anna = app.login("anna@acme.example").await;
    let business = plan_id(app, "business").await;
    let p = preview(app, &anna, business, "monthly", 6).await.unwrap();
    let invoice = confirm(app, &anna, &p)
        .await
        .unwrap()
        .invoice
        .expect("an upgrade invoice");
    (acme, anna, invoice, p.due_now)
}

async fn an_operator_voids_an_invoice_with_a_credit_note(app: TestApp) {
    let (acme, anna, invoice, _) = acme_owes_an_upgrade(&app).await;
    let op = operator(&app, OPERATOR).await;
    let acme_s = acme.to_string();
    let args = |confirm: bool| {
        let mut a = vec![
            ("org_id", acme_s.clone()),
            ("number", invoice.clone()),
            ("reason", "Sold by mistake".to_string()),
            ("idempotency_key", "void-key-0123456789".to_string()),
        ];
        if confirm {
            a.push(("confirm", "yes".to_string()));
        }
        a
    };
    let shown: VoidPreview = serde_json::from_value(
        call_json(&app, &op, "ops_void", &args(false))
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(shown.credit_note, None);
    assert!(shown.amount_due.is_positive());
    assert_eq!(
        shown.to_balance.minor(),
        shown.total.minor() - shown.amount_due.minor()
    );
    let notes_before = app
        .scalar("SELECT COUNT(*) FROM documents WHERE kind = 'credit_note'")
        .await;

    let done: VoidPreview =
        serde_json::from_value(call_json(&app, &op, "ops_void", &args(true)).await.unwrap())
            .unwrap();
    let note = done.credit_note.clone().expect("a credit note");
    // A repeat (double click) answers the same and issues nothing more.
    let again: VoidPreview =
        serde_json::from_value(call_json(&app, &op, "ops_void", &args(true)).await.unwrap())
            .unwrap();
    assert_eq!(again, done);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents WHERE kind = 'credit_note'")
            .await,
        notes_before + 1
    );

    // The customer sees the invoice void and the credit note correcting it.
    let inv: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &invoice)])
        .await
        .unwrap();
    assert_eq!(inv.summary.status.code(), "void");
    assert_eq!(inv.summary.amount_due.minor(), 0);
    assert_eq!(inv.summary.credited_by, vec![note.clone()]);
    let cn: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &note)])
        .await
        .unwrap();
    assert_eq!(cn.summary.corrects.as_deref(), Some(invoice.as_str()));
    assert_eq!(cn.summary.total, shown.total);

    // Voided once: a second void (another key) is refused with the reason.
    let mut other = args(true);
    other[3].1 = "void-key-another-one".into();
    assert!(matches!(
        call_json(&app, &op, "ops_void", &other).await,
        Err(AppError::Invalid { .. })
    ));
    let op_id = operator_id(&app, OPERATOR).await;
    assert_eq!(
        audited(&app, &format!("operator:{op_id}"), "invoice.void").await,
        1
    );
    // Another organisation's invoice is not found through Acme.
    let small = org_id(&app, "Småföretaget AB").await.to_string();
    let mut wrong_org = args(true);
    wrong_org[0].1 = small;
    wrong_org[3].1 = "void-key-wrong-org-1".into();
    assert!(matches!(
        call_json(&app, &op, "ops_void", &wrong_org).await,
        Err(AppError::Invalid { .. })
    ));
}
both_databases!(an_operator_voids_an_invoice_with_a_credit_note);

async fn goodwill_note(
    app: &TestApp,
    op: &Client,
    org: i64,
    invoice: &str,
    amount: &str,
    key: &str,
    confirm: bool,
) -> Result<GoodwillNote, AppError> {
    let mut args = vec![
        ("org_id", org.to_string()),
        ("number", invoice.to_string()),
        ("amount", amount.to_string()),
        ("reason", "The export was down two days".to_string()),
        ("idempotency_key", key.to_string()),
    ];
    if confirm {
        args.push(("confirm", "yes".to_string()));
    }
    call_json(app, op, "ops_goodwill_note", &args)
        .await
        .map(|v| serde_json::from_value(v).unwrap())
}

async fn a_goodwill_credit_note_settles_what_is_owed_and_never_credits_more_than_the_invoice(
    app: TestApp,
) {
    let (acme, anna, invoice, _) = acme_owes_an_upgrade(&app).await;
    let op = operator(&app, OPERATOR).await;
    let first: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &invoice)])
        .await
        .unwrap();
    let (total, due) = (
        first.summary.total.minor(),
        first.summary.amount_due.minor(),
    );
    assert!(due >= 12_500, "the upgrade owes {due}");
    let notes = || app.scalar("SELECT COUNT(*) FROM documents WHERE kind = 'credit_note'");
    let notes_before = notes().await;

    // 100,00 before VAT at Acme's 25 %: 125,00, all of it settles the invoice.
    let shown = goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        "100",
        "goodwill-key-0123456",
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        (shown.net.minor(), shown.vat.minor(), shown.total.minor()),
        (10_000, 2_500, 12_500)
    );
    assert_eq!(
        (shown.settles.minor(), shown.to_balance.minor()),
        (12_500, 0)
    );
    assert_eq!(shown.creditable_after.minor(), total - 12_500);
    assert_eq!(notes().await, notes_before, "a preview issues nothing");

    let done = goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        "100",
        "goodwill-key-0123456",
        true,
    )
    .await
    .unwrap();
    let number = done.credit_note.clone().expect("a credit note");
    // A double click answers the same and issues one.
    let again = goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        "100",
        "goodwill-key-0123456",
        true,
    )
    .await
    .unwrap();
    assert_eq!(again, done);
    assert_eq!(notes().await, notes_before + 1);

    // The customer owes 125,00 less and reads the reason on the credit note.
    let inv: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &invoice)])
        .await
        .unwrap();
    assert_eq!(inv.summary.amount_due.minor(), due - 12_500);
    assert_eq!(inv.summary.status.code(), "pending");
    let cn: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &number)])
        .await
        .unwrap();
    assert_eq!(cn.summary.corrects.as_deref(), Some(invoice.as_str()));
    assert_eq!(cn.summary.total.minor(), 12_500);
    assert_eq!(cn.lines.len(), 1);
    assert!(
        cn.lines[0]
            .description
            .contains("The export was down two days"),
        "{}",
        cn.lines[0].description
    );

    // No more than the invoice minus what was credited: the whole rest
    // before VAT is more than the rest with VAT.
    let rest = total - 12_500;
    let too_much = format!("{}", rest / 100);
    assert!(matches!(
        goodwill_note(&app, &op, acme, &invoice, &too_much, "goodwill-key-too-much", true).await,
        Err(AppError::Invalid { field, .. }) if field == "amount"
    ));
    // A reason with a NUL (PostgreSQL takes none) is refused, not a fault.
    let nul = vec![
        ("org_id", acme.to_string()),
        ("number", invoice.clone()),
        ("amount", "1".to_string()),
        ("reason", "Sorry\u{0}".to_string()),
        ("idempotency_key", "goodwill-key-nul-reason".to_string()),
        ("confirm", "yes".to_string()),
    ];
    assert!(matches!(
        call_json(&app, &op, "ops_goodwill_note", &nul).await,
        Err(AppError::Invalid { field, .. }) if field == "reason"
    ));
    for bad in ["0", "-5", "abc", "1,001"] {
        assert!(
            matches!(
                goodwill_note(&app, &op, acme, &invoice, bad, "goodwill-key-bad-amount", true).await,
                Err(AppError::Invalid { field, .. }) if field == "amount"
            ),
            "{bad}"
        );
    }
    assert_eq!(notes().await, notes_before + 1);

    // Voiding it now would credit the 125,00 twice: refused, naming the way.
    let void = call_json(
        &app,
        &op,
        "ops_void",
        &[
            ("org_id", acme.to_string()),
            ("number", invoice.clone()),
            ("reason", "Sold by mistake".to_string()),
            ("idempotency_key", "void-after-goodwill-1".to_string()),
            ("confirm", "yes".to_string()),
        ],
    )
    .await;
    match void {
        Err(AppError::Invalid { message, .. }) => {
            assert!(message.to_string().contains("goodwill"), "{message}")
        }
        other => panic!("void after a goodwill credit note: {other:?}"),
    }

    // The most that may still be credited: the largest amount before VAT
    // whose total fits the rest (VAT rounds to the öre, so at most one öre
    // of the rest can stay out of reach); one öre more is refused.
    let major = |minor: i64| format!("{}.{:02}", minor / 100, minor % 100);
    let mut net = rest * 4 / 5 + 1;
    while goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        &major(net),
        "goodwill-key-the-rest",
        false,
    )
    .await
    .is_err()
    {
        net -= 1;
        assert!(net > rest * 4 / 5 - 2, "no amount fits the rest {rest}");
    }
    let last = goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        &major(net),
        "goodwill-key-the-rest",
        true,
    )
    .await
    .unwrap();
    assert_eq!(last.creditable_after.minor(), rest - last.total.minor());
    assert!(last.creditable_after.minor() <= 1, "{last:?}");
    let inv: billing_portal::api::documents::DocumentView = app
        .call(&anna, "document", &[("number", &invoice)])
        .await
        .unwrap();
    // What was owed is settled first; what was paid of it goes to the balance.
    let owed = (due - 12_500 - last.total.minor()).max(0);
    assert_eq!(inv.summary.amount_due.minor(), owed);
    assert_eq!(last.settles.minor(), due - 12_500 - owed);
    assert!(goodwill_note(
        &app,
        &op,
        acme,
        &invoice,
        "0.02",
        "goodwill-key-one-more",
        true
    )
    .await
    .is_err());

    let op_id = operator_id(&app, OPERATOR).await;
    assert_eq!(
        audited(&app, &format!("operator:{op_id}"), "credit_note.goodwill").await,
        2
    );
    // Credit notes are not corrected by credit notes.
    assert!(matches!(
        goodwill_note(&app, &op, acme, &number, "1", "goodwill-key-on-a-cn-1", false).await,
        Err(AppError::Invalid { field, .. }) if field == "invoice"
    ));
}
both_databases!(
    a_goodwill_credit_note_settles_what_is_owed_and_never_credits_more_than_the_invoice
);

async fn goodwill_credits_are_granted_once_and_the_customer_sees_them(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await;
    let anna = app.login("anna@acme.example").await;
    let op = operator(&app, OPERATOR).await;
    let before: billing_portal::api::credits::CreditsView = app.credits(&anna).await.unwrap();
    let last_day = (app.now().date_naive() + chrono::Duration::days(30)).to_string();
    let args = |credits: &str, day: &str, key: &str, confirm: bool| {
        let mut a = vec![
            ("org_id", acme.to_string()),
            ("credits", credits.to_string()),
            ("last_day", day.to_string()),
            ("reason", "Sorry for the outage".to_string()),
            ("idempotency_key", key.to_string()),
        ];
        if confirm {
            a.push(("confirm", "yes".to_string()));
        }
        a
    };
    let grant = |a: Vec<(&'static str, String)>| {
        let (app, op) = (&app, &op);
        async move {
            call_json(app, op, "ops_goodwill_credits", &a)
                .await
                .map(|v| serde_json::from_value::<GoodwillCredits>(v).unwrap())
        }
    };
    let shown = grant(args("500", &last_day, "credits-key-01234567", false))
        .await
        .unwrap();
    assert!(!shown.granted);
    let unchanged: billing_portal::api::credits::CreditsView = app.credits(&anna).await.unwrap();
    assert_eq!(
        unchanged.balance, before.balance,
        "a preview grants nothing"
    );

    let done = grant(args("500", &last_day, "credits-key-01234567", true))
        .await
        .unwrap();
    assert!(done.granted);
    assert_eq!(
        grant(args("500", &last_day, "credits-key-01234567", true))
            .await
            .unwrap(),
        done,
        "a double click grants once"
    );
    let after: billing_portal::api::credits::CreditsView = app.credits(&anna).await.unwrap();
    assert_eq!(after.balance, before.balance + 500);
    let g = after
        .grants
        .iter()
        .find(|g| g.kind == "goodwill")
        .expect("a goodwill grant");
    assert_eq!((g.amount, g.remaining), (500, 500));
    assert_eq!(g.last_day.to_string(), last_day);
    assert!(after
        .history
        .iter()
        .any(|h| h.amount == 500 && h.detail.starts_with("Sorry for the outage")));

    // Refused: nothing, too many, a past day, more than five years ahead.
    let yesterday = (app.now().date_naive() - chrono::Duration::days(1)).to_string();
    let far = (app.now().date_naive() + chrono::Duration::days(6 * 366)).to_string();
    for (credits, day, field) in [
        ("0", last_day.as_str(), "credits"),
        ("10000001", last_day.as_str(), "credits"),
        ("5", yesterday.as_str(), "last_day"),
        ("5", far.as_str(), "last_day"),
    ] {
        match grant(args(credits, day, "credits-key-refused-1", true)).await {
            Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field, "{credits} {day}"),
            other => panic!("{credits} {day}: {other:?}"),
        }
    }
    let op_id = operator_id(&app, OPERATOR).await;
    assert_eq!(
        audited(&app, &format!("operator:{op_id}"), "credits.goodwill").await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM credit_grants WHERE kind = 'goodwill'")
            .await,
        1
    );
}
both_databases!(goodwill_credits_are_granted_once_and_the_customer_sees_them);

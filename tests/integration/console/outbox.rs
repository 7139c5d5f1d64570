//! The outbox page.

use super::corrections::acme_owes_an_upgrade;
use super::*;

async fn the_outbox_lists_each_message_with_its_document_attached(app: TestApp) {
    let (acme, anna, invoice, _) = acme_owes_an_upgrade(&app).await;
    let op = operator(&app, OPERATOR).await;
    let page = |status: &str| {
        let (app, op, status) = (&app, &op, status.to_string());
        async move {
            app.call::<OutboxPage>(op, "ops_outbox", &[("status", status.as_str())])
                .await
        }
    };
    // The upgrade's invoice copy waits for the mail task (not running in tests).
    let waiting = page("waiting").await.unwrap();
    let copy = waiting
        .entries
        .iter()
        .find(|e| e.attachment.as_deref() == Some(invoice.as_str()) && e.kind == "copy")
        .unwrap_or_else(|| panic!("{invoice} not in {waiting:?}"));
    assert_eq!(copy.org_id, acme);
    assert_eq!(copy.status, "queued");
    assert!(copy.subject.starts_with(&invoice), "{}", copy.subject);
    assert!(copy.recipient.is_some());
    assert!(waiting.delivery.contains("no SMTP"), "{}", waiting.delivery);
    assert!(page("sent")
        .await
        .unwrap()
        .entries
        .iter()
        .all(|e| e.status == "sent"));
    let all = page("").await.unwrap();
    assert!(all.entries.len() >= waiting.entries.len());
    assert!(
        all.entries.windows(2).all(|w| w[0].id > w[1].id),
        "newest first"
    );
    assert!(matches!(
        page("everything").await,
        Err(AppError::Invalid { .. })
    ));

    // The attachment: the operator gets the PDF; a customer is sent to the
    // console's login, even for their own organisation's document.
    let pdf_path = format!("/ops/orgs/{acme}/documents/{invoice}/pdf");
    let r = op.http.get(app.url(&pdf_path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    let r = anna.http.get(app.url(&pdf_path)).send().await.unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/ops/login");
    // Another organisation's id with Acme's number: not found.
    let small = org_id(&app, "Småföretaget AB").await;
    let r = op
        .http
        .get(app.url(&format!("/ops/orgs/{small}/documents/{invoice}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
both_databases!(the_outbox_lists_each_message_with_its_document_attached);

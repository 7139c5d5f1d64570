//! Invoices and credit notes (R-INV-1…6, R-UI-3) and billing details
//! (R-UI-6): list, detail, PDF, immutability, who may see and edit what.

use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, Client, TestApp};
use billing_portal::api::documents::{
    BillingDetailsView, DocumentList, DocumentStatus, DocumentView,
};
use billing_portal::api::plan::ChangeOutcome;
use billing_portal::domain::ocr::OcrReference;
use billing_portal::error::AppError;

async fn list(
    app: &TestApp,
    c: &Client,
    status: &str,
    page: u32,
) -> Result<DocumentList, AppError> {
    app.call(
        c,
        "documents",
        &[("status", status), ("page", &page.to_string())],
    )
    .await
}

/// The number of the organisation's newest document.
async fn newest_number(app: &TestApp, c: &Client) -> String {
    list(app, c, "all", 1).await.unwrap().items[0]
        .number
        .clone()
}

/// Acme's Professional to Business, 5 seats, now: a credit note and an invoice.
async fn upgrade_to_business(app: &TestApp, anna: &Client) -> ChangeOutcome {
    let business = plan_id(app, "business").await;
    let p = preview(app, anna, business, "monthly", 5).await.unwrap();
    confirm(app, anna, &p).await.unwrap()
}

async fn detail(app: &TestApp, c: &Client, number: &str) -> Result<DocumentView, AppError> {
    app.call(c, "document", &[("number", number)]).await
}

async fn get(c: &Client, app: &TestApp, path: &str) -> reqwest::Response {
    c.http.get(app.url(path)).send().await.unwrap()
}

/// The text of a PDF as `pdftotext` (poppler) extracts it, with the
/// no-break spaces of Swedish amounts made plain.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian's poppler-utils; .ci/setup.sh installs it)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ")
}

fn pdf_pages(pdf: &[u8]) -> u32 {
    // Tests run in parallel: each call writes its own file.
    static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("bp-pages-{}-{n}.pdf", std::process::id()));
    std::fs::write(&dir, pdf).unwrap();
    let out = std::process::Command::new("pdfinfo")
        .arg(&dir)
        .output()
        .expect("pdfinfo");
    let _ = std::fs::remove_file(&dir);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo names the page count")
}

fn plain(s: String) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
}

both_databases!(invoice_list_filters_pages_and_orders_newest_first);
async fn invoice_list_filters_pages_and_orders_newest_first(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let first = list(&app, &anna, "all", 1).await.unwrap();
    assert_eq!(
        first.count, 14,
        "Acme's demo history: 13 earlier months and this one"
    );
    assert_eq!((first.page, first.pages, first.items.len()), (1, 2, 10));
    let second = list(&app, &anna, "all", 2).await.unwrap();
    assert_eq!(second.items.len(), 4);
    let all: Vec<_> = first.items.iter().chain(&second.items).collect();
    assert!(
        all.windows(2).all(|w| w[0].issue_date >= w[1].issue_date),
        "newest first"
    );
    let mut numbers: Vec<_> = all.iter().map(|d| d.number.clone()).collect();
    numbers.dedup();
    assert_eq!(numbers.len(), 14, "no document on two pages");
    // A page past the end shows the last page, its documents included.
    let past = list(&app, &anna, "all", 99).await.unwrap();
    assert_eq!((past.page, past.pages, past.count), (2, 2, 14));
    let numbers = |l: &DocumentList| l.items.iter().map(|d| d.number.clone()).collect::<Vec<_>>();
    assert_eq!(numbers(&past), numbers(&second));

    let paid = list(&app, &anna, "paid", 1).await.unwrap();
    assert_eq!(paid.count, 14);
    assert!(paid.items.iter().all(|d| d.status == DocumentStatus::Paid));
    assert_eq!(list(&app, &anna, "overdue", 1).await.unwrap().count, 0);

    // Förfallna: the oldest invoice is unpaid past its due date, the
    // current one is unpaid and not yet due; the filter and the derived
    // status agree.
    let frida = app.login("frida@forfallna.example").await;
    let overdue = list(&app, &frida, "overdue", 1).await.unwrap();
    assert_eq!(overdue.count, 1);
    assert_eq!(overdue.items[0].status, DocumentStatus::Overdue);
    assert!(overdue.items[0].due_date < app.now().date_naive());
    let pending = list(&app, &frida, "pending", 1).await.unwrap();
    assert_eq!(pending.count, 1);
    assert_eq!(pending.items[0].status, DocumentStatus::Pending);
    assert_eq!(list(&app, &frida, "paid", 1).await.unwrap().count, 1);
    assert_eq!(list(&app, &frida, "void", 1).await.unwrap().count, 0);

    let err = list(&app, &anna, "late", 1).await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid { ref field, .. } if field == "status"),
        "{err:?}"
    );
    let cecilia = app.login("cecilia@acme.example").await;
    assert!(matches!(
        list(&app, &cecilia, "all", 1).await.unwrap_err(),
        AppError::Forbidden { .. }
    ));
}

both_databases!(credit_notes_show_with_the_invoice_they_correct);
async fn credit_notes_show_with_the_invoice_they_correct(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let corrected = newest_number(&app, &anna).await;
    let outcome = upgrade_to_business(&app, &anna).await;
    let credit_note = outcome
        .credit_note
        .expect("an upgrade credits the unused days");

    let docs = list(&app, &anna, "all", 1).await.unwrap();
    let cn = docs.items.iter().find(|d| d.number == credit_note).unwrap();
    assert!(cn.credit_note);
    assert_eq!(cn.corrects.as_deref(), Some(corrected.as_str()));
    let inv = docs.items.iter().find(|d| d.number == corrected).unwrap();
    assert_eq!(inv.credited_by, vec![credit_note.clone()]);

    let view = detail(&app, &anna, &credit_note).await.unwrap();
    assert!(view.summary.credit_note);
    assert_eq!(view.summary.corrects.as_deref(), Some(corrected.as_str()));
    assert!(view.ocr.is_none(), "a credit note is not paid by OCR");
    let pdf = get(&anna, &app, &format!("/billing/invoices/{credit_note}/pdf")).await;
    assert_eq!(pdf.status(), 200);
    let text = pdf_text(&pdf.bytes().await.unwrap());
    assert!(text.contains("Kreditfaktura"), "{text}");
    assert!(
        text.contains(&credit_note) && text.contains(&corrected),
        "{text}"
    );
    assert!(
        text.contains(&plain(view.summary.total.format_number(view.locale))),
        "{text}"
    );
}

both_databases!(detail_and_pdf_hold_every_field_of_the_invoice);
async fn detail_and_pdf_hold_every_field_of_the_invoice(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let number = newest_number(&app, &anna).await;
    let d = detail(&app, &anna, &number).await.unwrap();

    assert_eq!(d.summary.number, number);
    assert_eq!(d.seller.legal_name, "Molnportalen Sverige AB");
    assert_eq!(d.seller.vat_number, "SE556677889901");
    assert!(!d.seller.bankgiro.is_empty() && !d.seller.org_number.is_empty());
    assert_eq!(d.buyer.legal_name, "Acme AB");
    assert_eq!(d.buyer.address_lines(), ["Storgatan 1", "111 22 Stockholm"]);
    assert!(!d.lines.is_empty() && d.lines.iter().all(|l| l.period.is_some()));
    let lines: i64 = d.lines.iter().map(|l| l.amount.minor()).sum();
    assert_eq!(d.subtotal.minor(), lines);
    assert_eq!(d.vat.len(), 1);
    assert_eq!(d.vat[0].rate, rust_decimal::Decimal::new(25, 2));
    assert_eq!(
        d.vat[0].vat.minor() * 4,
        d.subtotal.minor(),
        "25 % of whole kronor"
    );
    assert_eq!(d.summary.total, d.subtotal + d.vat[0].vat);
    // Issued as total less credit applied; nothing is owed once paid.
    let owed = if d.summary.status == DocumentStatus::Paid {
        billing_portal::domain::money::Money::zero(d.summary.total.currency())
    } else {
        d.summary.total - d.credit_applied
    };
    assert_eq!(d.summary.amount_due, owed);
    assert_eq!(d.payment_terms_days, 30);
    assert_eq!((d.summary.due_date - d.summary.issue_date).num_days(), 30);
    let ocr = d.ocr.clone().expect("an invoice carries an OCR reference");
    assert!(
        OcrReference::parse(&ocr).is_ok(),
        "{ocr} validates as Bankgirot checks it"
    );

    let r = get(&anna, &app, &format!("/billing/invoices/{number}/pdf")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"{number}.pdf\"").as_str()
    );
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a real PDF");
    assert!(
        pdf.windows(7).any(|w| w == b"pdfaid:"),
        "PDF/A identification in the XMP metadata"
    );
    let text = pdf_text(&pdf);
    let l = d.locale;
    for needle in [
        number.clone(),
        ocr,
        "Faktura".into(),
        "Acme AB".into(),
        "Molnportalen Sverige AB".into(),
        "SE556677889901".into(),
        "Bankgiro".into(),
        "Moms 25 %".into(),
        plain(d.subtotal.format_number(l)),
        plain(d.vat[0].vat.format_number(l)),
        plain(d.summary.total.format_number(l)),
        plain(d.summary.amount_due.format_number(l)),
        "Att betala".into(),
        "Godkänd för F-skatt".into(),
    ] {
        assert!(
            text.contains(&needle),
            "the PDF's text lacks {needle:?}:\n{text}"
        );
    }
    assert_eq!(pdf_pages(&pdf), 1);
}

both_databases!(no_one_outside_the_organisation_reads_a_document);
async fn no_one_outside_the_organisation_reads_a_document(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let number = newest_number(&app, &anna).await;
    let path = format!("/billing/invoices/{number}/pdf");

    // Sara is the billing owner of another organisation: 404, as for a
    // number that does not exist.
    let sara = app.login("sara@smaforetaget.example").await;
    assert_eq!(
        detail(&app, &sara, &number).await.unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(get(&sara, &app, &path).await.status(), 404);
    assert_eq!(
        get(&sara, &app, "/billing/invoices/2026-999999/pdf")
            .await
            .status(),
        404
    );
    assert_eq!(
        get(&anna, &app, "/billing/invoices/2026-999999/pdf")
            .await
            .status(),
        404
    );
    // A member of Acme has no billing access; a stranger must log in.
    let cecilia = app.login("cecilia@acme.example").await;
    assert_eq!(get(&cecilia, &app, &path).await.status(), 403);
    assert!(matches!(
        detail(&app, &cecilia, &number).await.unwrap_err(),
        AppError::Forbidden { .. }
    ));
    let stranger = get(&app.anonymous(), &app, &path).await;
    assert_eq!(stranger.status(), 303);
    assert_eq!(stranger.headers()["location"], "/login");
    // An admin who is not the billing owner downloads.
    let bertil = app.login("bertil@acme.example").await;
    assert_eq!(get(&bertil, &app, &path).await.status(), 200);
}

both_databases!(issued_documents_are_immutable_in_the_database);
async fn issued_documents_are_immutable_in_the_database(app: TestApp) {
    let pool = &app.db.pool;
    let id: i64 = sqlx::query_scalar(
        "SELECT d.id FROM documents d JOIN organisations o ON o.id = d.organisation_id \
         WHERE o.name = 'Förfallna AB' AND d.status = 'pending' ORDER BY d.id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let refused = |sql: &'static str| async move {
        let err = sqlx::query(sql).bind(id).execute(pool).await.unwrap_err();
        assert!(
            err.to_string().contains("document_immutable"),
            "{sql}: {err}"
        );
    };
    refused("UPDATE documents SET total_minor = total_minor + 100, subtotal_minor = subtotal_minor + 100 WHERE id = $1").await;
    refused("UPDATE documents SET buyer = '{}' WHERE id = $1").await;
    refused("UPDATE documents SET due_date = '2099-01-01' WHERE id = $1").await;
    refused("UPDATE document_lines SET amount_minor = 1 WHERE document_id = $1").await;
    refused("UPDATE document_vat SET vat_minor = 1 WHERE document_id = $1").await;
    refused("DELETE FROM document_lines WHERE document_id = $1").await;
    refused("DELETE FROM document_vat WHERE document_id = $1").await;
    refused("DELETE FROM documents WHERE id = $1").await;
    // Whether it is paid follows from the settlement ledger, never from a
    // stored status; the one change is from open to void, once.
    refused("UPDATE documents SET status = 'paid' WHERE id = $1").await;
    sqlx::query("UPDATE documents SET status = 'void' WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    refused("UPDATE documents SET status = 'pending' WHERE id = $1").await;
}

both_databases!(billing_details_are_edited_by_the_owner_and_reach_only_new_invoices);
async fn billing_details_are_edited_by_the_owner_and_reach_only_new_invoices(app: TestApp) {
    let save = |c: &Client, country: &'static str, vat: &'static str, email: &'static str| {
        let c = c.clone();
        let app = &app;
        async move {
            app.call::<()>(
                &c,
                "save_billing_details",
                &[
                    ("legal_name", "Acme Europe GmbH"),
                    ("address", "Hauptstraße 5"),
                    ("postal_code", "10115"),
                    ("city", "Berlin"),
                    ("country", country),
                    ("vat_number", vat),
                    ("invoice_email", email),
                ],
            )
            .await
        }
    };
    let anna = app.login("anna@acme.example").await;
    let bertil = app.login("bertil@acme.example").await;
    let before: BillingDetailsView = app.billing_details(&anna).await.unwrap();
    assert!(before.editable);
    let seen_by_admin: BillingDetailsView = app.billing_details(&bertil).await.unwrap();
    assert!(
        !seen_by_admin.editable,
        "admins read, only the billing owner edits"
    );
    assert_eq!(
        seen_by_admin.billing_owner.as_deref(),
        Some("Anna Andersson"),
        "the page names who may edit"
    );
    assert!(matches!(
        save(&bertil, "DE", "DE123456789", "ap@acme.example")
            .await
            .unwrap_err(),
        AppError::Forbidden { .. }
    ));

    // Every wrong field at once; nothing saved.
    let err = save(&anna, "DE", "SE556677889901", "not-an-email")
        .await
        .unwrap_err();
    let AppError::Fields(fields) = err else {
        panic!("expected field errors, got {err:?}")
    };
    let named: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(named, ["vat_number", "invoice_email"]);
    assert!(
        fields[0].message.to_string().contains("starts with DE"),
        "{}",
        fields[0].message
    );
    let unchanged: BillingDetailsView = app.billing_details(&anna).await.unwrap();
    assert_eq!(unchanged, before);

    let old = newest_number(&app, &anna).await;
    save(&anna, "de", "DE 123 456 789", "ap@acme.example")
        .await
        .unwrap();
    let after: BillingDetailsView = app.billing_details(&anna).await.unwrap();
    assert_eq!(after.form.country, "DE");
    assert_eq!(after.form.vat_number, "DE123456789");
    // Saving the same details again changes nothing more.
    save(&anna, "DE", "DE123456789", "ap@acme.example")
        .await
        .unwrap();
    let audits: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'billing_details.update'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(audits, 1);

    // The next invoice is addressed to the new buyer under reverse charge;
    // the one issued before keeps its Swedish buyer and VAT.
    let outcome = upgrade_to_business(&app, &anna).await;
    let new = detail(&app, &anna, &outcome.invoice.unwrap())
        .await
        .unwrap();
    assert_eq!(new.buyer.legal_name, "Acme Europe GmbH");
    assert_eq!(new.buyer.vat_number.as_deref(), Some("DE123456789"));
    assert!(new.vat.iter().all(|v| v.vat.is_zero()));
    assert_eq!(
        new.vat_note.as_deref(),
        Some("Reverse charge / Omvänd betalningsskyldighet")
    );
    let pdf = get(
        &anna,
        &app,
        &format!("/billing/invoices/{}/pdf", new.summary.number),
    )
    .await;
    let text = pdf_text(&pdf.bytes().await.unwrap());
    assert!(
        text.contains("Reverse charge") && text.contains("DE123456789") && text.contains("Invoice"),
        "{text}"
    );
    let kept = detail(&app, &anna, &old).await.unwrap();
    assert_eq!(kept.buyer.legal_name, "Acme AB");
    assert_eq!(kept.buyer.country, "SE");
    assert!(!kept.vat[0].vat.is_zero());
}

#[test]
fn long_invoices_run_over_several_pages_with_swedish_letters() {
    let renderer = billing_portal::pdf::Renderer::new(None);
    let pdf = renderer
        .render(&billing_portal::pdf::sample_document(60))
        .unwrap();
    assert!(pdf_pages(&pdf) >= 2);
    let text = pdf_text(&pdf);
    assert!(text.contains("Åkesson & Öberg Bygg AB"), "{text}");
    assert!(text.contains("(rad 60)"), "the last line is printed");
    assert!(text.contains("Sida 2 / "), "pages are numbered");
}

/// The server typesets in a worker process (src/pdf/worker.rs): a worker
/// that was killed is replaced without failing the next document, and an
/// idle worker goes away.
#[tokio::test]
async fn pdfs_come_from_a_worker_process_that_is_replaced_when_killed_and_stops_when_idle() {
    use billing_portal::pdf::Typesetter;
    let typesetter = Typesetter::new(
        env!("CARGO_BIN_EXE_billing-portal").into(),
        Some(billing_portal::config::Logo::bundled()),
        std::time::Duration::from_millis(500),
    );
    assert_eq!(
        typesetter.worker_pid().await,
        None,
        "started on the first document"
    );
    let doc = billing_portal::pdf::sample_document(3);
    let first = typesetter.render(&doc).await.unwrap();
    assert!(pdf_text(&first).contains("Åkesson & Öberg Bygg AB"));
    let pid = typesetter.worker_pid().await.expect("a worker runs");
    assert_ne!(pid, std::process::id());

    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let again = typesetter.render(&doc).await.unwrap();
    assert_eq!(
        pdf_text(&again),
        pdf_text(&first),
        "the same document again"
    );
    let second = typesetter.worker_pid().await.expect("a new worker");
    assert_ne!(second, pid);

    // Half a second without work: the worker ends, and is waited for.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while typesetter.worker_pid().await.is_some() {
        assert!(
            std::time::Instant::now() < deadline,
            "the idle worker never stopped"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        !std::path::Path::new(&format!("/proc/{second}")).exists(),
        "the worker's process is gone, not left a zombie"
    );
    let later = typesetter.render(&doc).await.unwrap();
    assert!(
        later.starts_with(b"%PDF-"),
        "a new worker after the idle one"
    );
}

/// A deployment replaces the binary while the server runs (a new file
/// moved over the old one): PDFs still come from the running binary, which
/// the worker is started from (`/proc/self/exe`), not from whatever now
/// lies at its path.
#[tokio::test]
async fn the_server_typesets_pdfs_after_a_deployment_replaced_its_binary() {
    use std::os::unix::fs::PermissionsExt;
    struct Server(std::process::Child, std::path::PathBuf);
    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
            let _ = std::fs::remove_dir_all(&self.1);
        }
    }
    let dir = std::env::temp_dir().join(format!("bp-deploy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("billing-portal");
    // A second name for the built binary (a copy where links cannot go):
    // the name is what the deployment replaces.
    let built = env!("CARGO_BIN_EXE_billing-portal");
    if std::fs::hard_link(built, &bin).is_err() {
        std::fs::copy(built, &bin).unwrap();
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server(
        std::process::Command::new(&bin)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DEMO_DATA", "true")
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/d.db?mode=rwc", dir.display()),
            )
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("MAIL_INTERVAL_SECONDS", "0")
            .env("CLOCK_INTERVAL_SECONDS", "0")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
        dir.clone(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    while http.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            started.elapsed().as_secs() < 120,
            "the server never answered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // The deployment: the file removed and another in its place.
    std::fs::remove_file(&bin).unwrap();
    std::fs::write(&bin, "#!/bin/sh\nexit 3\n").unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();

    let login = http
        .post(format!("{base}/api/login"))
        .form(&[("email", "anna@acme.example"), ("password", "demo1234")])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success() || login.status().is_redirection());
    let list = http
        .get(format!("{base}/billing/invoices"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let number = regex::Regex::new(r"/billing/invoices/(\d{4}-\d{6})")
        .unwrap()
        .captures(&list)
        .expect("an invoice in the demo data")[1]
        .to_string();
    let pdf = http
        .get(format!("{base}/billing/invoices/{number}/pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let text = pdf_text(&pdf.bytes().await.unwrap());
    assert!(text.contains(&number), "{text}");
    drop(server);
}

both_databases!(billing_details_errors_show_without_javascript);
async fn billing_details_errors_show_without_javascript(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    // A plain form post, as the browser sends it before the WebAssembly loads.
    let r = anna
        .http
        .post(app.url("/api/save_billing_details"))
        .header("accept", "text/html")
        .header("referer", app.url("/billing/details"))
        .form(&[
            ("legal_name", "Acme AB"),
            ("address", "Storgatan 1"),
            ("postal_code", "111 22"),
            ("city", "Stockholm"),
            ("country", "SE"),
            ("vat_number", "SE123"),
            ("invoice_email", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_redirection(),
        "back to the form, got {}",
        r.status()
    );
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(back.contains("/billing/details"), "{back}");
    let html = app.page_html(&anna, &back).await;
    assert!(
        html.contains("är inget giltigt momsregistreringsnummer från SE"),
        "the field error is rendered on the page"
    );
    assert!(
        html.contains(r#"value="SE123""#) && !html.contains(r#"value="SE556677889901""#),
        "the field shows what was typed, not the stored number"
    );
    let kept: BillingDetailsView = app.billing_details(&anna).await.unwrap();
    assert_eq!(kept.form.vat_number, "SE556677889901", "nothing saved");
}

// The Norwegian demo organisation's documents speak Norwegian (R-UI-7):
// the lines, the PDF's labels and its amounts in the bokmål format.
both_databases!(a_norwegian_buyer_gets_norwegian_documents);
async fn a_norwegian_buyer_gets_norwegian_documents(app: TestApp) {
    let ola = app.login("ola@nordlys.example").await;
    // Ola has chosen no language: Nordlys's, from the first page on.
    let html = app.page_html(&ola, "/billing").await;
    assert!(
        html.contains(r#"<html lang="nb""#),
        "{}",
        &html[..200.min(html.len())]
    );
    let number = newest_number(&app, &ola).await;
    let d = detail(&app, &ola, &number).await.unwrap();
    assert_eq!(d.locale, billing_portal::domain::locale::Locale::Nb);
    assert!(
        d.lines.iter().any(|l| l.description.contains(" plasser")),
        "{:?}",
        d.lines
    );
    let pdf = get(&ola, &app, &format!("/billing/invoices/{number}/pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&pdf);
    for label in [
        "Faktura",
        "Forfallsdato",
        "Beskrivelse",
        "Å betale",
        "Betalingsbetingelser",
    ] {
        assert!(text.contains(label), "{label} in\n{text}");
    }
    assert!(
        text.contains(
            &d.summary
                .total
                .format_number(billing_portal::domain::locale::Locale::Nb)
                .replace('\u{a0}', " ")
        ),
        "the total as Norwegian writes it\n{text}"
    );
}

// A page that shows a refusal or a missing document answers with its status,
// not 200 (#14): a missing invoice 404, another organisation's 404, a member
// without access 403.
both_databases!(refused_and_missing_pages_answer_their_status);
async fn refused_and_missing_pages_answer_their_status(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let number = newest_number(&app, &anna).await;
    assert_eq!(
        get(&anna, &app, &format!("/billing/invoices/{number}"))
            .await
            .status(),
        200
    );
    assert_eq!(
        get(&anna, &app, "/billing/invoices/2026-999999")
            .await
            .status(),
        404
    );
    let ola = app.login("ola@nordlys.example").await;
    assert_eq!(
        get(&ola, &app, &format!("/billing/invoices/{number}"))
            .await
            .status(),
        404,
        "another organisation's invoice is not found"
    );
    let cecilia = app.login("cecilia@acme.example").await;
    let r = get(&cecilia, &app, "/billing").await;
    assert_eq!(r.status(), 403);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Du har inte tillgång till fakturering"));
    assert_eq!(get(&cecilia, &app, "/billing/invoices").await.status(), 403);
}

both_databases!(the_organisation_number_is_checked_and_saved_as_digits);
async fn the_organisation_number_is_checked_and_saved_as_digits(app: TestApp) {
    let anna = app.login("anna@acme.example").await;
    let before: BillingDetailsView = app.billing_details(&anna).await.unwrap();
    let stored = before.form.org_number.clone();
    assert_eq!(stored.len(), 10, "the demo has a Swedish number");
    let save = |org: Option<&'static str>| {
        let (c, app, f) = (anna.clone(), &app, before.form.clone());
        async move {
            let mut args = vec![
                ("legal_name", f.legal_name.clone()),
                ("address", f.address.clone()),
                ("postal_code", f.postal_code.clone()),
                ("city", f.city.clone()),
                ("country", f.country.clone()),
                ("vat_number", f.vat_number.clone()),
                ("invoice_email", f.invoice_email.clone()),
            ];
            if let Some(o) = org {
                args.push(("org_number", o.to_string()));
            }
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call::<()>(&c, "save_billing_details", &args).await
        }
    };
    let stored_number = || async {
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT org_number FROM organisations WHERE name = 'Acme AB'",
        )
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
    };
    // A wrong check digit is named on its field; nothing is saved.
    let err = save(Some("556036-0794")).await.unwrap_err();
    let AppError::Fields(fields) = err else {
        panic!("expected field errors, got {err:?}")
    };
    assert_eq!(fields[0].field, "org_number");
    assert!(fields[0].message.to_string().contains("check digit"));
    assert_eq!(stored_number().await.as_deref(), Some(stored.as_str()));
    // A right one is kept as digits, audited once.
    save(Some("556036-0793")).await.unwrap();
    assert_eq!(stored_number().await.as_deref(), Some("5560360793"));
    let after: BillingDetailsView = app.billing_details(&anna).await.unwrap();
    assert_eq!(after.form.org_number, "5560360793");
    // The same number again is no change.
    save(Some("5560360793")).await.unwrap();
    assert_eq!(stored_number().await.as_deref(), Some("5560360793"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'billing_details.update'")
            .await,
        1
    );
    // Emptied, or left out of the request, it is gone.
    save(Some("")).await.unwrap();
    assert_eq!(stored_number().await, None);
    save(Some("556036-0793")).await.unwrap();
    save(None).await.unwrap();
    assert_eq!(stored_number().await, None);
}

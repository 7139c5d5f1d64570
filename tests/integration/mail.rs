//! The invoice copy to the customer (R-INV-7, issue 11): through a real SMTP
//! server (aiosmtpd from PyPI, started by the test on a loopback port).

use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, TestApp};
use billing_portal::services::mail::{deliver_due, Smtp};

/// An SMTP server writing what it receives to a maildir; killed on drop.
struct SmtpServer {
    child: std::process::Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn smtp_server() -> Option<SmtpServer> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("billing_mail_{}_{port}", std::process::id()));
    let spawned = std::process::Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&dir)
        .stderr(std::process::Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(child) => child,
        Err(e) if std::env::var("CI").is_err() => {
            eprintln!("SKIPPED: SMTP test, no python3: {e}");
            return None;
        }
        Err(e) => {
            panic!("python3 with aiosmtpd is required under CI (.ci/setup.sh installs it): {e}")
        }
    };
    let server = SmtpServer { child, port, dir };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(server);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    if std::env::var("CI").is_err() {
        eprintln!("SKIPPED: SMTP test, aiosmtpd did not start (pip install aiosmtpd)");
        return None;
    }
    panic!("aiosmtpd did not start on port {port} (.ci/setup.sh installs it)");
}

// An upgrade's invoice and credit note each reach the customer's invoice
// address once, with the document's PDF attached.
both_databases!(issued_documents_are_mailed_once_with_their_pdf);
async fn issued_documents_are_mailed_once_with_their_pdf(app: TestApp) {
    let Some(server) = smtp_server().await else {
        return;
    };
    // The demo's own documents are not this test's business.
    sqlx::query("UPDATE outbox SET status = 'sent'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let anna = app.login("anna@acme.example").await;
    let business = plan_id(&app, "business").await;
    let p = preview(&app, &anna, business, "monthly", 6).await.unwrap();
    let done = confirm(&app, &anna, &p).await.unwrap();
    let invoice = done.invoice.unwrap();
    let recipient: String =
        sqlx::query_scalar("SELECT invoice_email FROM organisations WHERE name = 'Acme AB'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let seller = billing_portal::config::seller_from_env();
    let smtp = Smtp::from_url(&format!("smtp://127.0.0.1:{}", server.port)).unwrap();
    let sent = deliver_due(&app.db, &seller, &app.pdf, &smtp, app.now(), 100)
        .await
        .unwrap();
    assert_eq!(sent, 2, "the invoice and the credit note");
    let again = deliver_due(&app.db, &seller, &app.pdf, &smtp, app.now(), 100)
        .await
        .unwrap();
    assert_eq!(again, 0, "never twice");
    let mut messages = Vec::new();
    for _ in 0..50 {
        messages = std::fs::read_dir(server.dir.join("new"))
            .map(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        if messages.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(messages.len(), 2);
    let mail = messages
        .iter()
        .find(|m| m.contains(&format!("Subject: {invoice}")))
        .expect("the invoice's message");
    assert!(mail.contains(&format!("To: {recipient}")), "{mail}");
    assert!(mail.contains("application/pdf"), "{mail}");
    assert!(mail.contains(&format!("{invoice}.pdf")), "{mail}");
    assert!(
        mail.contains("JVBERi0"),
        "the attachment is a PDF (base64 of %PDF-)"
    );
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM outbox WHERE status <> 'sent'")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert!(statuses.is_empty(), "{statuses:?}");
}

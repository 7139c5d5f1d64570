//! The copy of every issued invoice and credit note to the billing owner
//! (R-INV-7). Issuing a document queues one outbox row in the issuing
//! transaction (one per document: the key is the document); a supervised
//! task delivers what is queued through a `Mailer` — SMTP when `SMTP_URL`
//! is set, otherwise files in the outbox folder. Sending never blocks or
//! rolls back billing; a failure is retried later; a row is claimed before
//! it is sent and marked sent after, so one document goes out once (an SMTP
//! server that took a message just before a crash gets it again with the
//! same Message-ID, which mail systems treat as the same message).

use crate::db::{outbox, Db};
use crate::domain::invoice::Seller;
use crate::domain::locale::Locale;
use crate::error::AppError;
use crate::i18n::t;
use crate::tf;
use chrono::{DateTime, Duration, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;

/// One message, with the document's PDF attached when it is about one.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The file name and the PDF.
    pub attachment: Option<(String, Vec<u8>)>,
    /// Derived from the document, so a resend is recognisably the same.
    pub message_id: String,
}

/// Where mail goes.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, from: &str, mail: &Mail) -> Result<(), String>;
}

fn message(from: &str, mail: &Mail) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("sender {from}: {e}"))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| format!("recipient {}: {e}", mail.to))?;
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(&mail.subject)
        .message_id(Some(mail.message_id.clone()));
    match &mail.attachment {
        None => builder.body(mail.body.clone()),
        Some((file_name, pdf)) => {
            let kind = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
            builder.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(mail.body.clone()))
                    .singlepart(Attachment::new(file_name.clone()).body(pdf.clone(), kind)),
            )
        }
    }
    .map_err(|e| e.to_string())
}

/// SMTP, from `SMTP_URL` (`smtp://host:port` in the clear, as on a local
/// relay; `smtps://user:pass@host` with TLS).
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Smtp {
    pub fn from_url(url: &str) -> Result<Smtp, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        Ok(Smtp { transport })
    }
}

#[async_trait::async_trait]
impl Mailer for Smtp {
    async fn send(&self, from: &str, mail: &Mail) -> Result<(), String> {
        self.transport
            .send(message(from, mail)?)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// No SMTP configured: each message is written as an `.eml` file (the PDF
/// attached) to the outbox folder, where an operator can open it.
pub struct OutboxFolder {
    pub dir: PathBuf,
}

#[async_trait::async_trait]
impl Mailer for OutboxFolder {
    async fn send(&self, from: &str, mail: &Mail) -> Result<(), String> {
        let bytes = message(from, mail)?.formatted();
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let name: String = mail
            .message_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
            .collect();
        let path = self.dir.join(format!("{name}.eml"));
        tokio::fs::write(&path, bytes)
            .await
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Where messages go, for people: the SMTP server without its password,
/// or the folder of `.eml` files.
pub fn delivery(smtp_url: Option<&str>, dir: &std::path::Path) -> String {
    match smtp_url {
        Some(url) => {
            let (scheme, rest) = url.split_once("://").unwrap_or(("smtp", url));
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            format!("{scheme}://{host}")
        }
        None => format!("no SMTP server configured: .eml files in {}", dir.display()),
    }
}

/// Attempts before a message is given up (and shown as failed).
const MAX_ATTEMPTS: i64 = 10;
/// A claim older than this is taken to be a crashed sender's.
const CLAIM_TIMEOUT_MINUTES: i64 = 10;

/// The subject of an outbox message of `kind` about document `number`, in
/// the organisation's language.
pub fn subject(l: Locale, kind: &str, number: &str, seller: &str) -> String {
    match kind {
        "reminder" => tf!(l, "mail-reminder-subject", number = number, seller = seller),
        "payment_failed" => tf!(
            l,
            "mail-payment-failed-subject",
            number = number,
            seller = seller
        ),
        _ => tf!(l, "mail-document-subject", number = number, seller = seller),
    }
}

/// A greeting, the message, and the end of the line.
fn body(l: Locale, text: String) -> String {
    format!("{}\n\n{text}\n", t(l, "mail-hello"))
}

/// The subject and body of the message to both when the billing owner's
/// role moves from `old` to `new` (R-ACC-5), in the organisation's language.
pub fn owner_changed(
    l: Locale,
    old: &str,
    new: &str,
    org: &str,
    at: DateTime<Utc>,
) -> (String, String) {
    let when = at.format("%Y-%m-%d %H:%M UTC").to_string();
    (
        tf!(l, "mail-owner-changed-subject", org = org),
        body(
            l,
            tf!(
                l,
                "mail-owner-changed",
                old = old,
                new = new,
                org = org,
                when = when
            ),
        ),
    )
}

/// The subject, body and Message-ID of one outbox message about document
/// `number`, in the organisation's language.
fn compose(c: &outbox::Claimed, number: &str, seller: &str) -> (String, String, String) {
    let l = Locale::for_buyer_country(&c.country);
    let subject = subject(l, &c.kind, number, seller);
    let document_id = c.document_id.unwrap_or_default();
    let due = c.due_date.as_deref().unwrap_or_default();
    match c.kind.as_str() {
        "reminder" => (
            subject,
            body(
                l,
                tf!(
                    l,
                    "mail-reminder",
                    number = number,
                    seller = seller,
                    due = due
                ),
            ),
            format!("reminder-{document_id}@billing-portal"),
        ),
        "payment_failed" => (
            subject,
            body(l, tf!(l, "mail-payment-failed", number = number)),
            format!("payment-failed-{document_id}@billing-portal"),
        ),
        _ => (
            subject,
            body(l, tf!(l, "mail-document", number = number, seller = seller)),
            format!("document-{document_id}@billing-portal"),
        ),
    }
}

/// One claimed message as it goes out: composed when queued, or about a
/// document with its PDF attached.
async fn mail_of(
    db: &Db,
    seller: &Seller,
    typesetter: &Arc<crate::pdf::Typesetter>,
    c: &outbox::Claimed,
    to: &str,
    now: DateTime<Utc>,
) -> Result<Mail, String> {
    if let (Some(subject), Some(body)) = (&c.subject, &c.body) {
        return Ok(Mail {
            to: to.to_string(),
            subject: subject.clone(),
            body: body.clone(),
            attachment: None,
            message_id: format!("{}-{}@billing-portal", c.kind, c.id),
        });
    }
    let number = c
        .number
        .as_deref()
        .ok_or("a message with no document and no text")?;
    let (file_name, pdf) =
        crate::services::documents::pdf(db, seller, typesetter, c.organisation_id, number, now)
            .await
            .map_err(|e| format!("pdf: {e}"))?;
    let (subject, body, message_id) = compose(c, number, &seller.legal_name);
    Ok(Mail {
        to: to.to_string(),
        subject,
        body,
        attachment: Some((file_name, pdf)),
        message_id,
    })
}

/// Sends what is queued, at most `limit` messages. Returns how many went.
pub async fn deliver_due(
    db: &Db,
    seller: &Seller,
    typesetter: &Arc<crate::pdf::Typesetter>,
    mailer: &dyn Mailer,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, AppError> {
    let claimed = outbox::claim(
        &mut *db.write_conn().await?,
        now,
        now - Duration::minutes(CLAIM_TIMEOUT_MINUTES),
        limit,
    )
    .await?;
    let mut sent = 0;
    for c in claimed {
        let outcome = match &c.recipient {
            None => Err("no invoice e-mail and no billing owner to send to".to_string()),
            Some(to) => match mail_of(db, seller, typesetter, &c, to, now).await {
                Ok(mail) => mailer.send(&seller.email, &mail).await,
                Err(e) => Err(e),
            },
        };
        let (id, document_id, attempts) = (c.id, c.document_id, c.attempts);
        match outcome {
            Ok(()) => {
                outbox::mark_sent(&mut *db.write_conn().await?, id, now).await?;
                sent += 1;
            }
            Err(error) => {
                let attempts = attempts + 1;
                // Back off: 1, 2, 4 … minutes, at most a day.
                let wait = Duration::minutes((1i64 << attempts.min(11)).min(1440));
                tracing::warn!(?document_id, attempts, %error, "e-mail not sent; retried later");
                outbox::mark_unsent(
                    &mut *db.write_conn().await?,
                    id,
                    attempts >= MAX_ATTEMPTS,
                    attempts,
                    now + wait,
                    &error,
                )
                .await?;
            }
        }
    }
    Ok(sent)
}

//! Invoices and credit notes: gapless numbers, lines, VAT rows, and the
//! account balance ledger. Issued documents are only ever inserted; their
//! status is the one thing that changes later.

use super::date;
use crate::domain::invoice::{due_date, Buyer, DocumentStatus, LineItem, Series, Totals};
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::ocr::OcrReference;
use chrono::{Datelike, NaiveDate};
use sqlx::AnyConnection;

/// Takes the next number of a series. Called inside the issuing transaction:
/// the series row stays locked until commit, and a rollback returns the
/// number, so the series has no gaps and no duplicates.
async fn next_seq(conn: &mut AnyConnection, series: Series, year: i32) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO document_series (series, year, last_seq) VALUES ($1, $2, 1) \
         ON CONFLICT (series, year) DO UPDATE SET last_seq = document_series.last_seq + 1 RETURNING last_seq",
    )
    .bind(series.code())
    .bind(i64::from(year))
    .fetch_one(&mut *conn)
    .await
}

pub struct NewDocument<'a> {
    pub org_id: i64,
    pub series: Series,
    pub subscription_id: Option<i64>,
    pub corrects_id: Option<i64>,
    pub issue_date: NaiveDate,
    pub currency: Currency,
    pub lines: &'a [LineItem],
    pub totals: &'a Totals,
    pub vat_note: Option<&'a str>,
    /// The rate of lines that carry none of their own: the buyer's.
    pub vat_rate: rust_decimal::Decimal,
    /// The buyer as they are at issue; the document keeps this copy.
    pub buyer: &'a Buyer,
    pub locale: Locale,
    pub status: &'a str,
}

/// Issues a document and returns its id and number.
pub async fn issue(
    conn: &mut AnyConnection,
    doc: NewDocument<'_>,
) -> Result<(i64, String), sqlx::Error> {
    let year = doc.issue_date.year();
    let seq = next_seq(conn, doc.series, year).await?;
    let number = doc.series.number(year, seq as u64);
    let ocr = (doc.series == Series::Invoice)
        .then(|| OcrReference::for_document(year as u32, seq as u64));
    let vat_total: i64 = doc.totals.vat.iter().map(|v| v.vat.minor()).sum();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO documents (organisation_id, kind, number, series_year, seq, corrects_id, subscription_id, issue_date, \
         due_date, status, currency, subtotal_minor, vat_minor, total_minor, credit_applied_minor, amount_due_minor, \
         vat_note, buyer, ocr, created_at, sealed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 0) RETURNING id",
    )
    .bind(doc.org_id)
    .bind(doc.series.code())
    .bind(&number)
    .bind(i64::from(year))
    .bind(seq)
    .bind(doc.corrects_id)
    .bind(doc.subscription_id)
    .bind(date(doc.issue_date))
    .bind(date(due_date(doc.issue_date)))
    .bind(doc.status)
    .bind(doc.currency.code())
    .bind(doc.totals.subtotal.minor())
    .bind(vat_total)
    .bind(doc.totals.total.minor())
    .bind(doc.totals.credit_applied.minor())
    .bind(doc.totals.amount_due.minor())
    .bind(doc.vat_note)
    .bind(serde_json::to_string(doc.buyer).expect("a buyer serialises"))
    .bind(ocr.as_ref().map(|o| o.as_str().to_string()))
    .bind(super::now_text())
    .fetch_one(&mut *conn)
    .await?;

    if !doc.lines.is_empty() {
        // All lines in one statement: one round trip however many lines.
        let sql = super::values_sql(
            "INSERT INTO document_lines (document_id, position, description, period_start, period_end, quantity, \
             unit_price_minor, vat_rate, amount_minor, kind) VALUES ",
            doc.lines.len(),
            &[super::Col::Own; 10],
        );
        let mut q = sqlx::query(&sql);
        for (i, l) in doc.lines.iter().enumerate() {
            q = q
                .bind(id)
                .bind(i as i64)
                .bind(l.describe(doc.locale))
                .bind(l.covers.map(|p| date(p.start)))
                .bind(l.covers.map(|p| date(p.last_day())))
                .bind(i64::from(l.quantity))
                .bind(l.unit_price.minor())
                .bind(l.vat_rate.unwrap_or(doc.vat_rate).to_string())
                .bind(l.amount.minor())
                .bind(serde_json::to_string(&l.kind).ok());
        }
        q.execute(&mut *conn).await?;
    }
    let sql = super::values_sql(
        "INSERT INTO document_vat (document_id, rate, base_minor, vat_minor) VALUES ",
        doc.totals.vat.len(),
        &[super::Col::Own; 4],
    );
    let mut q = sqlx::query(&sql);
    for v in &doc.totals.vat {
        q = q
            .bind(id)
            .bind(v.rate.to_string())
            .bind(v.base.minor())
            .bind(v.vat.minor());
    }
    q.execute(&mut *conn).await?;
    // Sealed: from here on the database refuses new lines or VAT rows.
    sqlx::query("UPDATE documents SET sealed = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // Its copy goes to the customer (R-INV-7), queued with the document.
    enqueue_copy(conn, id, doc.org_id, doc.buyer.invoice_email.as_deref()).await?;
    Ok((id, number))
}

/// Queues the copy of a document just issued, in the issuing transaction:
/// to the buyer's invoice e-mail, else the billing owner. Once per document.
pub async fn enqueue_copy(
    conn: &mut sqlx::AnyConnection,
    document_id: i64,
    org_id: i64,
    invoice_email: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (document_id, organisation_id, recipient, status, attempts, next_attempt_at, created_at) \
         SELECT $1, $2, COALESCE($3, (SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $2 AND m.is_billing_owner = 1 AND m.active = 1)), 'queued', 0, '', $4 \
         ON CONFLICT (document_id) DO NOTHING",
    )
    .bind(document_id)
    .bind(org_id)
    .bind(invoice_email.filter(|e| !e.trim().is_empty()))
    .bind(crate::db::now_text())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An issued invoice as a credit note corrects it: its id, its lines as the
/// domain built them (each with the rate it was taxed at), and its VAT note.
pub struct Corrected {
    pub id: i64,
    pub lines: Vec<LineItem>,
    pub vat_note: Option<String>,
}

/// The latest invoice of a subscription, with its lines, for a credit note.
pub async fn latest_invoice_lines(
    conn: &mut AnyConnection,
    subscription_id: i64,
    currency: Currency,
) -> Result<Option<Corrected>, crate::error::AppError> {
    use crate::domain::invoice::LineKind;
    let Some(id) = latest_invoice(conn, subscription_id).await? else {
        return Ok(None);
    };
    let vat_note: Option<String> =
        sqlx::query_scalar("SELECT vat_note FROM documents WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let rows: Vec<LineRow> =
        sqlx::query_as(
            "SELECT description, period_start, period_end, quantity, unit_price_minor, vat_rate, amount_minor, kind \
             FROM document_lines WHERE document_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let covers = match (r.period_start, r.period_end) {
            (Some(s), Some(e)) => Some(crate::domain::period::Period::new(
                super::parse_date(&s)?,
                super::parse_date(&e)? + chrono::Duration::days(1),
            )),
            _ => None,
        };
        lines.push(LineItem {
            // Documents issued before line kinds were stored keep their text.
            kind: r
                .kind
                .and_then(|k| serde_json::from_str(&k).ok())
                .unwrap_or(LineKind::Contract {
                    label: r.description,
                }),
            covers,
            days: None,
            quantity: r.quantity as u32,
            unit_price: Money::new(r.unit_price_minor, currency),
            amount: Money::new(r.amount_minor, currency),
            vat_rate: Some(
                r.vat_rate
                    .parse()
                    .map_err(|e| crate::error::AppError::internal("stored VAT rate", e))?,
            ),
        });
    }
    Ok(Some(Corrected {
        id,
        lines,
        vat_note,
    }))
}

/// The latest invoice of a subscription, which a credit note corrects.
pub async fn latest_invoice(
    conn: &mut AnyConnection,
    subscription_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM documents WHERE subscription_id = $1 AND kind = 'invoice' AND status <> 'void' ORDER BY id DESC LIMIT 1",
    )
    .bind(subscription_id)
    .fetch_optional(&mut *conn)
    .await
}

/// The account credit balance: the sum of its entries.
pub async fn balance(
    conn: &mut AnyConnection,
    org_id: i64,
    currency: Currency,
) -> Result<Money, sqlx::Error> {
    let minor: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM balance_entries WHERE organisation_id = $1 AND currency = $2",
    )
    .bind(org_id)
    .bind(currency.code())
    .fetch_one(&mut *conn)
    .await?;
    Ok(Money::new(minor, currency))
}

pub async fn add_balance(
    conn: &mut AnyConnection,
    org_id: i64,
    amount: Money,
    reason: &str,
    document_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    if amount.is_zero() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO balance_entries (organisation_id, amount_minor, currency, reason, document_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org_id)
    .bind(amount.minor())
    .bind(amount.currency().code())
    .bind(reason)
    .bind(document_id)
    .bind(super::now_text())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An issued document as stored, with the number of the invoice it corrects.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub kind: String,
    pub number: String,
    pub corrects_number: Option<String>,
    pub issue_date: String,
    pub due_date: String,
    pub status: String,
    pub currency: String,
    pub subtotal_minor: i64,
    pub total_minor: i64,
    pub credit_applied_minor: i64,
    pub amount_due_minor: i64,
    pub vat_note: Option<String>,
    pub buyer: String,
    pub ocr: Option<String>,
}

/// The columns of a [`DocumentRow`]; `d` is the document, `c` the one it corrects.
const DOCUMENT_SELECT: &str =
    "SELECT d.id, d.kind, d.number, c.number AS corrects_number, d.issue_date, d.due_date, d.status, \
     d.currency, d.subtotal_minor, d.total_minor, d.credit_applied_minor, d.amount_due_minor, d.vat_note, \
     d.buyer, d.ocr FROM documents d LEFT JOIN documents c ON c.id = d.corrects_id";

/// The SQL for one derived status (R-INV-2), matching
/// `DocumentStatus::derive`: `$2` is today's date where it matters.
fn status_filter(status: Option<DocumentStatus>) -> (&'static str, bool) {
    match status {
        None => ("", false),
        Some(DocumentStatus::Pending) => (" AND d.status = 'pending' AND d.due_date >= $2", true),
        Some(DocumentStatus::Overdue) => (" AND d.status = 'pending' AND d.due_date < $2", true),
        Some(DocumentStatus::Paid) => (" AND d.status = 'paid'", false),
        Some(DocumentStatus::Void) => (" AND d.status = 'void'", false),
    }
}

/// One page of the organisation's documents with a status, newest first.
pub async fn page(
    conn: &mut AnyConnection,
    org_id: i64,
    status: Option<DocumentStatus>,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    let (filter, dated) = status_filter(status);
    let n = if dated { 3 } else { 2 };
    let sql = format!(
        "{DOCUMENT_SELECT} WHERE d.organisation_id = $1{filter} \
         ORDER BY d.issue_date DESC, d.id DESC LIMIT ${n} OFFSET ${}",
        n + 1
    );
    let mut q = sqlx::query_as(&sql).bind(org_id);
    if dated {
        q = q.bind(date(today));
    }
    q.bind(limit).bind(offset).fetch_all(&mut *conn).await
}

/// How many documents have a status.
pub async fn count(
    conn: &mut AnyConnection,
    org_id: i64,
    status: Option<DocumentStatus>,
    today: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let (filter, dated) = status_filter(status);
    let sql = format!("SELECT COUNT(*) FROM documents d WHERE d.organisation_id = $1{filter}");
    let mut q = sqlx::query_scalar(&sql).bind(org_id);
    if dated {
        q = q.bind(date(today));
    }
    q.fetch_one(&mut *conn).await
}

/// The credit notes correcting any of `ids`: (corrected id, credit note number).
pub async fn credited_by(
    conn: &mut AnyConnection,
    org_id: i64,
    ids: &[i64],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let (Some(lo), Some(hi)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT corrects_id, number FROM documents WHERE organisation_id = $1 AND corrects_id BETWEEN $2 AND $3 \
         ORDER BY id",
    )
    .bind(org_id)
    .bind(*lo)
    .bind(*hi)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(id, _)| ids.contains(id))
        .collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    pub description: String,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub vat_rate: String,
    pub amount_minor: i64,
    /// The domain's line kind as JSON; none on documents issued before it
    /// was stored.
    pub kind: Option<String>,
}

/// One document of one organisation by its number, with its lines and VAT
/// rows. Another organisation's number finds nothing.
pub async fn find(
    conn: &mut AnyConnection,
    org_id: i64,
    number: &str,
) -> Result<Option<(DocumentRow, Vec<LineRow>, Vec<(String, i64, i64)>)>, sqlx::Error> {
    let sql = format!("{DOCUMENT_SELECT} WHERE d.organisation_id = $1 AND d.number = $2");
    let Some(doc): Option<DocumentRow> = sqlx::query_as(&sql)
        .bind(org_id)
        .bind(number)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query_as(
        "SELECT description, period_start, period_end, quantity, unit_price_minor, vat_rate, amount_minor, kind \
         FROM document_lines WHERE document_id = $1 ORDER BY position",
    )
    .bind(doc.id)
    .fetch_all(&mut *conn)
    .await?;
    let vat = sqlx::query_as(
        "SELECT rate, base_minor, vat_minor FROM document_vat WHERE document_id = $1 ORDER BY rate DESC",
    )
    .bind(doc.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some((doc, lines, vat)))
}

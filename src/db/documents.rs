//! Invoices and credit notes: gapless numbers, lines, VAT rows, and the
//! account balance ledger. Issued documents are only ever inserted; being
//! voided is the one thing that changes later. What an invoice still owes
//! is derived from the settlement ledger (`db::payments`): see [`DUE`].

use super::orgs::{OrgRow, ORG_SELECT};
use super::{date, Count, OneRead, Part, Val};
use crate::domain::invoice::{due_date, Buyer, DocumentStatus, LineItem, Series, Totals};
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::ocr::OcrReference;
use crate::error::AppError;
use chrono::{Datelike, NaiveDate};
use sqlx::AnyConnection;
use sqlx::Row;
use std::sync::LazyLock;

/// What an invoice still owes, in SQL over a document `d`: what was due at
/// issue (after the account balance it used) less what payments and credit
/// notes allocated to it, plus what reversals of wrongly matched payments
/// took back. Nothing for a credit note or a void document.
pub const DUE: &str = "CAST(CASE WHEN d.kind = 'invoice' AND d.status <> 'void' THEN d.amount_due_minor - \
     COALESCE((SELECT SUM(a.amount_minor) FROM allocations a WHERE a.invoice_id = d.id), 0) + \
     COALESCE((SELECT SUM(r.allocated_minor) FROM payment_reversals r WHERE r.invoice_id = d.id), 0) \
     ELSE 0 END AS BIGINT)";

/// Takes the next `n` numbers of a series and returns the first. Called
/// inside the issuing transaction: the series row stays locked until
/// commit, and a rollback returns the numbers, so the series has no gaps
/// and no duplicates.
async fn take_numbers(
    conn: &mut AnyConnection,
    series: Series,
    year: i32,
    n: i64,
) -> Result<i64, sqlx::Error> {
    let last: i64 = sqlx::query_scalar(
        "INSERT INTO document_series (series, year, last_seq) VALUES ($1, $2, $3) \
         ON CONFLICT (series, year) DO UPDATE SET last_seq = document_series.last_seq + $3 RETURNING last_seq",
    )
    .bind(series.code())
    .bind(i64::from(year))
    .bind(n)
    .fetch_one(&mut *conn)
    .await?;
    Ok(last - n + 1)
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
}

/// Issues a document and returns its id and number.
pub async fn issue(
    conn: &mut AnyConnection,
    doc: NewDocument<'_>,
) -> Result<(i64, String), sqlx::Error> {
    issue_many(conn, &[doc])
        .await?
        .into_iter()
        .next()
        .ok_or(sqlx::Error::RowNotFound)
}

/// Issues documents in one go, numbered in the order given, and returns
/// each one's id and number in that order: numbers taken per series and
/// year in one statement, then documents, lines, VAT rows and e-mail
/// copies many rows per statement, whatever the count.
pub async fn issue_many(
    conn: &mut AnyConnection,
    docs: &[NewDocument<'_>],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    // Numbers: one statement per series and year.
    let mut wanted: Vec<((Series, i32), i64)> = Vec::new();
    for d in docs {
        let key = (d.series, d.issue_date.year());
        match wanted.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => wanted.push((key, 1)),
        }
    }
    let mut next = Vec::with_capacity(wanted.len());
    for ((series, year), n) in &wanted {
        next.push((
            (*series, *year),
            take_numbers(conn, *series, *year, *n).await?,
        ));
    }
    let now = super::now_text();
    let mut numbers = Vec::with_capacity(docs.len());
    let mut rows = Vec::with_capacity(docs.len());
    for d in docs {
        let year = d.issue_date.year();
        let seq = next
            .iter_mut()
            .find(|(k, _)| *k == (d.series, year))
            .map(|(_, seq)| {
                *seq += 1;
                *seq - 1
            })
            .unwrap_or_default();
        let number = d.series.number(year, seq as u64);
        let ocr = (d.series == Series::Invoice).then(|| {
            OcrReference::for_document(year as u32, seq as u64)
                .as_str()
                .to_string()
        });
        let vat_total: i64 = d.totals.vat.iter().map(|v| v.vat.minor()).sum();
        rows.push(vec![
            Val::from(d.org_id),
            d.series.code().into(),
            number.as_str().into(),
            i64::from(year).into(),
            seq.into(),
            d.corrects_id.into(),
            d.subscription_id.into(),
            date(d.issue_date).into(),
            date(due_date(d.issue_date)).into(),
            // Open: whether it is paid follows from its allocations.
            "pending".into(),
            d.currency.code().into(),
            d.totals.subtotal.minor().into(),
            vat_total.into(),
            d.totals.total.minor().into(),
            d.totals.credit_applied.minor().into(),
            d.totals.amount_due.minor().into(),
            d.vat_note.map(str::to_string).into(),
            serde_json::to_string(d.buyer).unwrap_or_default().into(),
            ocr.into(),
            now.as_str().into(),
            // Open until its lines and VAT rows are in.
            0i64.into(),
        ]);
        numbers.push(number);
    }
    let returned = super::batch(
        conn,
        "INSERT INTO documents (organisation_id, kind, number, series_year, seq, corrects_id, subscription_id, issue_date, \
         due_date, status, currency, subtotal_minor, vat_minor, total_minor, credit_applied_minor, amount_due_minor, \
         vat_note, buyer, ocr, created_at, sealed) VALUES ",
        " RETURNING id, number",
        rows,
    )
    .await?;
    // Numbers are unique: map the ids back to the documents' order.
    let mut ids = std::collections::HashMap::with_capacity(returned.len());
    for r in &returned {
        ids.insert(r.try_get::<String, _>(1)?, r.try_get::<i64, _>(0)?);
    }
    let issued: Vec<(i64, String)> = numbers
        .into_iter()
        .map(|n| {
            let id = ids.get(&n).copied().ok_or(sqlx::Error::RowNotFound)?;
            Ok((id, n))
        })
        .collect::<Result<_, sqlx::Error>>()?;

    let mut lines = Vec::new();
    let mut vat = Vec::new();
    for (d, (id, _)) in docs.iter().zip(&issued) {
        for (i, l) in d.lines.iter().enumerate() {
            lines.push(vec![
                Val::from(*id),
                (i as i64).into(),
                l.describe(d.locale).into(),
                l.covers.map(|p| date(p.start)).into(),
                l.covers.map(|p| date(p.last_day())).into(),
                i64::from(l.quantity).into(),
                l.unit_price.minor().into(),
                l.vat_rate.unwrap_or(d.vat_rate).to_string().into(),
                l.amount.minor().into(),
                serde_json::to_string(&l.kind).ok().into(),
            ]);
        }
        for v in &d.totals.vat {
            vat.push(vec![
                Val::from(*id),
                v.rate.to_string().into(),
                v.base.minor().into(),
                v.vat.minor().into(),
            ]);
        }
    }
    super::batch(
        conn,
        "INSERT INTO document_lines (document_id, position, description, period_start, period_end, quantity, \
         unit_price_minor, vat_rate, amount_minor, kind) VALUES ",
        "",
        lines,
    )
    .await?;
    super::batch(
        conn,
        "INSERT INTO document_vat (document_id, rate, base_minor, vat_minor) VALUES ",
        "",
        vat,
    )
    .await?;
    // Sealed: from here on the database refuses new lines or VAT rows.
    let ids: Vec<i64> = issued.iter().map(|(id, _)| *id).collect();
    super::execute_in(
        conn,
        "UPDATE documents SET sealed = 1 WHERE id IN {ids}",
        &ids,
    )
    .await?;
    // Their copies go to the customers (R-INV-7), queued with the documents.
    let copies = docs
        .iter()
        .zip(&issued)
        .map(|(d, (id, _))| {
            let email = d
                .buyer
                .invoice_email
                .as_deref()
                .filter(|e| !e.trim().is_empty());
            (*id, d.org_id, email)
        })
        .collect::<Vec<_>>();
    enqueue_copies(conn, &copies).await?;
    Ok(issued)
}

/// Queues the copy of a document just issued, in the issuing transaction:
/// to the buyer's invoice e-mail, else the billing owner. Once per document.
pub async fn enqueue_copy(
    conn: &mut sqlx::AnyConnection,
    document_id: i64,
    org_id: i64,
    invoice_email: Option<&str>,
) -> Result<(), sqlx::Error> {
    enqueue_copies(conn, &[(document_id, org_id, invoice_email)]).await
}

/// Queues copies `(document id, organisation id, invoice e-mail)`, many
/// per statement.
pub async fn enqueue_copies(
    conn: &mut sqlx::AnyConnection,
    copies: &[(i64, i64, Option<&str>)],
) -> Result<(), sqlx::Error> {
    let now = super::now_text();
    let rows = copies
        .iter()
        .map(|(doc, org, email)| {
            vec![
                Val::from(*doc),
                Val::from(*org),
                email.map(str::to_string).into(),
                now.as_str().into(),
            ]
        })
        .collect();
    super::batch(
        conn,
        "INSERT INTO outbox (document_id, organisation_id, recipient, status, attempts, next_attempt_at, created_at) \
         SELECT v.column1, v.column2, COALESCE(v.column3, (SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = v.column2 AND m.is_billing_owner = 1 AND m.active = 1)), 'queued', 0, '', v.column4 \
         FROM (VALUES ",
        ") AS v WHERE true ON CONFLICT (document_id, kind) DO NOTHING",
        rows,
    )
    .await?;
    Ok(())
}

/// Invoices still owed that fell due from `since` and before `before`,
/// with no reminder yet: (document id, organisation id, due date, the
/// organisation's time zone).
pub async fn owed_without_reminder(
    conn: &mut AnyConnection,
    since: NaiveDate,
    before: NaiveDate,
) -> Result<Vec<(i64, i64, String, String)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT d.id, d.organisation_id, d.due_date, o.time_zone FROM documents d \
         JOIN organisations o ON o.id = d.organisation_id \
         WHERE d.status = 'pending' AND d.due_date < $1 AND d.due_date >= $2 AND d.kind = 'invoice' AND {DUE} > 0 \
         AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.document_id = d.id AND x.kind = 'reminder') ORDER BY d.id"
    ))
    .bind(date(before))
    .bind(date(since))
    .fetch_all(&mut *conn)
    .await
}

/// Queues a message of `kind` (`reminder`, `payment_failed`) to the
/// billing owner for each `(document id, organisation id)`, once per
/// document and kind; returns how many were new.
pub async fn enqueue_for_owner(
    conn: &mut AnyConnection,
    kind: &str,
    docs: &[(i64, i64)],
) -> Result<usize, sqlx::Error> {
    let now = super::now_text();
    let rows = docs
        .iter()
        .map(|(doc, org)| {
            vec![
                Val::from(*doc),
                Val::from(*org),
                kind.into(),
                now.as_str().into(),
            ]
        })
        .collect();
    Ok(super::batch_execute(
        conn,
        "INSERT INTO outbox (document_id, organisation_id, kind, recipient, status, attempts, next_attempt_at, created_at) \
         SELECT v.column1, v.column2, v.column3, (SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = v.column2 AND m.is_billing_owner = 1 AND m.active = 1), 'queued', 0, '', v.column4 \
         FROM (VALUES ",
        ") AS v WHERE true ON CONFLICT (document_id, kind) DO NOTHING",
        rows,
    )
    .await? as usize)
}

/// An issued invoice as a credit note corrects it: its id, its lines as the
/// domain built them (each with the rate it was taxed at), and its VAT note.
pub struct Corrected {
    pub id: i64,
    pub lines: Vec<LineItem>,
    /// The lines of the credit notes that corrected it so far (a void's,
    /// an upgrade's, a goodwill note's): a new credit note credits only
    /// what they left.
    pub credited: Vec<LineItem>,
    pub vat_note: Option<String>,
    /// What it still owes: a credit note settles this first.
    pub amount_due: Money,
    /// The buyer it was issued to and their VAT treatment then: a credit
    /// note is addressed to the same party, with the same treatment,
    /// whatever the customer's details are now (R-INV-3/4).
    pub buyer: Buyer,
    pub treatment: crate::domain::vat::VatTreatment,
}

/// An invoice with its lines, for a credit note that corrects it.
pub async fn invoice_lines(
    conn: &mut AnyConnection,
    id: i64,
    currency: Currency,
) -> Result<Corrected, crate::error::AppError> {
    let (vat_note, due, buyer): (Option<String>, i64, String) = sqlx::query_as(&format!(
        "SELECT d.vat_note, {DUE}, d.buyer FROM documents d WHERE d.id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let rows: Vec<LineRow> = sqlx::query_as(&format!(
        "{CORRECTED_LINES} WHERE document_id = $1 ORDER BY position"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let credited: Vec<LineRow> = sqlx::query_as(&format!(
        "{CORRECTED_LINES} WHERE document_id IN ({CREDIT_NOTES_OF} $1) ORDER BY document_id, position"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    corrected(
        CorrectedRow {
            id,
            vat_note,
            due,
            buyer,
        },
        rows,
        credited,
        currency,
    )
}

/// The lines of a document as a credit note reads them back.
/// The ids of the credit notes correcting the invoice whose id follows.
pub(crate) const CREDIT_NOTES_OF: &str =
    "SELECT c.id FROM documents c WHERE c.kind = 'credit_note' AND c.corrects_id =";

pub(crate) const CORRECTED_LINES: &str = "SELECT description, period_start, period_end, quantity, \
     unit_price_minor, vat_rate, amount_minor, kind FROM document_lines";

/// The invoice a credit note corrects, without its lines.
#[derive(serde::Deserialize)]
pub(crate) struct CorrectedRow {
    pub id: i64,
    pub vat_note: Option<String>,
    /// What it still owes ([`DUE`]), in minor units.
    pub due: i64,
    /// The buyer it was issued to, as stored (JSON).
    pub buyer: String,
}

/// An invoice and its stored lines as a credit note corrects them.
pub(crate) fn corrected(
    d: CorrectedRow,
    rows: Vec<LineRow>,
    credited: Vec<LineRow>,
    currency: Currency,
) -> Result<Corrected, crate::error::AppError> {
    let buyer: Buyer = serde_json::from_str(&d.buyer)
        .map_err(|e| crate::error::AppError::internal("stored buyer", e))?;
    let treatment = buyer
        .vat_treatment()
        .map_err(|e| crate::error::AppError::internal("stored buyer's VAT", e))?;
    Ok(Corrected {
        id: d.id,
        lines: lines_of(rows, currency)?,
        credited: lines_of(credited, currency)?,
        vat_note: d.vat_note,
        amount_due: Money::new(d.due, currency),
        buyer,
        treatment,
    })
}

/// Stored lines as the domain built them.
fn lines_of(
    rows: Vec<LineRow>,
    currency: Currency,
) -> Result<Vec<LineItem>, crate::error::AppError> {
    use crate::domain::invoice::LineKind;
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
    Ok(lines)
}

/// An organisation's invoice by number, as a correction sees it: its
/// currency, total, whether it is void, and what credit notes corrected
/// of it so far (gross).
#[derive(Debug, sqlx::FromRow)]
pub struct ToCorrect {
    pub id: i64,
    pub currency: String,
    pub total_minor: i64,
    pub status: String,
    pub credited_minor: i64,
}

/// `None` for a number that is not one of the organisation's invoices
/// (a credit note's number included).
pub async fn invoice_to_correct(
    conn: &mut AnyConnection,
    org_id: i64,
    number: &str,
) -> Result<Option<ToCorrect>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.currency, d.total_minor, d.status, \
         CAST(COALESCE((SELECT SUM(c.total_minor) FROM documents c WHERE c.corrects_id = d.id), 0) AS BIGINT) AS credited_minor \
         FROM documents d WHERE d.organisation_id = $1 AND d.number = $2 AND d.kind = 'invoice'",
    )
    .bind(org_id)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await
}

/// Marks an invoice void (R-INV-2): it owes nothing after; a credit note
/// issued in the same transaction says why.
pub async fn set_void(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE documents SET status = 'void' WHERE id = $1 AND status = 'pending'")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1,
    )
}

/// The balances of several organisations, in minor units by
/// (organisation, currency code).
pub async fn balances(
    conn: &mut AnyConnection,
    org_ids: &[i64],
) -> Result<std::collections::HashMap<(i64, String), i64>, sqlx::Error> {
    Ok(super::select_in::<(i64, String, i64)>(
        conn,
        "SELECT organisation_id, currency, CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM balance_entries \
         WHERE organisation_id IN {ids} GROUP BY organisation_id, currency",
        org_ids,
    )
    .await?
    .into_iter()
    .map(|(org, currency, minor)| ((org, currency), minor))
    .collect())
}

pub async fn add_balance(
    conn: &mut AnyConnection,
    org_id: i64,
    amount: Money,
    reason: &str,
    document_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    add_balances(conn, &[(org_id, amount, reason.to_string(), document_id)]).await
}

/// Balance entries `(organisation, amount, reason, document)`, many per
/// statement; zero amounts are left out.
pub async fn add_balances(
    conn: &mut AnyConnection,
    entries: &[(i64, Money, String, Option<i64>)],
) -> Result<(), sqlx::Error> {
    let now = super::now_text();
    let rows = entries
        .iter()
        .filter(|(_, amount, ..)| !amount.is_zero())
        .map(|(org, amount, reason, doc)| {
            vec![
                Val::from(*org),
                amount.minor().into(),
                amount.currency().code().into(),
                reason.as_str().into(),
                (*doc).into(),
                now.as_str().into(),
            ]
        })
        .collect();
    super::batch(
        conn,
        "INSERT INTO balance_entries (organisation_id, amount_minor, currency, reason, document_id, created_at) VALUES ",
        "",
        rows,
    )
    .await?;
    Ok(())
}

/// An issued document as stored, with the number of the invoice it corrects.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
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
/// `amount_due_minor` is what is still owed ([`DUE`]).
pub(crate) fn document_select() -> String {
    format!(
        "SELECT d.id, d.kind, d.number, c.number AS corrects_number, d.issue_date, d.due_date, d.status, \
         d.currency, d.subtotal_minor, d.total_minor, d.credit_applied_minor, {DUE} AS amount_due_minor, d.vat_note, \
         d.buyer, d.ocr FROM documents d LEFT JOIN documents c ON c.id = d.corrects_id"
    )
}

/// Whether document `d` has the derived status `$2` (R-INV-2), matching
/// `DocumentStatus::derive`; `$2` NULL is every status, `$3` is today's
/// date where the status depends on it.
fn has_status() -> String {
    format!(
        "($2 IS NULL OR ($2 = 'pending' AND {DUE} > 0 AND d.due_date >= $3) \
         OR ($2 = 'overdue' AND {DUE} > 0 AND d.due_date < $3) \
         OR ($2 = 'paid' AND d.status <> 'void' AND {DUE} <= 0) OR ($2 = 'void' AND d.status = 'void'))"
    )
}

/// One page of an organisation's documents with a status, newest first,
/// read with the organisation, how many documents have that status and the
/// credit notes correcting those on the page.
pub struct Listing {
    pub org: OrgRow,
    pub count: i64,
    pub rows: Vec<DocumentRow>,
    /// (corrected id, credit note number).
    pub credited_by: Vec<(i64, String)>,
    /// The account balance, minor units of the organisation's currency.
    pub balance: i64,
}

/// A credit note of a read: the document it corrects, its number.
#[derive(serde::Deserialize)]
pub(super) struct CreditedRow {
    pub corrects_id: i64,
    pub number: String,
}

/// The listing's read and where each part's rows are: put together once.
/// Parameters: `$1` the organisation, `$2` the status (NULL for all), `$3`
/// today, `$4` how many documents, `$5` how many to skip.
struct ListingQuery {
    read: OneRead,
    org: Part<OrgRow>,
    count: Part<Count>,
    rows: Part<DocumentRow>,
    credited: Part<CreditedRow>,
    balance: Part<Count>,
}

static LISTING: LazyLock<ListingQuery> = LazyLock::new(|| {
    let of = format!("WHERE d.organisation_id = $1 AND {}", has_status());
    let page = format!("{of} ORDER BY d.issue_date DESC, d.id DESC LIMIT $4 OFFSET $5");
    let mut read = OneRead::new();
    ListingQuery {
        org: read.part(format!("{ORG_SELECT} WHERE id = $1")),
        count: read.part(format!("SELECT COUNT(*) AS n FROM documents d {of}")),
        rows: read.part(format!("{} {page}", document_select())),
        credited: read.part(format!(
            "SELECT corrects_id, number FROM documents WHERE organisation_id = $1 \
             AND corrects_id IN (SELECT x.id FROM (SELECT d.id FROM documents d {page}) AS x) ORDER BY id"
        )),
        balance: read.part(BALANCE),
        read,
    }
});

/// Page `limit` × `offset` of organisation `org_id`'s documents with
/// `status` (all for none) in one statement; `today` is needed by the
/// statuses that depend on the date. `None` when there is no such
/// organisation.
pub async fn listing(
    conn: &mut AnyConnection,
    org_id: i64,
    status: Option<DocumentStatus>,
    today: Option<NaiveDate>,
    limit: i64,
    offset: i64,
) -> Result<Option<Listing>, AppError> {
    let q = &*LISTING;
    let rows = q
        .read
        .run(
            conn,
            vec![
                Val::from(org_id),
                Val::from(status.map(|s| s.code().to_string())),
                Val::from(today.map(date)),
                Val::from(limit),
                Val::from(offset),
            ],
        )
        .await?;
    let Some(org) = rows.first(q.org)? else {
        return Ok(None);
    };
    Ok(Some(Listing {
        org,
        count: rows.first(q.count)?.map_or(0, |c| c.n),
        balance: rows.first(q.balance)?.map_or(0, |c| c.n),
        rows: rows.rows(q.rows)?,
        credited_by: rows
            .rows(q.credited)?
            .into_iter()
            .map(|r| (r.corrects_id, r.number))
            .collect(),
    }))
}

/// Organisation `$1`'s account balance in its currency, minor units, as a
/// read's part (`n`): what later invoices use (credit notes and payments
/// beyond what was due).
pub(crate) const BALANCE: &str =
    "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS n FROM balance_entries \
     WHERE organisation_id = $1 AND currency = (SELECT currency FROM organisations WHERE id = $1)";

/// An organisation's account balance in `currency`, minor units.
pub async fn balance_of(
    conn: &mut AnyConnection,
    org_id: i64,
    currency: Currency,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM balance_entries \
         WHERE organisation_id = $1 AND currency = $2",
    )
    .bind(org_id)
    .bind(currency.code())
    .fetch_one(&mut *conn)
    .await
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

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
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
    let sql = format!(
        "{} WHERE d.organisation_id = $1 AND d.number = $2",
        document_select()
    );
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

/// An issued document as the bookkeeping export reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookRow {
    pub id: i64,
    pub kind: String,
    pub number: String,
    pub corrects_number: Option<String>,
    pub issue_date: String,
    pub currency: String,
    pub total_minor: i64,
    pub buyer: String,
}

/// Every document issued from `from` to `to` (both included), in the order
/// issued, and their VAT rows: (document id, rate, base, VAT). Two
/// statements, whatever the number of documents.
pub async fn issued_between(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<BookRow>, Vec<(i64, String, i64, i64)>), sqlx::Error> {
    let docs = sqlx::query_as(
        "SELECT d.id, d.kind, d.number, c.number AS corrects_number, d.issue_date, d.currency, d.total_minor, d.buyer \
         FROM documents d LEFT JOIN documents c ON c.id = d.corrects_id \
         WHERE d.issue_date BETWEEN $1 AND $2 ORDER BY d.issue_date, d.id",
    )
    .bind(date(from))
    .bind(date(to))
    .fetch_all(&mut *conn)
    .await?;
    let vat = sqlx::query_as(
        "SELECT v.document_id, v.rate, v.base_minor, v.vat_minor FROM document_vat v \
         JOIN documents d ON d.id = v.document_id WHERE d.issue_date BETWEEN $1 AND $2 \
         ORDER BY v.document_id, v.rate DESC",
    )
    .bind(date(from))
    .bind(date(to))
    .fetch_all(&mut *conn)
    .await?;
    Ok((docs, vat))
}

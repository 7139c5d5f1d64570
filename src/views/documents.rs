//! Invoices and credit notes (R-INV-1/2/6, R-UI-3) and billing details
//! (R-UI-6): the list, the detail page, and who invoices are addressed to.

use crate::domain::billing_details::BillingDetailsForm;
pub use crate::domain::invoice::DocumentStatus;
use crate::domain::invoice::{Buyer, Seller};
use crate::domain::locale::Locale;
use crate::domain::money::Money;
use crate::i18n::t;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Documents per page of the list.
pub const PAGE_SIZE: u32 = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub credit_note: bool,
    pub number: String,
    /// For a credit note, the invoice it corrects.
    pub corrects: Option<String>,
    /// For an invoice, the credit notes that correct it.
    pub credited_by: Vec<String>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: DocumentStatus,
    pub total: Money,
    pub amount_due: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentList {
    pub items: Vec<DocumentSummary>,
    pub status: Option<DocumentStatus>,
    /// 1-based.
    pub page: u32,
    pub pages: u32,
    pub count: i64,
    /// Account credit that later invoices use; zero when there is none.
    pub account_balance: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentLine {
    /// Names the plan or pack and the period with its days.
    pub description: String,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub quantity: i64,
    pub unit_price: Money,
    pub vat_rate: Decimal,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VatRow {
    pub rate: Decimal,
    pub base: Money,
    pub vat: Money,
}

/// Everything R-INV-1 asks of a document: the detail page and the PDF show
/// this same value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentView {
    /// What the list shows of it: number, kind, links, dates, status, total
    /// and amount due.
    pub summary: DocumentSummary,
    pub seller: Seller,
    pub buyer: Buyer,
    pub lines: Vec<DocumentLine>,
    pub subtotal: Money,
    pub vat: Vec<VatRow>,
    pub credit_applied: Money,
    /// Reverse charge or export text (R-INV-4).
    pub vat_note: Option<String>,
    pub ocr: Option<String>,
    pub payment_terms_days: i64,
    /// The language the document was issued in (the buyer's).
    pub locale: Locale,
    /// What settled it so far: payments and credit notes (R-PAY-5), so a
    /// paid invoice says how and when it was paid.
    pub settlements: Vec<Settlement>,
    /// Every attempt to charge it to a card or PayPal (R-PAY-2).
    pub attempts: Vec<ChargeAttempt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settlement {
    pub on: NaiveDate,
    pub by: SettledBy,
    pub amount: Money,
}

impl Settlement {
    /// The line in the totals: "Betalt 2026-12-01, Visa •••• 4242".
    pub fn line_text(&self, l: Locale) -> String {
        let on = l.date(self.on);
        match &self.by {
            SettledBy::Charge(how) => format!("{} {on}, {how}", t(l, "documents-paid-2")),
            SettledBy::Bank(reference) => format!(
                "{} {on}, {reference}",
                t(l, "documents-paid-by-bank-transfer")
            ),
            SettledBy::CreditNote(number) => {
                format!("{} {number}", t(l, "documents-credit-note"))
            }
        }
    }

    /// The receipt of a paid invoice: "Betald 2026-12-01 med Visa •••• 4242".
    pub fn receipt_text(&self, l: Locale) -> String {
        let on = l.date(self.on);
        match &self.by {
            SettledBy::Charge(how) => format!(
                "{} {on} {} {how}",
                t(l, "documents-paid-on"),
                t(l, "documents-with")
            ),
            SettledBy::Bank(_) => format!(
                "{} {on} {}",
                t(l, "documents-paid-on"),
                t(l, "documents-by-bank-transfer")
            ),
            SettledBy::CreditNote(number) => {
                format!("{} {number}", t(l, "documents-settled-by-credit-note"))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SettledBy {
    /// A card or PayPal payment: "Visa •••• 4242", "PayPal (a@b.se)".
    Charge(String),
    /// A bank transfer, with its reference.
    Bank(String),
    /// A credit note, by its number.
    CreditNote(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargeAttempt {
    pub attempt: i64,
    pub on: NaiveDate,
    pub instrument: String,
    pub amount: Money,
    /// `None` when it went through.
    pub decline: Option<crate::domain::payment::Decline>,
    /// `issue`, `retry` or `customer`.
    pub occasion: String,
}

/// Where a document's PDF downloads from.
pub fn pdf_href(number: &str) -> String {
    format!("/billing/invoices/{number}/pdf")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingDetailsView {
    pub form: BillingDetailsForm,
    /// Only the billing owner edits (R-ACC-5), and not in a partner-managed
    /// organisation (R-ACC-6): `refusal` says why not.
    pub editable: bool,
    pub refusal: Option<crate::i18n::Text>,
    pub billing_owner: Option<String>,
}

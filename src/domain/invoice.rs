//! Invoice and credit-note documents (R-INV-1/3/4): lines, VAT per rate,
//! totals, credit applied and the amount due; numbers from gapless series.

use crate::domain::locale::Locale;
use crate::domain::money::{sum, Currency, Money};
use crate::domain::period::Period;
use crate::domain::vat::{Country, VatNumber, VatTreatment};
use crate::tf;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What a line charges or credits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    /// The plan's flat part and seats for (part of) a period.
    Plan {
        plan: String,
        seats: u32,
    },
    /// Seats added during a period, billed on the next invoice (R-SUB-7).
    ExtraSeats {
        plan: String,
        seats: u32,
    },
    CreditPack {
        name: String,
        credits: i64,
    },
    /// An enterprise contract instalment (R-SUB-10).
    Contract {
        label: String,
    },
    /// A goodwill credit an operator gives, with the reason (R-OPS-1).
    Goodwill {
        reason: String,
    },
}

/// One line of an invoice or credit note, net of VAT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    pub kind: LineKind,
    /// The days the line covers, when it covers a time span.
    pub covers: Option<Period>,
    /// For a prorated line: the days charged out of the period's days.
    pub days: Option<(i64, i64)>,
    pub quantity: u32,
    pub unit_price: Money,
    pub amount: Money,
    /// The line's own VAT rate, when it is not the buyer's rate at issue:
    /// a credit note credits each line at the rate it was invoiced at.
    #[serde(default)]
    pub vat_rate: Option<Decimal>,
}

impl LineItem {
    /// The one line of a credit pack's invoice: the purchase and the price
    /// the credits page shows with VAT are the same line.
    pub fn credit_pack(name: &str, credits: i64, price: Money) -> LineItem {
        LineItem {
            kind: LineKind::CreditPack {
                name: name.to_string(),
                credits,
            },
            covers: None,
            days: None,
            quantity: 1,
            unit_price: price,
            amount: price,
            vat_rate: None,
        }
    }

    /// The rate this line is taxed at on a document with `treatment`.
    pub fn rate(&self, treatment: &VatTreatment) -> Decimal {
        self.vat_rate.unwrap_or_else(|| treatment.rate())
    }

    /// "Professional, 5 seats, 7 Nov – 24 Nov 2026, 18/30 days".
    pub fn describe(&self, locale: Locale) -> String {
        let l = locale;
        let seats = |n: u32| tf!(l, "line-seats", count = n);
        let mut parts = match &self.kind {
            LineKind::Plan { plan, seats: 0 } => vec![plan.clone()],
            LineKind::Plan { plan, seats: n } => vec![plan.clone(), seats(*n)],
            LineKind::ExtraSeats { plan, seats: n } => {
                vec![plan.clone(), tf!(l, "line-added-seats", count = *n)]
            }
            LineKind::CreditPack { name, credits } => {
                vec![
                    name.clone(),
                    tf!(
                        l,
                        "line-credits",
                        credits = l.integer(credits.unsigned_abs())
                    ),
                ]
            }
            LineKind::Contract { label } => vec![label.clone()],
            LineKind::Goodwill { reason } => vec![tf!(l, "line-goodwill", reason = reason.clone())],
        };
        if let Some(p) = self.covers {
            parts.push(locale.date_range(p.start, p.last_day()));
        }
        if let Some((days, of)) = self.days {
            parts.push(tf!(l, "line-days-of", days = days, of = of));
        }
        parts.join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatLine {
    pub rate: Decimal,
    pub base: Money,
    pub vat: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: Money,
    pub vat: Vec<VatLine>,
    pub total: Money,
    /// Credit-note balance or account credit used to pay this document.
    pub credit_applied: Money,
    pub amount_due: Money,
}

/// Totals of one document: VAT per rate on the sum of that rate's lines,
/// then up to `credit_available` applied to the total.
pub fn totals(
    lines: &[LineItem],
    treatment: &VatTreatment,
    currency: Currency,
    credit_available: Money,
) -> Totals {
    let zero = Money::zero(currency);
    let subtotal = sum(zero, lines.iter().map(|l| l.amount));
    // A line has the buyer's rate unless it carries its own (a credit
    // note's lines keep the rate they were invoiced at).
    let mut by_rate: Vec<(Decimal, Money)> = Vec::new();
    for line in lines {
        let rate = line.rate(treatment);
        match by_rate.iter_mut().find(|(r, _)| *r == rate) {
            Some((_, base)) => *base += line.amount,
            None => by_rate.push((rate, line.amount)),
        }
    }
    if by_rate.is_empty() {
        by_rate.push((treatment.rate(), zero));
    }
    let vat: Vec<VatLine> = by_rate
        .into_iter()
        .map(|(rate, base)| VatLine {
            rate,
            base,
            vat: base.scale(rate),
        })
        .collect();
    let total = subtotal + sum(zero, vat.iter().map(|v| v.vat));
    let credit_applied = if total.is_positive() {
        credit_available.max(zero).min(total)
    } else {
        zero
    };
    Totals {
        subtotal,
        vat,
        total,
        credit_applied,
        amount_due: total - credit_applied,
    }
}

/// Which gapless series a document number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Series {
    Invoice,
    CreditNote,
}

impl Series {
    pub fn code(self) -> &'static str {
        match self {
            Series::Invoice => "invoice",
            Series::CreditNote => "credit_note",
        }
    }

    /// `2026-000123` for invoices, `CN2026-000045` for credit notes.
    pub fn number(self, year: i32, seq: u64) -> String {
        match self {
            Series::Invoice => format!("{year}-{seq:06}"),
            Series::CreditNote => format!("CN{year}-{seq:06}"),
        }
    }
}

/// A document's status as the customer sees it (R-INV-2). `Overdue` is
/// derived from the due date, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentStatus {
    Pending,
    Paid,
    Overdue,
    Void,
}

impl DocumentStatus {
    pub const ALL: [DocumentStatus; 4] = [
        DocumentStatus::Pending,
        DocumentStatus::Overdue,
        DocumentStatus::Paid,
        DocumentStatus::Void,
    ];

    /// The status on `today` of a document stored as `stored` ("pending",
    /// that is open, or "void"), still owing `amount_due` (from the
    /// settlement ledger) and due on `due`: nothing owed is paid, owing past
    /// its due date is overdue.
    pub fn derive(
        stored: &str,
        amount_due: i64,
        due: NaiveDate,
        today: NaiveDate,
    ) -> DocumentStatus {
        match stored {
            "void" => DocumentStatus::Void,
            _ if amount_due <= 0 => DocumentStatus::Paid,
            _ if due < today => DocumentStatus::Overdue,
            _ => DocumentStatus::Pending,
        }
    }

    /// Whether a document's having this status depends on the day
    /// ([`DocumentStatus::derive`]: pending turns overdue).
    pub fn depends_on_date(self) -> bool {
        matches!(self, DocumentStatus::Pending | DocumentStatus::Overdue)
    }

    pub fn code(self) -> &'static str {
        match self {
            DocumentStatus::Pending => "pending",
            DocumentStatus::Paid => "paid",
            DocumentStatus::Overdue => "overdue",
            DocumentStatus::Void => "void",
        }
    }

    pub fn parse(code: &str) -> Option<DocumentStatus> {
        DocumentStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The seller printed on every document: the vendor, from configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    pub legal_name: String,
    /// Swedish organisation number, e.g. 556677-8899.
    pub org_number: String,
    pub vat_number: String,
    pub address: Vec<String>,
    pub bankgiro: String,
    pub email: String,
    /// "Godkänd för F-skatt": a Swedish seller states it on invoices.
    pub f_tax: bool,
}

/// The buyer as printed on a document, copied at issue: later edits of the
/// billing details never reach an issued document (R-INV-3, R-UI-6).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Buyer {
    pub legal_name: String,
    /// Street lines.
    pub address: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    pub country: String,
    pub vat_number: Option<String>,
    #[serde(default)]
    pub invoice_email: Option<String>,
    /// The organisation number (Sweden, Norway), where known: the buyer's
    /// Peppol address. Documents issued before it was kept have none.
    #[serde(default)]
    pub org_number: Option<String>,
}

impl Buyer {
    /// VAT for this buyer (R-INV-4). A VAT number that does not match its
    /// country's format counts as none.
    pub fn vat_treatment(&self) -> Result<VatTreatment, String> {
        let country = Country::parse(&self.country).map_err(|e| e.to_string())?;
        let vat = self
            .vat_number
            .as_deref()
            .and_then(|v| VatNumber::parse(v, &country).ok());
        Ok(VatTreatment::for_buyer(&country, vat.as_ref()))
    }

    /// The address block: street lines, then postal code and city.
    pub fn address_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .address
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let town = format!("{} {}", self.postal_code.trim(), self.city.trim());
        if !town.trim().is_empty() {
            lines.push(town.trim().to_string());
        }
        lines
    }
}

/// Days from issue to due for invoices paid by bank transfer.
pub const PAYMENT_TERMS_DAYS: i64 = 30;

pub fn due_date(issued: NaiveDate) -> NaiveDate {
    issued + chrono::Duration::days(PAYMENT_TERMS_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vat::{Country, VatNumber};
    use proptest::prelude::*;

    fn line(amount: i64) -> LineItem {
        LineItem {
            kind: LineKind::Plan {
                plan: "Professional".into(),
                seats: 5,
            },
            covers: None,
            days: None,
            quantity: 1,
            unit_price: Money::new(amount, Currency::Sek),
            amount: Money::new(amount, Currency::Sek),
            vat_rate: None,
        }
    }

    #[test]
    fn swedish_invoice_adds_25_percent() {
        let t = totals(
            &[line(150_000), line(29_950)],
            &VatTreatment::Domestic,
            Currency::Sek,
            Money::zero(Currency::Sek),
        );
        assert_eq!(t.subtotal.minor(), 179_950);
        assert_eq!(t.vat[0].vat.minor(), 44_988); // 449,875 rounds half away from zero
        assert_eq!(t.total.minor(), 224_938);
        assert_eq!(t.amount_due, t.total);
    }

    #[test]
    fn reverse_charge_has_no_vat() {
        let de = Country::parse("DE").unwrap();
        let vat = VatNumber::parse("DE123456789", &de).unwrap();
        let t = totals(
            &[line(10_000)],
            &VatTreatment::ReverseCharge { buyer_vat: vat },
            Currency::Sek,
            Money::zero(Currency::Sek),
        );
        assert_eq!(t.vat[0].vat.minor(), 0);
        assert_eq!(t.total.minor(), 10_000);
    }

    #[test]
    fn credit_is_applied_up_to_the_total() {
        let t = totals(
            &[line(10_000)],
            &VatTreatment::Domestic,
            Currency::Sek,
            Money::new(20_000, Currency::Sek),
        );
        assert_eq!(t.credit_applied.minor(), 12_500);
        assert_eq!(t.amount_due.minor(), 0);
    }

    #[test]
    fn unpaid_past_its_due_date_is_overdue() {
        let due = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let nov30 = due;
        assert_eq!(
            DocumentStatus::derive("pending", 100, due, nov30),
            DocumentStatus::Pending
        );
        assert_eq!(
            DocumentStatus::derive("pending", 100, due, day(1)),
            DocumentStatus::Overdue
        );
        assert_eq!(
            DocumentStatus::derive("pending", 0, due, day(1)),
            DocumentStatus::Paid
        );
        assert_eq!(
            DocumentStatus::derive("void", 100, due, day(1)),
            DocumentStatus::Void
        );
        for s in DocumentStatus::ALL {
            assert_eq!(DocumentStatus::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn buyer_address_block_ends_with_postal_code_and_city() {
        let b = Buyer {
            address: "Storgatan 1\n  \nBox 12".into(),
            postal_code: "111 22".into(),
            city: "Stockholm".into(),
            ..Buyer::default()
        };
        assert_eq!(
            b.address_lines(),
            ["Storgatan 1", "Box 12", "111 22 Stockholm"]
        );
    }

    #[test]
    fn numbers_of_both_series() {
        assert_eq!(Series::Invoice.number(2026, 123), "2026-000123");
        assert_eq!(Series::CreditNote.number(2026, 45), "CN2026-000045");
    }

    #[test]
    fn line_text_names_days_and_plan() {
        let p = Period::new(
            NaiveDate::from_ymd_opt(2026, 11, 7).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        );
        let l = LineItem {
            covers: Some(p),
            days: Some((18, 30)),
            kind: LineKind::Plan {
                plan: "Professional".into(),
                seats: 0,
            },
            ..line(1)
        };
        assert_eq!(
            l.describe(Locale::En),
            "Professional, 7 Nov – 24 Nov 2026, 18/30 days"
        );
    }

    proptest! {
        #[test]
        fn total_is_lines_plus_vat(amounts in proptest::collection::vec(0i64..5_000_000, 0..20), credit in 0i64..10_000_000) {
            let lines: Vec<_> = amounts.iter().map(|a| line(*a)).collect();
            let t = totals(&lines, &VatTreatment::Domestic, Currency::Sek, Money::new(credit, Currency::Sek));
            let lines_sum: i64 = amounts.iter().sum();
            let vat_sum: i64 = t.vat.iter().map(|v| v.vat.minor()).sum();
            prop_assert_eq!(t.total.minor(), lines_sum + vat_sum);
            prop_assert_eq!(t.amount_due.minor(), t.total.minor() - t.credit_applied.minor());
            prop_assert!(t.amount_due.minor() >= 0);
        }
    }
}

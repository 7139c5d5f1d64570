//! Corrections of an issued invoice (R-INV-3, R-OPS-1): an invoice never
//! changes, a credit note corrects it. Voiding credits it in full; a
//! goodwill credit note credits an amount. Together the credit notes of an
//! invoice never credit more than its total; each settles what the invoice
//! still owes first and the rest goes to the account balance
//! (`payment::split`, as every settlement).

use crate::domain::invoice::{totals, LineItem, LineKind, Totals};
use crate::domain::locale::Locale;
use crate::domain::money::Money;
use crate::domain::payment::split;
use crate::domain::vat::VatTreatment;
use serde::{Deserialize, Serialize};

/// An issued invoice as a correction sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invoiced {
    pub total: Money,
    /// What its credit notes credited so far, VAT included.
    pub credited: Money,
    /// What it still owes.
    pub owed: Money,
}

impl Invoiced {
    /// What credit notes may still credit of it.
    pub fn creditable(&self) -> Money {
        self.total - self.credited
    }
}

/// One credit note as it will be issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub totals: Totals,
    /// What it settles of what the invoice owes.
    pub settles: Money,
    /// What goes to the account balance.
    pub to_balance: Money,
    /// What credit notes may still credit of the invoice after it.
    pub creditable_after: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CorrectionError {
    #[error("a credit note corrected {credited} of this invoice already; credit the rest (up to {rest}) with a goodwill credit note")]
    PartlyCredited { credited: String, rest: String },
    #[error("give an amount above zero")]
    NotPositive,
    #[error("{total} with VAT is more than the {rest} of this invoice not yet credited")]
    MoreThanRest { total: String, rest: String },
    #[error("{used} of the {credits} credits this invoice sold were used already, so voiding it would take back credits the customer used; credit the unused part (up to {creditable} before VAT) with a goodwill credit note")]
    PackUsed {
        used: i64,
        credits: i64,
        creditable: String,
    },
    /// The invoice's lines no longer add up to its total: a fault.
    #[error("the invoice's lines add up to {lines}, its total is {total}")]
    LinesDiffer { lines: String, total: String },
}

fn text(m: Money) -> String {
    m.format(Locale::En)
}

fn credit(inv: &Invoiced, totals: Totals) -> Credit {
    let (settles, to_balance) = split(totals.total, inv.owed);
    Credit {
        settles,
        to_balance,
        creditable_after: inv.creditable() - totals.total,
        totals,
    }
}

/// Voiding: a credit note of the invoice's own lines, each at the rate it
/// was invoiced at. An invoice a credit note corrected in part is not
/// voided (that part would be credited twice): a goodwill credit note
/// credits the rest.
pub fn void(
    inv: &Invoiced,
    lines: &[LineItem],
    treatment: &VatTreatment,
) -> Result<Credit, CorrectionError> {
    if !inv.credited.is_zero() {
        return Err(CorrectionError::PartlyCredited {
            credited: text(inv.credited),
            rest: text(inv.creditable()),
        });
    }
    let currency = inv.total.currency();
    let t = totals(lines, treatment, currency, Money::zero(currency));
    if t.total != inv.total {
        return Err(CorrectionError::LinesDiffer {
            lines: text(t.total),
            total: text(inv.total),
        });
    }
    Ok(credit(inv, t))
}

/// A goodwill credit note of `net` before VAT at `rate` (the rate the
/// invoice was taxed at), with the reason on its one line; at most what
/// the invoice's credit notes have not credited yet. VAT rounds to the öre,
/// so at most one öre of that rest can stay out of reach.
pub fn goodwill(
    inv: &Invoiced,
    net: Money,
    rate: rust_decimal::Decimal,
    reason: &str,
    treatment: &VatTreatment,
) -> Result<(LineItem, Credit), CorrectionError> {
    if !net.is_positive() {
        return Err(CorrectionError::NotPositive);
    }
    let line = LineItem {
        kind: LineKind::Goodwill {
            reason: reason.to_string(),
        },
        covers: None,
        days: None,
        quantity: 1,
        unit_price: net,
        amount: net,
        vat_rate: Some(rate),
    };
    let currency = net.currency();
    let t = totals(
        std::slice::from_ref(&line),
        treatment,
        currency,
        Money::zero(currency),
    );
    if t.total.minor() > inv.creditable().minor() {
        return Err(CorrectionError::MoreThanRest {
            total: text(t.total),
            rest: text(inv.creditable()),
        });
    }
    Ok((line, credit(inv, t)))
}

/// What crediting an invoice in full does to the credit packs it sold
/// (`packs`, its grants): every pack's unused credits are withdrawn, so no
/// usable credit remains of a voided invoice; `(grant id, credits)`.
/// Voiding (`used_refuses`) is refused once any of them were used, naming
/// what a goodwill credit note can credit of `net` (the invoice's total
/// before VAT) for the unused share; a goodwill note crediting the whole
/// invoice withdraws what is left.
pub fn withdraw_packs(
    packs: &[crate::domain::credits::Grant],
    net: Money,
    used_refuses: bool,
) -> Result<Vec<(i64, i64)>, CorrectionError> {
    let credits: i64 = packs.iter().map(|g| g.amount).sum();
    let used: i64 = packs.iter().map(|g| g.used).sum();
    if used_refuses && used > 0 {
        let unused = packs.iter().map(|g| g.amount - g.used).sum::<i64>();
        let share = crate::domain::money::round_to_minor(
            rust_decimal::Decimal::from(net.minor()) * rust_decimal::Decimal::from(unused)
                / rust_decimal::Decimal::from(credits.max(1)),
        );
        return Err(CorrectionError::PackUsed {
            used,
            credits,
            creditable: text(Money::new(share, net.currency())),
        });
    }
    Ok(packs
        .iter()
        .filter(|g| g.remaining() > 0)
        .map(|g| (g.id, g.remaining()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn sek(minor: i64) -> Money {
        Money::new(minor, Currency::Sek)
    }

    fn swedish() -> VatTreatment {
        VatTreatment::Domestic
    }

    fn invoiced(total: i64, credited: i64, owed: i64) -> Invoiced {
        Invoiced {
            total: sek(total),
            credited: sek(credited),
            owed: sek(owed),
        }
    }

    fn line(net: i64) -> LineItem {
        LineItem {
            kind: LineKind::Contract {
                label: "Professional".into(),
            },
            covers: None,
            days: None,
            quantity: 1,
            unit_price: sek(net),
            amount: sek(net),
            vat_rate: Some(Decimal::new(25, 2)),
        }
    }

    #[test]
    fn voiding_credits_the_invoice_settling_what_is_owed_first() {
        let c = void(&invoiced(12_500, 0, 5_000), &[line(10_000)], &swedish()).unwrap();
        assert_eq!(c.totals.total, sek(12_500));
        assert_eq!((c.settles, c.to_balance), (sek(5_000), sek(7_500)));
        assert_eq!(c.creditable_after, sek(0));
    }

    #[test]
    fn an_invoice_credited_in_part_is_not_voided() {
        assert_eq!(
            void(&invoiced(12_500, 2_500, 0), &[line(10_000)], &swedish()),
            Err(CorrectionError::PartlyCredited {
                credited: text(sek(2_500)),
                rest: text(sek(10_000)),
            })
        );
    }

    #[test]
    fn goodwill_is_taxed_at_the_invoices_rate_and_capped_at_the_rest() {
        let inv = invoiced(12_500, 2_500, 10_000);
        let (l, c) = goodwill(&inv, sek(4_000), Decimal::new(25, 2), "Sorry", &swedish()).unwrap();
        assert_eq!(c.totals.total, sek(5_000));
        assert_eq!(
            (c.settles, c.to_balance, c.creditable_after),
            (sek(5_000), sek(0), sek(5_000))
        );
        assert_eq!(l.vat_rate, Some(Decimal::new(25, 2)));
        assert!(matches!(
            goodwill(&inv, sek(8_001), Decimal::new(25, 2), "Sorry", &swedish()),
            Err(CorrectionError::MoreThanRest { .. })
        ));
        assert_eq!(
            goodwill(&inv, sek(0), Decimal::new(25, 2), "Sorry", &swedish()),
            Err(CorrectionError::NotPositive)
        );
    }

    proptest! {
        // The largest amount that fits leaves at most one öre of the rest.
        #[test]
        fn the_most_goodwill_leaves_at_most_one_ore(rest in 1i64..10_000_000) {
            let inv = invoiced(rest, 0, rest);
            let rate = Decimal::new(25, 2);
            let mut net = rest * 4 / 5 + 1;
            let best = loop {
                match goodwill(&inv, sek(net), rate, "r", &swedish()) {
                    Ok((_, c)) => break c,
                    Err(_) => net -= 1,
                }
                prop_assert!(net > 0);
            };
            prop_assert!(best.creditable_after.minor() >= 0);
            prop_assert!(best.creditable_after.minor() <= 1);
        }
    }
}

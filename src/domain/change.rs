//! The change planner (R-SUB-3…9, R-SUB-11, R-ACC-6): given a subscription, a
//! requested plan / seats / interval and today's date, decide what happens
//! and return the plan of what to write. The preview and the confirmed
//! change both come from here, so they cannot differ.

use crate::domain::catalog::{PriceVersion, SeatError};
use crate::domain::invoice::{totals, LineItem, LineKind, Totals};
use crate::domain::money::Money;
use crate::domain::period::{boundary, Interval, Period};
use crate::domain::proration::Remainder;
use crate::domain::roles::{change_permitted, Change, Refusal};
use crate::domain::subscription::{OrgTerms, ScheduledChange, Subscription, Trial};
use crate::domain::vat::VatTreatment;
use crate::i18n::Text;
use crate::msg;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequest {
    /// A current list price version of the target plan and interval.
    pub price: PriceVersion,
    pub seats: u32,
}

/// Why a change is refused, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeError {
    /// The organisation's standing refuses it (partner, lock, contract,
    /// past due).
    Refused(Refusal),
    /// Today is past the period: the renewal has not been written yet.
    RenewalDue,
    BelowPaidMembers {
        paid: u32,
    },
    Seats(SeatError),
    PriceNotOffered,
    CurrencyMismatch {
        expected: String,
    },
    Canceled,
    NoTrial {
        plan: String,
    },
    TrialUsed {
        plan: String,
    },
    TrialNotHigher,
    TrialRunning,
    /// The plan is sold through sales only.
    SalesOnly {
        plan: String,
    },
    /// The plan has room for fewer paid members than the organisation has.
    TooManyMembers {
        plan: String,
        limit: u32,
        paid: u32,
    },
}

impl ChangeError {
    pub fn text(&self) -> Text {
        match self {
            ChangeError::Refused(r) => r.text(),
            ChangeError::RenewalDue => msg!("change-renewal-due"),
            ChangeError::BelowPaidMembers { paid } => {
                msg!("change-below-paid-members", paid = *paid)
            }
            ChangeError::Seats(e) => e.text(),
            ChangeError::PriceNotOffered => msg!("change-price-not-offered"),
            ChangeError::CurrencyMismatch { expected } => {
                msg!("change-currency-mismatch", currency = expected.as_str())
            }
            ChangeError::Canceled => msg!("change-canceled"),
            ChangeError::NoTrial { plan } => msg!("change-no-trial", plan = plan.as_str()),
            ChangeError::TrialUsed { plan } => msg!("change-trial-used", plan = plan.as_str()),
            ChangeError::TrialNotHigher => msg!("change-trial-not-higher"),
            ChangeError::TrialRunning => msg!("change-trial-running"),
            ChangeError::SalesOnly { plan } => msg!("change-sales-only", plan = plan.as_str()),
            ChangeError::TooManyMembers { plan, limit, paid } => msg!(
                "change-too-many-members",
                plan = plan.as_str(),
                limit = *limit,
                paid = *paid
            ),
        }
    }
}

impl From<Refusal> for ChangeError {
    fn from(r: Refusal) -> Self {
        ChangeError::Refused(r)
    }
}

impl From<SeatError> for ChangeError {
    fn from(e: SeatError) -> Self {
        ChangeError::Seats(e)
    }
}

impl std::fmt::Display for ChangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for ChangeError {}

/// An immediate change: a credit note for the unused part of the old plan and
/// an invoice for the new one (R-SUB-3, R-SUB-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upgrade {
    pub credit_lines: Vec<LineItem>,
    pub invoice_lines: Vec<LineItem>,
    pub price: PriceVersion,
    pub seats: u32,
    pub anchor: NaiveDate,
    pub period: Period,
}

/// The money of an upgrade: the credit note's total is applied in full to
/// the new invoice; what it cannot cover there, and any account balance not
/// used, stays on the account for later invoices (R-SUB-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub credit_note: Option<Totals>,
    /// Of the credit note, what settles the invoice it corrects (what that
    /// invoice still owes); the rest goes to the account balance.
    pub settles_corrected: Money,
    pub invoice: Totals,
    pub balance_after: Money,
}

impl Upgrade {
    /// The documents an upgrade issues, given the account balance and what
    /// the corrected invoice still owes: the credit note first settles that
    /// invoice (R-PAY-1), the rest and the balance go towards the new one.
    ///
    /// `treatment` is the buyer's VAT treatment now, for the new invoice;
    /// `credited_treatment` the corrected invoice's, which its credit note
    /// keeps (R-INV-3/4).
    pub fn settle(
        &self,
        treatment: &VatTreatment,
        credited_treatment: &VatTreatment,
        account_balance: Money,
        corrected_due: Money,
    ) -> Settlement {
        let currency = self.price.currency;
        let zero = Money::zero(currency);
        let credit_note = (!self.credit_lines.is_empty())
            .then(|| totals(&self.credit_lines, credited_treatment, currency, zero));
        let credited = credit_note.as_ref().map_or(zero, |t| t.total);
        let (settles_corrected, rest) = crate::domain::payment::split(credited, corrected_due);
        let available = rest + account_balance.max(zero);
        let invoice = totals(&self.invoice_lines, treatment, currency, available);
        Settlement {
            balance_after: available - invoice.credit_applied,
            credit_note,
            settles_corrected,
            invoice,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangePlan {
    Upgrade(Upgrade),
    /// Seats added now; their prorated cost goes on the next invoice (R-SUB-7).
    AddSeats {
        seats: u32,
        next_invoice_lines: Vec<LineItem>,
    },
    /// A downgrade or seat removal at the end of the period; replaces any
    /// scheduled change (R-SUB-4).
    Schedule(ScheduledChange),
    /// The current plan was chosen while a change was scheduled.
    CancelScheduled,
    NoChange,
}

impl ChangePlan {
    /// What the plan does to `sub`, for the organisation's standing.
    pub fn change(&self, sub: &Subscription) -> Change {
        match self {
            ChangePlan::Upgrade(_) => Change::Upgrade,
            ChangePlan::AddSeats { .. } => Change::AddSeats,
            ChangePlan::Schedule(s) if s.price.id == sub.price.id => Change::RemoveSeats,
            ChangePlan::Schedule(_) => Change::Downgrade,
            ChangePlan::CancelScheduled | ChangePlan::NoChange => Change::CancelScheduled,
        }
    }
}

/// Plans a change of plan, seats or interval on `today` (a local date in
/// the organisation's time zone). `list_price_ids` are the price versions on
/// sale now; `paid_members` counts paid roles in the subscription's scope.
pub fn plan_change(
    sub: &Subscription,
    terms: &OrgTerms,
    req: &ChangeRequest,
    list_price_ids: &[i64],
    paid_members: u32,
    today: NaiveDate,
) -> Result<ChangePlan, ChangeError> {
    let plan = plan_unchecked(sub, req, list_price_ids, paid_members, today)?;
    change_permitted(terms, plan.change(sub))?;
    Ok(plan)
}

/// The plan before the organisation's standing is asked: refusals by the
/// terms come after the change is known (a plan-locked organisation still
/// adds seats; a past-due one still downgrades).
fn plan_unchecked(
    sub: &Subscription,
    req: &ChangeRequest,
    list_price_ids: &[i64],
    paid_members: u32,
    today: NaiveDate,
) -> Result<ChangePlan, ChangeError> {
    let same_plan = req.price.same_plan(&sub.price) && req.price.interval == sub.price.interval;
    let Some(remainder) = Remainder::new(sub.period, today) else {
        return Err(ChangeError::RenewalDue);
    };
    if sub.status == crate::domain::subscription::Status::Canceled {
        return Err(ChangeError::Canceled);
    }
    if req.price.currency != sub.price.currency {
        return Err(ChangeError::CurrencyMismatch {
            expected: sub.price.currency.code().into(),
        });
    }
    // Seats-only changes keep the pinned (possibly grandfathered) version.
    let target = if same_plan {
        sub.price.clone()
    } else {
        req.price.clone()
    };
    if !same_plan && !list_price_ids.contains(&target.id) {
        return Err(ChangeError::PriceNotOffered);
    }
    let seats = if target.is_free() { 0 } else { req.seats };
    target.check_seats(seats)?;
    if !target.is_free() && seats < paid_members {
        return Err(ChangeError::BelowPaidMembers { paid: paid_members });
    }

    if same_plan {
        return Ok(if seats > sub.seats {
            let added = seats - sub.seats;
            let r = remainder;
            let full = sub.price.per_seat.times(i64::from(added));
            ChangePlan::AddSeats {
                seats,
                next_invoice_lines: vec![LineItem {
                    kind: LineKind::ExtraSeats {
                        plan: sub.price.plan_name.clone(),
                        seats: added,
                    },
                    covers: Some(Period::new(today, sub.period.end)),
                    days: Some((r.days(), r.period_days())),
                    quantity: added,
                    unit_price: sub.price.per_seat,
                    amount: r.prorate(full),
                    vat_rate: None,
                }],
            }
        } else if seats < sub.seats {
            ChangePlan::Schedule(ScheduledChange {
                price: target,
                seats,
                effective: sub.period.end,
            })
        } else if sub.scheduled.is_some() {
            ChangePlan::CancelScheduled
        } else {
            ChangePlan::NoChange
        });
    }

    let is_upgrade = match (sub.price.interval, target.interval) {
        (Interval::Monthly, Interval::Annual) => true,
        (Interval::Annual, Interval::Monthly) => false,
        // Same interval, so same period length: compare the period prices.
        _ => target.amount(seats).minor() > sub.amount().minor(),
    };
    if !is_upgrade {
        return Ok(ChangePlan::Schedule(ScheduledChange {
            price: target,
            seats,
            effective: sub.period.end,
        }));
    }

    let credit = remainder.prorate(sub.amount());
    let credit_lines = if credit.is_positive() {
        vec![plan_line(
            &sub.price,
            sub.seats,
            Period::new(today, sub.period.end),
            Some(remainder),
            credit,
        )]
    } else {
        vec![]
    };
    // Monthly → annual, and any start from a free plan, begin a new cycle
    // today; otherwise the anchor stays and the new plan runs to period end.
    let new_cycle = target.interval != sub.price.interval || sub.price.is_free();
    let (anchor, period, invoice_line) = if new_cycle {
        let period = Period::new(today, boundary(today, target.interval, 1));
        (
            today,
            period,
            plan_line(&target, seats, period, None, target.amount(seats)),
        )
    } else {
        let covers = Period::new(today, sub.period.end);
        let amount = remainder.prorate(target.amount(seats));
        (
            sub.anchor,
            sub.period,
            plan_line(&target, seats, covers, Some(remainder), amount),
        )
    };
    Ok(ChangePlan::Upgrade(Upgrade {
        credit_lines,
        invoice_lines: vec![invoice_line],
        price: target,
        seats,
        anchor,
        period,
    }))
}

/// The subscription once `plan` is carried out. The service persists exactly
/// this, and the preview prices the next renewal from it.
pub fn apply(sub: &Subscription, plan: &ChangePlan) -> Subscription {
    let mut next = sub.clone();
    match plan {
        ChangePlan::Upgrade(u) => {
            next.price = u.price.clone();
            next.seats = u.seats;
            next.anchor = u.anchor;
            next.period = u.period;
            next.scheduled = None;
            // Upgrading during a trial is the owner's choice; the trial ends.
            next.trial = None;
            if next.status == crate::domain::subscription::Status::Trialing {
                next.status = crate::domain::subscription::Status::Active;
            }
        }
        ChangePlan::AddSeats { seats, .. } => {
            next.seats = *seats;
            next.scheduled = None;
        }
        ChangePlan::Schedule(change) => next.scheduled = Some(change.clone()),
        ChangePlan::CancelScheduled => next.scheduled = None,
        ChangePlan::NoChange => {}
    }
    next
}

/// The credit for what an invoice charged for days not yet used on `today`
/// (R-SUB-3, R-INV-3/4): each of its lines that covers today is credited
/// for the days from today to the line's end, at the line's own amount and
/// VAT rate, so a credit note mirrors the invoice it corrects whatever the
/// list price or the buyer's VAT treatment is now.
///
/// `credited` are the lines of the credit notes that corrected the invoice
/// already. A correction never credits more than what it corrects: days of
/// a line an earlier credit note credited (a void, an earlier upgrade's)
/// are not credited again (the days left may be several runs, a line each), and per VAT rate all credit notes together
/// never credit more than the invoice charged at that rate (a goodwill
/// note counts there).
pub fn credit_unused(
    invoiced: &[LineItem],
    credited: &[LineItem],
    today: NaiveDate,
) -> Vec<LineItem> {
    let mut lines = Vec::new();
    for l in invoiced {
        let Some(covers) = l.covers else { continue };
        let Some(r) = Remainder::new(covers, today) else {
            continue;
        };
        // What the line charged from day `x` to its end, as every credit
        // of it is computed: the days from `a` to `b` are worth
        // `from(a) - from(b)`, so credits of days apart add up to at most
        // the line, to the öre.
        let from = |x: NaiveDate| {
            Remainder::new(covers, x)
                .map_or(Money::zero(l.amount.currency()), |x| x.prorate(l.amount))
        };
        // The days of the line earlier credit notes credited.
        let mut taken: Vec<(NaiveDate, NaiveDate)> = credited
            .iter()
            .filter(|c| c.kind == l.kind)
            .filter_map(|c| c.covers)
            .filter(|p| p.start >= covers.start && p.end <= covers.end)
            .map(|p| (p.start, p.end))
            .collect();
        taken.sort();
        let mut open = Vec::new();
        let mut cursor = today;
        for (start, end) in taken {
            if end <= cursor {
                continue;
            }
            if start > cursor {
                open.push((cursor, start));
            }
            cursor = end;
        }
        if cursor < covers.end {
            open.push((cursor, covers.end));
        }
        for (start, end) in open {
            let amount = from(start) - from(end);
            if amount.is_positive() {
                lines.push(LineItem {
                    kind: l.kind.clone(),
                    covers: Some(Period::new(start, end)),
                    days: Some(((end - start).num_days(), r.period_days())),
                    quantity: l.quantity,
                    unit_price: if l.quantity == 1 {
                        amount
                    } else {
                        l.unit_price
                    },
                    amount,
                    vat_rate: l.vat_rate,
                });
            }
        }
    }
    cap_per_rate(&mut lines, invoiced, credited);
    lines
}

/// Cuts credit `lines` so that at each VAT rate the invoice's credit notes
/// (`credited`, and these) credit at most what it charged at that rate.
pub fn cap_per_rate(lines: &mut Vec<LineItem>, invoiced: &[LineItem], credited: &[LineItem]) {
    let at = |ls: &[LineItem], rate: Option<rust_decimal::Decimal>| -> i64 {
        ls.iter()
            .filter(|l| l.vat_rate == rate)
            .map(|l| l.amount.minor())
            .sum()
    };
    let rates: Vec<Option<rust_decimal::Decimal>> = lines.iter().map(|l| l.vat_rate).collect();
    let mut room: Vec<(Option<rust_decimal::Decimal>, i64)> = Vec::new();
    for rate in rates {
        if !room.iter().any(|(r, _)| *r == rate) {
            room.push((rate, (at(invoiced, rate) - at(credited, rate)).max(0)));
        }
    }
    for line in lines.iter_mut() {
        let Some((_, left)) = room.iter_mut().find(|(r, _)| *r == line.vat_rate) else {
            continue;
        };
        let take = line.amount.minor().min(*left).max(0);
        *left -= take;
        if take < line.amount.minor() {
            line.amount = Money::new(take, line.amount.currency());
            if line.quantity == 1 {
                line.unit_price = line.amount;
            }
        }
    }
    lines.retain(|l| l.amount.is_positive());
}

/// Lines waiting for the next invoice, cut at an upgrade on `today`: a
/// line for days from today on (seats added earlier in the period) keeps
/// only the days before today, since the new plan's invoice charges the
/// rest. Lines that do not reach today are kept as they are.
pub fn trim_pending(pending: &[LineItem], today: NaiveDate) -> Vec<LineItem> {
    pending
        .iter()
        .filter_map(|l| {
            let Some(covers) = l.covers else {
                return Some(l.clone());
            };
            let Some(r) = Remainder::new(covers, today) else {
                return Some(l.clone());
            };
            let used = l.amount - r.prorate(l.amount);
            (today > covers.start && used.is_positive()).then(|| LineItem {
                covers: Some(Period::new(covers.start, today)),
                days: l.days.map(|(_, of)| (covers.days() - r.days(), of)),
                amount: used,
                ..l.clone()
            })
        })
        .collect()
}

/// A plan line for a whole period (`remainder` None) or its prorated rest.
pub fn plan_line(
    price: &PriceVersion,
    seats: u32,
    covers: Period,
    remainder: Option<Remainder>,
    amount: Money,
) -> LineItem {
    LineItem {
        kind: LineKind::Plan {
            plan: price.plan_name.clone(),
            seats,
        },
        covers: Some(covers),
        days: remainder.map(|r| (r.days(), r.period_days())),
        quantity: 1,
        unit_price: amount,
        amount,
        vat_rate: None,
    }
}

/// Starts a trial of a higher plan (R-SUB-8): once per plan, never charged.
pub fn start_trial(
    sub: &Subscription,
    terms: &OrgTerms,
    plan_price: &PriceVersion,
    trial_days: Option<u32>,
    tried_plan_ids: &[i64],
    today: NaiveDate,
) -> Result<Trial, ChangeError> {
    change_permitted(terms, Change::StartTrial)?;
    let Some(days) = trial_days else {
        return Err(ChangeError::NoTrial {
            plan: plan_price.plan_name.clone(),
        });
    };
    if sub.trial.is_some() {
        return Err(ChangeError::TrialRunning);
    }
    if plan_price.plan_rank <= sub.price.plan_rank {
        return Err(ChangeError::TrialNotHigher);
    }
    if tried_plan_ids.contains(&plan_price.plan_id) {
        return Err(ChangeError::TrialUsed {
            plan: plan_price.plan_name.clone(),
        });
    }
    Ok(Trial {
        price: plan_price.clone(),
        started: today,
        ends: today + chrono::Duration::days(i64::from(days)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::fixtures::*;
    use crate::domain::money::{Currency, Money};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    use crate::domain::catalog::fixtures::subscription as sub;

    fn all_ids() -> Vec<i64> {
        (0..100).collect()
    }

    fn sek(major: i64) -> Money {
        Money::major(major, Currency::Sek)
    }

    /// Pipedrive: a monthly customer upgrades halfway through a 30-day cycle:
    /// a credit note for 15/30 of the old price, an invoice for 15/30 of the
    /// new one; the difference is due.
    #[test]
    fn seed_pipedrive_halfway_upgrade() {
        let s = sub(
            professional(Interval::Monthly),
            2,
            d(2026, 11, 1),
            d(2026, 11, 16),
        );
        assert_eq!(s.period.days(), 30);
        let req = ChangeRequest {
            price: business(Interval::Monthly),
            seats: 2,
        };
        let ChangePlan::Upgrade(u) = plan_change(
            &s,
            &OrgTerms::default(),
            &req,
            &all_ids(),
            2,
            d(2026, 11, 16),
        )
        .unwrap() else {
            panic!("an upgrade")
        };
        assert_eq!(u.credit_lines[0].amount, sek(300)); // 15/30 of 600
        assert_eq!(u.invoice_lines[0].amount, sek(600)); // 15/30 of 1 200
        assert_eq!(
            u.invoice_lines[0].amount - u.credit_lines[0].amount,
            sek(300)
        );
        assert_eq!(u.anchor, d(2026, 11, 1));
        assert_eq!(u.period, s.period);
        assert_eq!(u.credit_lines[0].days, Some((15, 30)));
        // With Swedish VAT: credit note 375 kr applied in full to the 750 kr
        // invoice; 375 kr is due and nothing is left over.
        let s = u.settle(
            &VatTreatment::Domestic,
            &VatTreatment::Domestic,
            Money::zero(Currency::Sek),
            Money::zero(Currency::Sek),
        );
        assert_eq!(s.credit_note.as_ref().unwrap().total, sek(375));
        assert_eq!(s.invoice.total, sek(750));
        assert_eq!(s.invoice.credit_applied, sek(375));
        assert_eq!(s.invoice.amount_due, sek(375));
        assert_eq!(s.balance_after, sek(0));
        // An account balance pays the rest, and what is left of it stays.
        let s = u.settle(
            &VatTreatment::Domestic,
            &VatTreatment::Domestic,
            sek(500),
            Money::zero(Currency::Sek),
        );
        assert_eq!(s.invoice.amount_due, sek(0));
        assert_eq!(s.balance_after, sek(125));
    }

    /// Pipedrive: a downgrade halfway through the cycle keeps the current plan
    /// to the end of the cycle; the new plan is billed from the next one.
    #[test]
    fn seed_pipedrive_downgrade_waits_for_the_next_cycle() {
        let s = sub(
            business(Interval::Monthly),
            2,
            d(2026, 11, 1),
            d(2026, 11, 16),
        );
        let req = ChangeRequest {
            price: professional(Interval::Monthly),
            seats: 2,
        };
        let ChangePlan::Schedule(sc) = plan_change(
            &s,
            &OrgTerms::default(),
            &req,
            &all_ids(),
            2,
            d(2026, 11, 16),
        )
        .unwrap() else {
            panic!("scheduled")
        };
        assert_eq!(sc.effective, d(2026, 12, 1));
        let s = Subscription {
            scheduled: Some(sc),
            ..s
        };
        let crate::domain::renewal::Renewal::Renewed {
            price,
            invoice_lines,
            period,
            ..
        } = crate::domain::renewal::renew(&s, vec![])
        else {
            panic!("renewed")
        };
        assert_eq!(price.plan_name, "Professional");
        assert_eq!(period.start, d(2026, 12, 1));
        assert_eq!(invoice_lines[0].amount, sek(600));
    }

    /// HubSpot: billed on the 25th for 5 seats, one seat bought on the 7th:
    /// pay 7th → 25th for the extra seat on top of the normal renewal.
    #[test]
    fn seed_hubspot_seat_bought_on_the_7th_billed_on_the_25th() {
        let s = sub(
            professional(Interval::Monthly),
            5,
            d(2026, 1, 25),
            d(2026, 11, 7),
        );
        let req = ChangeRequest {
            price: professional(Interval::Monthly),
            seats: 6,
        };
        let plan = plan_change(
            &s,
            &OrgTerms::default(),
            &req,
            &all_ids(),
            5,
            d(2026, 11, 7),
        )
        .unwrap();
        let ChangePlan::AddSeats {
            seats,
            next_invoice_lines,
        } = plan
        else {
            panic!("seats added")
        };
        assert_eq!(seats, 6);
        let line = &next_invoice_lines[0];
        assert_eq!(line.days, Some((18, 31))); // 7 Nov .. 24 Nov of a 25 Oct – 24 Nov period
        assert_eq!(line.amount, Money::new(17_419, Currency::Sek)); // 300 × 18/31 = 174,193…
        assert_eq!(line.covers.unwrap().last_day(), d(2026, 11, 24));
    }

    #[test]
    fn downgrade_is_scheduled_and_replaced_or_cancelled() {
        let mut s = sub(
            business(Interval::Monthly),
            3,
            d(2026, 11, 1),
            d(2026, 11, 10),
        );
        let terms = OrgTerms::default();
        let down = ChangeRequest {
            price: professional(Interval::Monthly),
            seats: 3,
        };
        let ChangePlan::Schedule(sc) =
            plan_change(&s, &terms, &down, &all_ids(), 3, d(2026, 11, 10)).unwrap()
        else {
            panic!("scheduled")
        };
        assert_eq!(sc.effective, d(2026, 12, 1));
        s.scheduled = Some(sc);
        // Another downgrade replaces it.
        let lower = ChangeRequest {
            price: starter(Interval::Monthly),
            seats: 3,
        };
        assert!(
            matches!(plan_change(&s, &terms, &lower, &all_ids(), 3, d(2026, 11, 12)).unwrap(), ChangePlan::Schedule(c) if c.price.plan_name == "Starter")
        );
        // Choosing the current plan cancels it.
        let same = ChangeRequest {
            price: business(Interval::Monthly),
            seats: 3,
        };
        assert_eq!(
            plan_change(&s, &terms, &same, &all_ids(), 3, d(2026, 11, 12)).unwrap(),
            ChangePlan::CancelScheduled
        );
        // Annual → monthly is a downgrade too.
        let a = sub(
            business(Interval::Annual),
            3,
            d(2026, 1, 1),
            d(2026, 11, 10),
        );
        let to_monthly = ChangeRequest {
            price: business(Interval::Monthly),
            seats: 3,
        };
        assert!(matches!(
            plan_change(&a, &terms, &to_monthly, &all_ids(), 3, d(2026, 11, 10)).unwrap(),
            ChangePlan::Schedule(_)
        ));
    }

    #[test]
    fn monthly_to_annual_starts_a_new_annual_period_now() {
        let s = sub(
            professional(Interval::Monthly),
            2,
            d(2026, 11, 1),
            d(2026, 11, 16),
        );
        let req = ChangeRequest {
            price: professional(Interval::Annual),
            seats: 2,
        };
        let ChangePlan::Upgrade(u) = plan_change(
            &s,
            &OrgTerms::default(),
            &req,
            &all_ids(),
            2,
            d(2026, 11, 16),
        )
        .unwrap() else {
            panic!("upgrade")
        };
        assert_eq!(u.anchor, d(2026, 11, 16));
        assert_eq!(u.period, Period::new(d(2026, 11, 16), d(2027, 11, 16)));
        assert_eq!(u.credit_lines[0].amount, sek(300));
        assert_eq!(u.invoice_lines[0].amount, sek(6000));
    }

    #[test]
    fn refusals_say_what_to_do() {
        let s = sub(
            professional(Interval::Monthly),
            4,
            d(2026, 11, 1),
            d(2026, 11, 16),
        );
        let up = ChangeRequest {
            price: business(Interval::Monthly),
            seats: 4,
        };
        let partner = OrgTerms {
            partner: Some("Nordic Partners AB".into()),
            ..Default::default()
        };
        let err = plan_change(&s, &partner, &up, &all_ids(), 4, d(2026, 11, 16)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Your account is managed by Nordic Partners AB; contact them to change billing."
        );
        // A period that has ended waits for its renewal: no panic, a reason.
        assert_eq!(
            plan_change(&s, &OrgTerms::default(), &up, &all_ids(), 4, d(2026, 12, 1)),
            Err(ChangeError::RenewalDue)
        );
        let locked = OrgTerms {
            plan_locked: true,
            ..Default::default()
        };
        assert_eq!(
            plan_change(&s, &locked, &up, &all_ids(), 4, d(2026, 11, 16)),
            Err(ChangeError::Refused(Refusal::PlanLocked))
        );
        // The agreement fixes the seats as well (issue 33).
        let more = ChangeRequest {
            price: professional(Interval::Monthly),
            seats: 5,
        };
        assert_eq!(
            plan_change(&s, &locked, &more, &all_ids(), 4, d(2026, 11, 16)),
            Err(ChangeError::Refused(Refusal::PlanLocked))
        );
        let contract = OrgTerms {
            manually_billed: true,
            ..Default::default()
        };
        assert_eq!(
            plan_change(&s, &contract, &more, &all_ids(), 4, d(2026, 11, 16)),
            Err(ChangeError::Refused(Refusal::ContactSales))
        );
        let fewer = ChangeRequest {
            price: professional(Interval::Monthly),
            seats: 3,
        };
        assert_eq!(
            plan_change(
                &s,
                &OrgTerms::default(),
                &fewer,
                &all_ids(),
                4,
                d(2026, 11, 16)
            ),
            Err(ChangeError::BelowPaidMembers { paid: 4 })
        );
        let one = ChangeRequest {
            price: business(Interval::Monthly),
            seats: 1,
        };
        assert!(matches!(
            plan_change(
                &s,
                &OrgTerms::default(),
                &one,
                &all_ids(),
                1,
                d(2026, 11, 16)
            ),
            Err(ChangeError::Seats(_))
        ));
        assert_eq!(
            plan_change(&s, &OrgTerms::default(), &up, &[], 4, d(2026, 11, 16)),
            Err(ChangeError::PriceNotOffered)
        );
    }

    #[test]
    fn seed_hubspot_trials_once_per_higher_plan() {
        let s = sub(
            starter(Interval::Monthly),
            2,
            d(2026, 11, 1),
            d(2026, 11, 16),
        );
        let t = start_trial(
            &s,
            &OrgTerms::default(),
            &professional(Interval::Monthly),
            Some(14),
            &[],
            d(2026, 11, 16),
        )
        .unwrap();
        assert_eq!(t.ends, d(2026, 11, 30));
        assert_eq!(t.days_left(d(2026, 11, 20)), 10);
        let used = start_trial(
            &s,
            &OrgTerms::default(),
            &professional(Interval::Monthly),
            Some(14),
            &[2],
            d(2026, 11, 16),
        );
        assert!(matches!(used, Err(ChangeError::TrialUsed { .. })));
        let lower = start_trial(
            &s,
            &OrgTerms::default(),
            &free(),
            Some(14),
            &[],
            d(2026, 11, 16),
        );
        assert_eq!(lower, Err(ChangeError::TrialNotHigher));
    }

    proptest! {
        /// Several upgrades on one day never bill a day twice: going A → B → C
        /// on the same day costs exactly what A → C costs.
        #[test]
        fn several_changes_on_one_day_bill_each_day_once(day in 0i64..30, seats in 2u32..40) {
            let today = d(2026, 11, 1) + chrono::Duration::days(day);
            let a = sub(starter(Interval::Monthly), seats, d(2026, 11, 1), today);
            let terms = OrgTerms::default();
            let to = |p: PriceVersion| ChangeRequest { price: p, seats };
            let ChangePlan::Upgrade(ab) = plan_change(&a, &terms, &to(professional(Interval::Monthly)), &all_ids(), seats, today).unwrap() else { panic!() };
            let mut b = a.clone();
            b.price = ab.price.clone();
            let ChangePlan::Upgrade(bc) = plan_change(&b, &terms, &to(business(Interval::Monthly)), &all_ids(), seats, today).unwrap() else { panic!() };
            let ChangePlan::Upgrade(ac) = plan_change(&a, &terms, &to(business(Interval::Monthly)), &all_ids(), seats, today).unwrap() else { panic!() };
            let net = |u: &Upgrade| u.invoice_lines[0].amount.minor() - u.credit_lines.first().map_or(0, |l| l.amount.minor());
            prop_assert_eq!(net(&ab) + net(&bc), net(&ac));
            // B was credited exactly what it was charged.
            prop_assert_eq!(bc.credit_lines[0].amount, ab.invoice_lines[0].amount);
        }
    }

    /// One step of what can happen to an invoice after it is issued.
    #[derive(Debug, Clone)]
    enum Correction {
        /// An upgrade on this day of the period credits the unused days.
        Upgrade(u32),
        /// An operator's goodwill note of this much net, at the plan's rate.
        Goodwill(i64),
        /// Voiding the invoice (refused once anything was credited).
        Void,
    }

    fn correction() -> impl Strategy<Value = Correction> {
        prop_oneof![
            (0u32..31).prop_map(Correction::Upgrade),
            (1i64..200_000).prop_map(Correction::Goodwill),
            Just(Correction::Void),
        ]
    }

    proptest! {
        /// Issue 33: whatever sequence of upgrades (at any day, in any
        /// order), goodwill notes and voids follows an invoice, its credit
        /// notes never credit more than it charged, line by line (no day
        /// credited twice) and per VAT rate.
        #[test]
        fn credit_notes_never_credit_more_than_the_invoice(
            steps in proptest::collection::vec(correction(), 1..8),
            seats_price in 10_000i64..500_000,
            extra in 0i64..100_000,
        ) {
            let rate = Some(rust_decimal::Decimal::new(25, 2));
            let covers = Period::new(d(2026, 11, 1), d(2026, 12, 1));
            let line = |kind: LineKind, amount: i64| LineItem {
                kind,
                covers: Some(covers),
                days: None,
                quantity: 1,
                unit_price: Money::new(amount, Currency::Sek),
                amount: Money::new(amount, Currency::Sek),
                vat_rate: rate,
            };
            let mut invoiced = vec![line(LineKind::Plan { plan: "Professional".into(), seats: 5 }, seats_price)];
            if extra > 0 {
                invoiced.push(line(LineKind::ExtraSeats { plan: "Professional".into(), seats: 2 }, extra));
            }
            let charged: i64 = invoiced.iter().map(|l| l.amount.minor()).sum();
            let mut credited: Vec<LineItem> = Vec::new();
            for step in steps {
                match step {
                    Correction::Upgrade(day) => {
                        let today = covers.start + chrono::Days::new(day.into());
                        let credit = credit_unused(&invoiced, &credited, today);
                        credited.extend(credit);
                    }
                    Correction::Goodwill(net) => {
                        let done: i64 = credited.iter().map(|l| l.amount.minor()).sum();
                        if net <= charged - done {
                            credited.push(LineItem {
                                kind: LineKind::Goodwill { reason: "sorry".into() },
                                covers: None,
                                days: None,
                                quantity: 1,
                                unit_price: Money::new(net, Currency::Sek),
                                amount: Money::new(net, Currency::Sek),
                                vat_rate: rate,
                            });
                        }
                    }
                    Correction::Void => {
                        if credited.is_empty() {
                            credited.extend(invoiced.iter().cloned());
                        }
                    }
                }
                let total: i64 = credited.iter().map(|l| l.amount.minor()).sum();
                prop_assert!(total <= charged, "{total} credited of {charged}: {credited:?}");
                for l in &invoiced {
                    let of_line: i64 = credited
                        .iter()
                        .filter(|c| c.kind == l.kind)
                        .map(|c| c.amount.minor())
                        .sum();
                    prop_assert!(of_line <= l.amount.minor(), "{l:?} credited {of_line}");
                }
            }
        }
    }

    /// The review's two cases: a goodwill note for all of an invoice, then
    /// an upgrade, credits nothing more; an upgrade's credit, then another
    /// upgrade (the first's invoice voided) credits only days not credited.
    #[test]
    fn an_upgrade_credits_only_what_earlier_credit_notes_left() {
        let covers = Period::new(d(2026, 11, 1), d(2026, 12, 1));
        let rate = Some(rust_decimal::Decimal::new(25, 2));
        let invoiced = vec![LineItem {
            kind: LineKind::Plan {
                plan: "Professional".into(),
                seats: 5,
            },
            covers: Some(covers),
            days: None,
            quantity: 1,
            unit_price: sek(3_000),
            amount: sek(3_000),
            vat_rate: rate,
        }];
        let goodwill = LineItem {
            kind: LineKind::Goodwill {
                reason: "all of it".into(),
            },
            covers: None,
            days: None,
            quantity: 1,
            unit_price: sek(3_000),
            amount: sek(3_000),
            vat_rate: rate,
        };
        assert!(credit_unused(&invoiced, &[goodwill], d(2026, 11, 16)).is_empty());
        let first = credit_unused(&invoiced, &[], d(2026, 11, 16));
        assert_eq!(first[0].amount, sek(1_500));
        assert!(credit_unused(&invoiced, &first, d(2026, 11, 20)).is_empty());
        // An earlier day than the first credit's: only the days before it.
        let earlier = credit_unused(&invoiced, &first, d(2026, 11, 11));
        assert_eq!(earlier[0].amount, sek(500));
        assert_eq!(
            earlier[0].covers,
            Some(Period::new(d(2026, 11, 11), d(2026, 11, 16)))
        );
    }
}

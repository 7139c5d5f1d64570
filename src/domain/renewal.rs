//! What happens at a period boundary (R-SUB-2, R-SUB-4, R-SUB-7, R-SUB-9):
//! the scheduled change is applied, seat additions are carried onto the
//! renewal invoice, and a cancelled subscription past its commitment ends.

use crate::domain::catalog::PriceVersion;
use crate::domain::change::plan_line;
use crate::domain::invoice::LineItem;
use crate::domain::money::{sum, Money};
use crate::domain::period::{period_containing, Period};
use crate::domain::subscription::Subscription;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Renewal {
    /// A new period, invoiced in advance at its start.
    Renewed {
        price: PriceVersion,
        seats: u32,
        anchor: NaiveDate,
        period: Period,
        invoice_lines: Vec<LineItem>,
    },
    /// Auto-renew was off and the commitment is over: back to Free. Seat
    /// additions of the last period are still invoiced.
    Ended { final_lines: Vec<LineItem> },
}

/// Renews `sub` at the end of its period. `pending` are lines owed from the
/// period that ends (seats added during it).
/// Whether the subscription goes on past its period end: auto-renew is on,
/// or the commitment runs on (R-SUB-9).
pub fn renews(sub: &Subscription) -> bool {
    sub.auto_renew || sub.commitment_end.is_some_and(|c| c > sub.period.end)
}

pub fn renew(sub: &Subscription, pending: Vec<LineItem>) -> Renewal {
    let at = sub.period.end;
    if !renews(sub) {
        return Renewal::Ended {
            final_lines: pending,
        };
    }
    let (price, seats) = match &sub.scheduled {
        Some(s) => (s.price.clone(), s.seats),
        None => (sub.price.clone(), sub.seats),
    };
    // A change of interval starts a new cycle at the boundary.
    let anchor = if price.interval == sub.price.interval {
        sub.anchor
    } else {
        at
    };
    let period = period_containing(anchor, price.interval, at);
    debug_assert_eq!(period.start, at);
    let mut invoice_lines = pending;
    if !price.is_free() {
        invoice_lines.insert(
            0,
            plan_line(&price, seats, period, None, price.amount(seats)),
        );
    }
    Renewal::Renewed {
        price,
        seats,
        anchor,
        period,
        invoice_lines,
    }
}

/// One period boundary as the billing clock carries it out (R-OPS-2): the
/// subscription after the boundary, and the lines invoiced there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The boundary: the old period's end, the new one's start.
    pub at: NaiveDate,
    pub next: Subscription,
    /// Invoiced at `at`, in advance; empty when nothing is owed.
    pub invoice_lines: Vec<LineItem>,
    pub kind: StepKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    /// A new period of the (possibly changed) subscription.
    Renewed,
    /// Auto-renew off past the commitment: now on Free, with a final
    /// invoice only for lines still owed.
    Ended,
    /// An enterprise contract: the period moves on, the contract's own
    /// schedule is invoiced instead (R-SUB-10).
    Contract,
}

/// Carries `sub` over its period end. `free` is the Free plan's price in
/// the subscription's currency; `manually_billed` for a contract.
pub fn step(
    sub: &Subscription,
    pending: Vec<LineItem>,
    free: &PriceVersion,
    manually_billed: bool,
) -> Step {
    let at = sub.period.end;
    if manually_billed {
        // Billed by its contract's instalments: the period moves on, and a
        // change scheduled for this boundary (a contract's start) applies.
        let mut next = sub.clone();
        if let Some(s) = sub.scheduled.as_ref().filter(|s| s.effective <= at) {
            (next.price, next.seats, next.scheduled) = (s.price.clone(), s.seats, None);
            if next.price.interval != sub.price.interval {
                next.anchor = at;
            }
        }
        next.period = period_containing(next.anchor, next.price.interval, at);
        return Step {
            at,
            next,
            invoice_lines: vec![],
            kind: StepKind::Contract,
        };
    }
    match renew(sub, pending) {
        Renewal::Renewed {
            price,
            seats,
            anchor,
            period,
            invoice_lines,
        } => Step {
            at,
            next: Subscription {
                price,
                seats,
                anchor,
                period,
                scheduled: None,
                ..sub.clone()
            },
            invoice_lines,
            kind: StepKind::Renewed,
        },
        Renewal::Ended { final_lines } => Step {
            at,
            next: Subscription {
                price: free.clone(),
                seats: 0,
                anchor: at,
                period: period_containing(at, free.interval, at),
                status: crate::domain::subscription::Status::Active,
                commitment_end: None,
                auto_renew: true,
                scheduled: None,
                trial: None,
            },
            invoice_lines: final_lines,
            kind: StepKind::Ended,
        },
    }
}

/// The next invoice of `sub` as things stand: the renewal at the period
/// end, or, when the subscription ends there, the final invoice for lines
/// still owed (seats bought during the last period). `None` when nothing
/// more will be invoiced.
pub fn next_invoice(
    sub: &Subscription,
    pending: Vec<LineItem>,
) -> Option<(NaiveDate, Vec<LineItem>)> {
    let lines = match renew(sub, pending) {
        Renewal::Renewed { invoice_lines, .. } => invoice_lines,
        Renewal::Ended { final_lines } => final_lines,
    };
    (!lines.is_empty()).then_some((sub.period.end, lines))
}

/// Whether a trial is over on `today`. Ending it charges nothing: the paid
/// subscription underneath never changed (R-SUB-8).
pub fn trial_over(sub: &Subscription, today: NaiveDate) -> bool {
    sub.trial.as_ref().is_some_and(|t| today >= t.ends)
}

/// What cancelling auto-renew means (R-SUB-9): service runs to the end of
/// the commitment, and the periods inside it are still owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancellationQuote {
    pub service_ends: NaiveDate,
    pub owed_periods: Vec<(Period, Money)>,
    pub total_owed: Money,
}

pub fn cancellation_quote(sub: &Subscription) -> CancellationQuote {
    let mut owed_periods = Vec::new();
    let mut end = sub.period.end;
    if let Some(commitment_end) = sub.commitment_end {
        while end < commitment_end {
            // Periods follow the anchor, so month-end clamping stays right.
            let p = period_containing(sub.anchor, sub.price.interval, end);
            owed_periods.push((p, sub.amount()));
            end = p.end;
        }
    }
    let total_owed = sum(
        Money::zero(sub.price.currency),
        owed_periods.iter().map(|(_, m)| *m),
    );
    CancellationQuote {
        service_ends: end,
        owed_periods,
        total_owed,
    }
}

/// After the last failed retry of a charge (R-PAY-2) the subscription goes
/// to Free at its period end, like a scheduled downgrade; the invoice stays
/// owed. `None` when it is on Free or going there already.
pub fn cancel_unpaid(sub: &Subscription, free: &PriceVersion) -> Option<Subscription> {
    let going_free = sub.scheduled.as_ref().is_some_and(|s| s.price.is_free());
    if sub.price.is_free() || going_free {
        return None;
    }
    Some(Subscription {
        scheduled: Some(crate::domain::subscription::ScheduledChange {
            price: free.clone(),
            seats: 0,
            effective: sub.period.end,
        }),
        ..sub.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::fixtures::*;
    use crate::domain::invoice::LineKind;
    use crate::domain::money::Currency;
    use crate::domain::period::Interval;
    use crate::domain::subscription::ScheduledChange;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    use crate::domain::catalog::fixtures::subscription as sub;

    #[test]
    fn renewal_bills_the_next_period_and_carries_added_seats() {
        let s = sub(
            professional(Interval::Monthly),
            6,
            d(2026, 1, 25),
            d(2026, 11, 7),
        );
        let seat_line = LineItem {
            kind: LineKind::ExtraSeats {
                plan: "Professional".into(),
                seats: 1,
            },
            covers: None,
            days: Some((18, 31)),
            quantity: 1,
            unit_price: Money::major(300, Currency::Sek),
            amount: Money::new(17_419, Currency::Sek),
            vat_rate: None,
        };
        let Renewal::Renewed {
            period,
            invoice_lines,
            ..
        } = renew(&s, vec![seat_line])
        else {
            panic!()
        };
        assert_eq!(period, Period::new(d(2026, 11, 25), d(2026, 12, 25)));
        assert_eq!(invoice_lines[0].amount, Money::major(1800, Currency::Sek));
        assert_eq!(invoice_lines[1].amount.minor(), 17_419);
    }

    #[test]
    fn a_contract_starts_at_the_boundary_it_was_scheduled_for_and_bills_nothing_there() {
        let mut s = sub(
            professional(Interval::Monthly),
            6,
            d(2026, 1, 25),
            d(2026, 11, 7),
        );
        s.scheduled = Some(ScheduledChange {
            price: professional(Interval::Annual),
            seats: 250,
            effective: d(2026, 11, 25),
        });
        let st = step(&s, vec![], &free(), true);
        assert_eq!(st.kind, StepKind::Contract);
        assert!(st.invoice_lines.is_empty(), "the instalments bill it");
        assert_eq!(
            (st.next.price.interval, st.next.seats, st.next.anchor),
            (Interval::Annual, 250, d(2026, 11, 25))
        );
        assert_eq!(
            st.next.period,
            Period::new(d(2026, 11, 25), d(2027, 11, 25))
        );
        assert_eq!(st.next.scheduled, None);
        // The next boundary keeps it.
        let again = step(&st.next, vec![], &free(), true);
        assert_eq!(
            again.next.period,
            Period::new(d(2027, 11, 25), d(2028, 11, 25))
        );
        assert_eq!(again.next.seats, 250);
    }

    #[test]
    fn an_unpaid_subscription_goes_to_free_at_its_period_end_once() {
        let s = sub(
            professional(Interval::Monthly),
            4,
            d(2026, 1, 25),
            d(2026, 11, 7),
        );
        let after = cancel_unpaid(&s, &free()).expect("scheduled to Free");
        let scheduled = after.scheduled.as_ref().unwrap();
        assert!(scheduled.price.is_free());
        assert_eq!(scheduled.effective, s.period.end);
        assert_eq!(
            (after.price.clone(), after.period),
            (s.price.clone(), s.period),
            "it runs to its period end"
        );
        assert_eq!(cancel_unpaid(&after, &free()), None, "once");
        let on_free = sub(free(), 0, d(2026, 1, 25), d(2026, 11, 7));
        assert_eq!(cancel_unpaid(&on_free, &free()), None);
    }

    /// R-SUB-2 through the clock's step: anchor 31 renews Jan 31 → Feb 28
    /// → Mar 31, one invoice per boundary.
    #[test]
    fn steps_follow_anchor_31_through_february() {
        let mut s = sub(
            professional(Interval::Monthly),
            4,
            d(2027, 1, 31),
            d(2027, 1, 31),
        );
        let mut starts = vec![];
        for _ in 0..3 {
            let st = step(&s, vec![], &free(), false);
            assert_eq!(st.kind, StepKind::Renewed);
            assert_eq!(st.invoice_lines.len(), 1);
            starts.push(st.at);
            s = st.next;
        }
        assert_eq!(starts, [d(2027, 2, 28), d(2027, 3, 31), d(2027, 4, 30)]);
    }

    /// R-SUB-9: cancelled inside a 12-month commitment billed monthly, every
    /// remaining period is invoiced, then Free with no invoice.
    #[test]
    fn cancelled_inside_a_commitment_bills_every_period_then_free() {
        let mut s = sub(
            professional(Interval::Monthly),
            4,
            d(2026, 1, 10),
            d(2026, 9, 15),
        );
        s.commitment_end = Some(d(2027, 1, 10));
        s.auto_renew = false;
        let mut invoices = 0;
        loop {
            let st = step(&s, vec![], &free(), false);
            if st.kind == StepKind::Ended {
                assert!(st.invoice_lines.is_empty());
                assert!(st.next.price.is_free());
                assert_eq!(st.at, d(2027, 1, 10));
                break;
            }
            invoices += 1;
            s = st.next;
        }
        // Oct, Nov, Dec periods are still owed after the one running in September.
        assert_eq!(invoices, 3);
    }

    #[test]
    fn scheduled_downgrade_applies_at_renewal() {
        let mut s = sub(
            business(Interval::Monthly),
            3,
            d(2026, 11, 1),
            d(2026, 11, 10),
        );
        s.scheduled = Some(ScheduledChange {
            price: professional(Interval::Monthly),
            seats: 3,
            effective: d(2026, 12, 1),
        });
        let Renewal::Renewed {
            price,
            invoice_lines,
            ..
        } = renew(&s, vec![])
        else {
            panic!()
        };
        assert_eq!(price.plan_name, "Professional");
        assert_eq!(invoice_lines[0].amount, Money::major(900, Currency::Sek));
    }

    #[test]
    fn annual_to_monthly_starts_a_monthly_cycle_at_the_boundary() {
        let mut s = sub(
            business(Interval::Annual),
            3,
            d(2026, 3, 15),
            d(2026, 11, 10),
        );
        s.scheduled = Some(ScheduledChange {
            price: business(Interval::Monthly),
            seats: 3,
            effective: d(2027, 3, 15),
        });
        let Renewal::Renewed { anchor, period, .. } = renew(&s, vec![]) else {
            panic!()
        };
        assert_eq!(anchor, d(2027, 3, 15));
        assert_eq!(period, Period::new(d(2027, 3, 15), d(2027, 4, 15)));
    }

    /// HubSpot: a trial is never charged automatically; the renewal during or
    /// after it bills the plan the customer had, and the trial just ends.
    #[test]
    fn seed_hubspot_trial_is_never_charged() {
        let mut s = sub(
            starter(Interval::Monthly),
            2,
            d(2026, 11, 1),
            d(2026, 11, 20),
        );
        s.trial = Some(crate::domain::subscription::Trial {
            price: business(Interval::Monthly),
            started: d(2026, 11, 20),
            ends: d(2026, 12, 4),
        });
        let Renewal::Renewed {
            price,
            invoice_lines,
            ..
        } = renew(&s, vec![])
        else {
            panic!()
        };
        assert_eq!(price.plan_name, "Starter");
        assert_eq!(invoice_lines.len(), 1);
        assert_eq!(invoice_lines[0].amount, Money::major(198, Currency::Sek));
        assert!(!trial_over(&s, d(2026, 12, 3)));
        assert!(trial_over(&s, d(2026, 12, 4)));
    }

    /// HubSpot: cancelling a monthly subscription on an annual commitment still
    /// owes the rest of the term, shown before confirming.
    #[test]
    fn seed_hubspot_cancel_inside_commitment_owes_the_term() {
        let mut s = sub(
            professional(Interval::Monthly),
            2,
            d(2026, 1, 1),
            d(2026, 10, 10),
        );
        s.commitment_end = Some(d(2027, 1, 1));
        s.auto_renew = false;
        let q = cancellation_quote(&s);
        assert_eq!(q.service_ends, d(2027, 1, 1));
        assert_eq!(q.owed_periods.len(), 2); // November and December
        assert_eq!(q.total_owed, Money::major(1200, Currency::Sek));
        // Inside the commitment the renewal still happens; after it, it ends.
        assert!(matches!(renew(&s, vec![]), Renewal::Renewed { .. }));
        let last = sub(
            professional(Interval::Monthly),
            2,
            d(2026, 1, 1),
            d(2026, 12, 10),
        );
        let last = Subscription {
            commitment_end: Some(d(2027, 1, 1)),
            auto_renew: false,
            ..last
        };
        assert!(matches!(renew(&last, vec![]), Renewal::Ended { .. }));
    }
}

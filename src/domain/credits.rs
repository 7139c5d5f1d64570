//! The credit ledger (R-CRD-1…5): grants with expiry, consumption from the
//! grant that expires first, expiry of what is left, and the run-cost rule.
//! The balance is always derived from the entries, never stored.

use crate::domain::period::{local_midnight, period_containing, Interval, Period};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantKind {
    /// The plan's monthly allowance; expires at the end of that month.
    Allowance,
    /// A purchased credit pack; expires at the end of its validity.
    Pack,
    /// Given by an operator.
    Goodwill,
}

impl GrantKind {
    pub fn code(self) -> &'static str {
        match self {
            GrantKind::Allowance => "allowance",
            GrantKind::Pack => "pack",
            GrantKind::Goodwill => "goodwill",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub id: i64,
    pub kind: GrantKind,
    pub amount: i64,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Consumed and expired so far, from the ledger's entries.
    pub used: i64,
    pub expired: i64,
}

impl Grant {
    pub fn remaining(&self) -> i64 {
        self.amount - self.used - self.expired
    }

    fn live_at(&self, now: DateTime<Utc>) -> bool {
        self.granted_at <= now && now < self.expires_at
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("this run costs {needed} credits but only {available} are left; buy a credit pack or wait for the monthly allowance")]
pub struct InsufficientCredits {
    pub needed: i64,
    pub available: i64,
}

/// Credits usable at `now`.
pub fn balance(grants: &[Grant], now: DateTime<Utc>) -> i64 {
    grants
        .iter()
        .filter(|g| g.live_at(now))
        .map(Grant::remaining)
        .sum()
}

/// Draws `cost` from live grants, the one that expires first first (R-CRD-3).
/// Returns `(grant id, credits)` entries; nothing when the balance is short.
pub fn consume(
    grants: &[Grant],
    cost: i64,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, i64)>, InsufficientCredits> {
    assert!(cost > 0, "a run costs at least one credit");
    let available = balance(grants, now);
    if available < cost {
        return Err(InsufficientCredits {
            needed: cost,
            available,
        });
    }
    let mut live: Vec<&Grant> = grants
        .iter()
        .filter(|g| g.live_at(now) && g.remaining() > 0)
        .collect();
    live.sort_by_key(|g| (g.expires_at, g.granted_at, g.id));
    let mut left = cost;
    let mut draws = Vec::new();
    for g in live {
        if left == 0 {
            break;
        }
        let take = left.min(g.remaining());
        draws.push((g.id, take));
        left -= take;
    }
    Ok(draws)
}

/// Expiry entries for grants whose time is up at `now`: what they had left.
pub fn expire(grants: &[Grant], now: DateTime<Utc>) -> Vec<(i64, i64)> {
    grants
        .iter()
        .filter(|g| g.expires_at <= now && g.remaining() > 0)
        .map(|g| (g.id, g.remaining()))
        .collect()
}

/// The month an allowance grant covers (R-CRD-1): monthly from the
/// subscription's anchor, also on annual plans; it expires at the window's end.
pub fn allowance_window(anchor: NaiveDate, today: NaiveDate) -> Period {
    period_containing(anchor, Interval::Monthly, today)
}

/// The allowance grant for the window containing `today`: (granted at,
/// expires at), both at local midnight in the organisation's time zone.
pub fn allowance_grant_times(
    anchor: NaiveDate,
    today: NaiveDate,
    tz: Tz,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let w = allowance_window(anchor, today);
    (local_midnight(w.start, tz), local_midnight(w.end, tz))
}

/// One integration run (R-CRD-4): 1 credit per started 30 seconds (at least
/// one), 1 per iterator iteration, plus the advanced steps' own costs.
pub fn run_cost(runtime_seconds: u64, iterations: u64, advanced_steps: &[u64]) -> u64 {
    runtime_seconds.div_ceil(30).max(1) + iterations + advanced_steps.iter().sum::<u64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
    }

    fn grant(id: i64, kind: GrantKind, amount: i64, from: u32, to: u32) -> Grant {
        Grant {
            id,
            kind,
            amount,
            granted_at: t(from),
            expires_at: t(to),
            used: 0,
            expired: 0,
        }
    }

    /// Standout: "a run with an iterator and 1 iteration consumes at least 2
    /// credits; with 2 iterations at least 3"; 1 credit per started 30 s.
    #[test]
    fn seed_standout_run_costs() {
        assert_eq!(run_cost(10, 1, &[]), 2);
        assert_eq!(run_cost(10, 2, &[]), 3);
        assert_eq!(run_cost(45, 0, &[]), 2);
        assert_eq!(run_cost(0, 0, &[]), 1);
        assert_eq!(run_cost(30, 0, &[]), 1);
        assert_eq!(run_cost(31, 0, &[2, 3]), 7);
    }

    #[test]
    fn consumption_draws_from_the_grant_that_expires_first() {
        let grants = vec![
            grant(1, GrantKind::Pack, 100, 1, 28),
            grant(2, GrantKind::Allowance, 10, 1, 20),
        ];
        assert_eq!(consume(&grants, 15, t(5)).unwrap(), vec![(2, 10), (1, 5)]);
        assert_eq!(balance(&grants, t(5)), 110);
        assert_eq!(balance(&grants, t(21)), 100);
        assert_eq!(expire(&grants, t(21)), vec![(2, 10)]);
        let err = consume(&grants, 111, t(5)).unwrap_err();
        assert_eq!(
            err,
            InsufficientCredits {
                needed: 111,
                available: 110
            }
        );
    }

    /// Standout: credits reset monthly, also on annual plans; unused
    /// allowance expires at the end of that month.
    #[test]
    fn seed_standout_allowance_resets_monthly_on_annual_plans() {
        let anchor = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let w = allowance_window(anchor, today);
        assert_eq!(w.start, NaiveDate::from_ymd_opt(2026, 11, 15).unwrap());
        assert_eq!(w.end, NaiveDate::from_ymd_opt(2026, 12, 15).unwrap());
        let tz: Tz = "Europe/Stockholm".parse().unwrap();
        let (from, to) = allowance_grant_times(anchor, today, tz);
        assert_eq!(from.to_rfc3339(), "2026-11-14T23:00:00+00:00");
        let g = Grant {
            id: 1,
            kind: GrantKind::Allowance,
            amount: 1000,
            granted_at: from,
            expires_at: to,
            used: 400,
            expired: 0,
        };
        assert_eq!(expire(std::slice::from_ref(&g), to), vec![(1, 600)]);
        assert_eq!(balance(&[g], to), 0);
    }

    proptest! {
        /// Balance = grants − consumed − expired, and never below zero, for
        /// any sequence of runs and expiries.
        #[test]
        fn ledger_never_goes_negative(amounts in proptest::collection::vec(1i64..50, 1..6), costs in proptest::collection::vec(1i64..40, 0..40)) {
            let mut grants: Vec<Grant> = amounts.iter().enumerate()
                .map(|(i, a)| grant(i as i64, GrantKind::Pack, *a, 1, 10 + i as u32 * 3)).collect();
            let mut consumed = 0;
            let mut expired = 0;
            for (step, cost) in costs.iter().enumerate() {
                let now = t(2 + (step as u32 % 25));
                for (id, n) in expire(&grants, now) {
                    grants.iter_mut().find(|g| g.id == id).unwrap().expired += n;
                    expired += n;
                }
                if let Ok(draws) = consume(&grants, *cost, now) {
                    prop_assert_eq!(draws.iter().map(|(_, n)| n).sum::<i64>(), *cost);
                    for (id, n) in draws {
                        grants.iter_mut().find(|g| g.id == id).unwrap().used += n;
                        consumed += n;
                    }
                }
                for g in &grants { prop_assert!(g.remaining() >= 0); }
                let total: i64 = amounts.iter().sum();
                let left: i64 = grants.iter().map(Grant::remaining).sum();
                prop_assert_eq!(left, total - consumed - expired);
                prop_assert!(balance(&grants, now) >= 0);
            }
        }
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsufficientCredits {
    pub needed: i64,
    pub available: i64,
}

impl InsufficientCredits {
    pub fn text(&self) -> crate::i18n::Text {
        crate::msg!(
            "credits-insufficient",
            needed = self.needed,
            available = self.available
        )
    }
}

impl std::fmt::Display for InsufficientCredits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for InsufficientCredits {}

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
    if cost <= 0 {
        // Nothing to draw; `run_cost` never asks for this.
        return Ok(vec![]);
    }
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

/// The largest run the usage API accepts, field by field: a week of
/// runtime, a million iterations, 100 advanced steps of at most 10 000
/// credits each. Anything above is refused by name, and the cost of any
/// accepted run fits comfortably in an `i64`.
pub const MAX_RUNTIME_SECONDS: u64 = 7 * 24 * 3600;
pub const MAX_ITERATIONS: u64 = 1_000_000;
pub const MAX_ADVANCED_STEPS: usize = 100;
pub const MAX_STEP_COST: u64 = 10_000;

/// A run the usage API refuses: which field, and what it allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{field}: {message}")]
pub struct RunRefused {
    pub field: String,
    pub message: String,
}

fn refuse(field: &str, message: String) -> RunRefused {
    RunRefused {
        field: field.to_string(),
        message,
    }
}

/// One integration run (R-CRD-4): 1 credit per started 30 seconds (at least
/// one), 1 per iterator iteration, plus the advanced steps' own costs.
/// Every field is bounded first, and the sum is checked all the same.
pub fn run_cost(
    runtime_seconds: u64,
    iterations: u64,
    advanced_steps: &[u64],
) -> Result<i64, RunRefused> {
    if runtime_seconds > MAX_RUNTIME_SECONDS {
        return Err(refuse(
            "runtime_seconds",
            format!("at most {MAX_RUNTIME_SECONDS} (7 days) per run"),
        ));
    }
    if iterations > MAX_ITERATIONS {
        return Err(refuse(
            "iterations",
            format!("at most {MAX_ITERATIONS} per run"),
        ));
    }
    if advanced_steps.len() > MAX_ADVANCED_STEPS {
        return Err(refuse(
            "advanced_steps",
            format!("at most {MAX_ADVANCED_STEPS} steps per run"),
        ));
    }
    if let Some(i) = advanced_steps.iter().position(|c| *c > MAX_STEP_COST) {
        return Err(refuse(
            &format!("advanced_steps[{i}]"),
            format!("a step costs at most {MAX_STEP_COST} credits"),
        ));
    }
    let steps = advanced_steps
        .iter()
        .try_fold(0u64, |acc, c| acc.checked_add(*c));
    runtime_seconds
        .div_ceil(30)
        .max(1)
        .checked_add(iterations)
        .and_then(|c| c.checked_add(steps?))
        .and_then(|c| i64::try_from(c).ok())
        .ok_or_else(|| refuse("event", "the run's cost is out of range".into()))
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
        assert_eq!(run_cost(10, 1, &[]), Ok(2));
        assert_eq!(run_cost(10, 2, &[]), Ok(3));
        assert_eq!(run_cost(45, 0, &[]), Ok(2));
        assert_eq!(run_cost(0, 0, &[]), Ok(1));
        assert_eq!(run_cost(30, 0, &[]), Ok(1));
        assert_eq!(run_cost(31, 0, &[2, 3]), Ok(7));
    }

    /// The review's poison: u64::MAX iterations overflowed the sum.
    #[test]
    fn a_run_beyond_the_bounds_is_refused_by_field() {
        assert_eq!(run_cost(0, u64::MAX, &[]).unwrap_err().field, "iterations");
        assert_eq!(
            run_cost(u64::MAX, 0, &[]).unwrap_err().field,
            "runtime_seconds"
        );
        assert_eq!(
            run_cost(0, 0, &[1, u64::MAX]).unwrap_err().field,
            "advanced_steps[1]"
        );
        assert_eq!(
            run_cost(0, 0, &[1; MAX_ADVANCED_STEPS + 1])
                .unwrap_err()
                .field,
            "advanced_steps"
        );
        let most = run_cost(
            MAX_RUNTIME_SECONDS,
            MAX_ITERATIONS,
            &[MAX_STEP_COST; MAX_ADVANCED_STEPS],
        )
        .unwrap();
        assert_eq!(most, 20_160 + 1_000_000 + 1_000_000);
    }

    proptest! {
        /// Any inputs: a cost within bounds or a refusal, never a panic.
        #[test]
        fn run_cost_never_panics(runtime in any::<u64>(), iterations in any::<u64>(), steps in proptest::collection::vec(any::<u64>(), 0..120)) {
            if let Ok(c) = run_cost(runtime, iterations, &steps) {
                prop_assert!(c >= 1);
            }
        }
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

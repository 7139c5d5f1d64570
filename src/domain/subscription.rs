//! A subscription's state as the domain sees it (R-SUB-1), and the
//! organisation's terms that restrict changes (R-ACC-6).

use crate::domain::catalog::PriceVersion;
use crate::domain::money::Money;
use crate::domain::period::Period;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Trialing,
    Active,
    PastDue,
    Canceled,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Trialing => "trialing",
            Status::Active => "active",
            Status::PastDue => "past_due",
            Status::Canceled => "canceled",
        }
    }

    pub fn parse(code: &str) -> Result<Status, String> {
        match code {
            "trialing" => Ok(Status::Trialing),
            "active" => Ok(Status::Active),
            "past_due" => Ok(Status::PastDue),
            "canceled" => Ok(Status::Canceled),
            other => Err(format!("unknown subscription status '{other}'")),
        }
    }
}

/// A downgrade waiting for the end of the period (R-SUB-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledChange {
    pub price: PriceVersion,
    pub seats: u32,
    pub effective: NaiveDate,
}

/// A trial of a higher plan (R-SUB-8). The paid subscription underneath goes
/// on unchanged and is what the customer returns to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trial {
    pub price: PriceVersion,
    pub started: NaiveDate,
    /// First day after the trial.
    pub ends: NaiveDate,
}

impl Trial {
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.ends - today).num_days().max(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub price: PriceVersion,
    pub seats: u32,
    pub anchor: NaiveDate,
    pub period: Period,
    pub status: Status,
    /// Last day + 1 of the commitment term, when it is longer than a period.
    pub commitment_end: Option<NaiveDate>,
    pub auto_renew: bool,
    pub scheduled: Option<ScheduledChange>,
    pub trial: Option<Trial>,
}

impl Subscription {
    pub fn amount(&self) -> Money {
        self.price.amount(self.seats)
    }

    pub fn next_billing_date(&self) -> NaiveDate {
        self.period.end
    }
}

/// The seats paid members may fill (R-SUB-7, R-SUB-10): seats bought, or
/// an enterprise contract's tier; Free has none to buy and no limit here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatLimit {
    Free,
    Bought(u32),
    ContractTier(u32),
}

impl SeatLimit {
    pub fn seats(self) -> Option<u32> {
        match self {
            SeatLimit::Free => None,
            SeatLimit::Bought(n) | SeatLimit::ContractTier(n) => Some(n),
        }
    }

    /// Whether one more paid member fits beside `paid`: seats are never
    /// fewer than the paid members.
    pub fn room_for_one_more(self, paid: u32) -> bool {
        self.seats().is_none_or(|n| paid < n)
    }
}

/// Contract terms of the organisation that restrict self-service changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgTerms {
    /// The partner's name when a partner manages the account.
    pub partner: Option<String>,
    pub plan_locked: bool,
    /// An enterprise contract billed manually by the vendor.
    pub manually_billed: bool,
    /// An invoice is unpaid past its payment attempts (R-PAY-2).
    pub past_due: bool,
}

/// One entry of a subscription's history (R-UI-2), derived from the state
/// before and after a change, so every path that saves a subscription (the
/// customer's changes, the clock, an operator's contract, dunning) writes
/// the same history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryEvent {
    Started {
        plan: String,
        seats: u32,
    },
    PlanChanged {
        from: String,
        to: String,
        seats: u32,
        upgrade: bool,
    },
    IntervalChanged {
        plan: String,
        annual: bool,
    },
    SeatsChanged {
        from: u32,
        to: u32,
    },
    ChangeScheduled {
        plan: String,
        seats: u32,
        effective: NaiveDate,
    },
    ScheduledDropped {
        plan: String,
    },
    TrialStarted {
        plan: String,
        ends: NaiveDate,
    },
    TrialEnded {
        plan: String,
    },
    AutoRenew {
        on: bool,
    },
    Renewed {
        start: NaiveDate,
        end: NaiveDate,
    },
    Canceled,
}

/// What changed from `before` to `after`, in the order a person reads it.
pub fn history(before: &Subscription, after: &Subscription) -> Vec<HistoryEvent> {
    use HistoryEvent as E;
    let mut out = Vec::new();
    let (b, a) = (&before.price, &after.price);
    if b.plan_id != a.plan_id {
        out.push(E::PlanChanged {
            from: b.plan_name.clone(),
            to: a.plan_name.clone(),
            seats: after.seats,
            upgrade: a.plan_rank > b.plan_rank,
        });
    } else if b.interval != a.interval {
        out.push(E::IntervalChanged {
            plan: a.plan_name.clone(),
            annual: a.interval == crate::domain::period::Interval::Annual,
        });
    } else if before.seats != after.seats {
        out.push(E::SeatsChanged {
            from: before.seats,
            to: after.seats,
        });
    } else if before.period.start != after.period.start {
        out.push(E::Renewed {
            start: after.period.start,
            end: after.period.last_day(),
        });
    }
    match (&before.scheduled, &after.scheduled) {
        (_, Some(s)) if before.scheduled.as_ref() != Some(s) => out.push(E::ChangeScheduled {
            plan: s.price.plan_name.clone(),
            seats: s.seats,
            effective: s.effective,
        }),
        // Carried out by the clock: the plan change says it.
        (Some(s), None) if s.price.id != a.id || s.seats != after.seats => {
            out.push(E::ScheduledDropped {
                plan: s.price.plan_name.clone(),
            })
        }
        _ => {}
    }
    match (&before.trial, &after.trial) {
        (None, Some(t)) => out.push(E::TrialStarted {
            plan: t.price.plan_name.clone(),
            ends: t.ends,
        }),
        (Some(t), None) => out.push(E::TrialEnded {
            plan: t.price.plan_name.clone(),
        }),
        _ => {}
    }
    if before.auto_renew != after.auto_renew {
        out.push(E::AutoRenew {
            on: after.auto_renew,
        });
    }
    if before.status != Status::Canceled && after.status == Status::Canceled {
        out.push(E::Canceled);
    }
    out
}

#[cfg(test)]
mod history_tests {
    use super::*;
    use crate::domain::money::{Currency, Money};
    use crate::domain::period::Interval;

    fn price(id: i64, plan: &str, rank: i32) -> PriceVersion {
        PriceVersion {
            id,
            plan_id: id,
            plan_name: plan.into(),
            plan_rank: rank,
            version: 1,
            currency: Currency::Sek,
            interval: Interval::Monthly,
            flat: Money::zero(Currency::Sek),
            per_seat: Money::new(29_900, Currency::Sek),
            min_seats: 1,
            seat_step: 1,
        }
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn sub() -> Subscription {
        Subscription {
            price: price(2, "Professional", 2),
            seats: 5,
            anchor: d(1, 25),
            period: Period {
                start: d(11, 25),
                end: d(12, 25),
            },
            status: Status::Active,
            commitment_end: None,
            auto_renew: true,
            scheduled: None,
            trial: None,
        }
    }

    #[test]
    fn each_change_is_one_entry() {
        let before = sub();
        assert_eq!(history(&before, &before), vec![]);
        let up = Subscription {
            price: price(3, "Business", 3),
            ..before.clone()
        };
        assert_eq!(
            history(&before, &up),
            vec![HistoryEvent::PlanChanged {
                from: "Professional".into(),
                to: "Business".into(),
                seats: 5,
                upgrade: true
            }]
        );
        let seats = Subscription {
            seats: 7,
            ..before.clone()
        };
        assert_eq!(
            history(&before, &seats),
            vec![HistoryEvent::SeatsChanged { from: 5, to: 7 }]
        );
        let off = Subscription {
            auto_renew: false,
            ..before.clone()
        };
        assert_eq!(
            history(&before, &off),
            vec![HistoryEvent::AutoRenew { on: false }]
        );
        let renewed = Subscription {
            period: Period {
                start: d(12, 25),
                end: NaiveDate::from_ymd_opt(2027, 1, 25).unwrap(),
            },
            ..before.clone()
        };
        assert_eq!(
            history(&before, &renewed),
            vec![HistoryEvent::Renewed {
                start: d(12, 25),
                end: NaiveDate::from_ymd_opt(2027, 1, 24).unwrap()
            }]
        );
    }

    #[test]
    fn a_scheduled_change_is_scheduled_then_carried_out_or_dropped() {
        let before = sub();
        let down = ScheduledChange {
            price: price(1, "Starter", 1),
            seats: 5,
            effective: d(12, 25),
        };
        let scheduled = Subscription {
            scheduled: Some(down.clone()),
            ..before.clone()
        };
        assert_eq!(
            history(&before, &scheduled),
            vec![HistoryEvent::ChangeScheduled {
                plan: "Starter".into(),
                seats: 5,
                effective: d(12, 25)
            }]
        );
        // Dropped by the customer: said so.
        assert_eq!(
            history(&scheduled, &before),
            vec![HistoryEvent::ScheduledDropped {
                plan: "Starter".into()
            }]
        );
        // Carried out at the boundary: the plan change says it, once.
        let applied = Subscription {
            price: price(1, "Starter", 1),
            period: Period {
                start: d(12, 25),
                end: NaiveDate::from_ymd_opt(2027, 1, 25).unwrap(),
            },
            ..before.clone()
        };
        assert_eq!(
            history(&scheduled, &applied),
            vec![HistoryEvent::PlanChanged {
                from: "Professional".into(),
                to: "Starter".into(),
                seats: 5,
                upgrade: false
            }]
        );
    }
}

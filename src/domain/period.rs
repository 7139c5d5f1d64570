//! Billing periods (R-SUB-2): monthly and annual cycles from an anchor date,
//! month-end clamping that remembers the anchor day, and the link between a
//! calendar date in the organisation's time zone and an instant.
//!
//! Periods are half-open date ranges `[start, end)` of whole local days, so a
//! day count is a date difference: daylight-saving changes cannot skew it.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Interval {
    Monthly,
    Annual,
}

impl Interval {
    pub fn months(self) -> u32 {
        match self {
            Interval::Monthly => 1,
            Interval::Annual => 12,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Interval::Monthly => "monthly",
            Interval::Annual => "annual",
        }
    }

    pub fn parse(code: &str) -> Result<Self, String> {
        match code {
            "monthly" => Ok(Interval::Monthly),
            "annual" => Ok(Interval::Annual),
            other => Err(format!("unknown interval '{other}': use monthly or annual")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    /// First day of the period.
    pub start: NaiveDate,
    /// First day after the period (the next period's start).
    pub end: NaiveDate,
}

impl Period {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Self {
        assert!(start < end, "a period ends after it starts");
        Period { start, end }
    }

    pub fn days(self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// The last day inside the period.
    pub fn last_day(self) -> NaiveDate {
        self.end.pred_opt().expect("date in range")
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.start <= day && day < self.end
    }

    /// Days from `day` to the end, `day` itself counting as remaining (R-SUB-6).
    pub fn remaining_from(self, day: NaiveDate) -> i64 {
        assert!(self.contains(day), "{day} is outside {self:?}");
        (self.end - day).num_days()
    }
}

/// The `n`-th boundary after `anchor`: the anchor's day of month, clamped to
/// the month's last day. It is computed from the anchor every time, so the
/// anchor day is remembered: 31 Jan → 28/29 Feb → 31 Mar.
pub fn boundary(anchor: NaiveDate, interval: Interval, n: u32) -> NaiveDate {
    anchor
        .checked_add_months(Months::new(interval.months() * n))
        .expect("date in range")
}

/// The period of a cycle anchored at `anchor` that contains `day`.
pub fn period_containing(anchor: NaiveDate, interval: Interval, day: NaiveDate) -> Period {
    assert!(day >= anchor, "{day} is before the anchor {anchor}");
    let months = (day.year() - anchor.year()) * 12 + day.month() as i32 - anchor.month() as i32;
    // Start from an estimate one period early and walk forward.
    let mut n = (months.max(0) as u32 / interval.months()).saturating_sub(1);
    loop {
        let start = boundary(anchor, interval, n);
        let end = boundary(anchor, interval, n + 1);
        if day < end {
            debug_assert!(start <= day);
            return Period::new(start, end);
        }
        n += 1;
    }
}

/// The instant a local calendar day begins in the organisation's time zone.
/// Whether `day` is from `today` to five years ahead: how far the test
/// clock looks (it steps period by period) and how long a goodwill grant
/// may last.
pub fn within_five_years(day: NaiveDate, today: NaiveDate) -> bool {
    let latest = today
        .checked_add_months(chrono::Months::new(60))
        .unwrap_or(NaiveDate::MAX);
    (today..=latest).contains(&day)
}

pub fn local_midnight(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        // A zone that skips midnight (a DST jump at 00:00) starts the day at
        // the first instant that exists, one hour later.
        chrono::LocalResult::None => tz
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .expect("an hour after a gap exists")
            .with_timezone(&Utc),
    }
}

/// The local calendar day of an instant in the organisation's time zone.
pub fn local_day(instant: DateTime<Utc>, tz: Tz) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn anchor_31_clamps_and_is_remembered() {
        let a = d(2026, 1, 31);
        assert_eq!(boundary(a, Interval::Monthly, 1), d(2026, 2, 28));
        assert_eq!(boundary(a, Interval::Monthly, 2), d(2026, 3, 31));
        assert_eq!(
            boundary(d(2028, 1, 31), Interval::Monthly, 1),
            d(2028, 2, 29)
        );
    }

    #[test]
    fn annual_renews_on_the_anchor_date() {
        assert_eq!(
            boundary(d(2026, 3, 15), Interval::Annual, 1),
            d(2027, 3, 15)
        );
        assert_eq!(
            boundary(d(2028, 2, 29), Interval::Annual, 1),
            d(2029, 2, 28)
        );
        assert_eq!(
            boundary(d(2028, 2, 29), Interval::Annual, 4),
            d(2032, 2, 29)
        );
    }

    #[test]
    fn period_containing_finds_the_cycle() {
        let p = period_containing(d(2026, 1, 25), Interval::Monthly, d(2026, 11, 7));
        assert_eq!(p, Period::new(d(2026, 10, 25), d(2026, 11, 25)));
        assert_eq!(p.days(), 31);
        assert_eq!(p.remaining_from(d(2026, 11, 7)), 18);
        let first = period_containing(d(2026, 1, 25), Interval::Monthly, d(2026, 1, 25));
        assert_eq!(first.start, d(2026, 1, 25));
    }

    #[test]
    fn stockholm_midnight_across_daylight_saving() {
        let tz: Tz = "Europe/Stockholm".parse().unwrap();
        // 29 March 2026 is 23 hours long in Stockholm; it is still one day.
        let start = local_midnight(d(2026, 3, 29), tz);
        let end = local_midnight(d(2026, 3, 30), tz);
        assert_eq!((end - start).num_hours(), 23);
        assert_eq!(Period::new(d(2026, 3, 29), d(2026, 3, 30)).days(), 1);
        assert_eq!(local_day(start, tz), d(2026, 3, 29));
        assert_eq!(
            local_day(end - chrono::Duration::seconds(1), tz),
            d(2026, 3, 29)
        );
    }

    proptest! {
        /// Over ten years of monthly anchors 1–31 (leap years included), every
        /// renewal date is later than the one before, in the next month, and on
        /// the anchor day or the month's last day: none skipped, none repeated.
        #[test]
        fn renewals_never_skip_or_repeat(year in 2020i32..2030, month in 1u32..=12, day in 1u32..=31) {
            let Some(anchor) = NaiveDate::from_ymd_opt(year, month, day) else { return Ok(()) };
            let mut prev = anchor;
            for n in 1..=120 {
                let next = boundary(anchor, Interval::Monthly, n);
                prop_assert!(next > prev);
                let months_apart = (next.year() - prev.year()) * 12 + next.month() as i32 - prev.month() as i32;
                prop_assert_eq!(months_apart, 1);
                let last_of_month = (next.with_day(1).unwrap() + Months::new(1)).pred_opt().unwrap();
                prop_assert_eq!(next.day(), day.min(last_of_month.day()));
                // Every day between two renewals belongs to exactly that period.
                let p = period_containing(anchor, Interval::Monthly, prev);
                prop_assert_eq!(p, Period::new(prev, next));
                prev = next;
            }
        }
    }
}

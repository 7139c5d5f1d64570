//! Demo data for an empty database (R-RUN-1): the catalog and one
//! organisation per interesting case, with logins for every role.
//! The data is `data`, writing it `demo`; `bulk` makes many
//! organisations for the clock's benchmark.

use crate::db::{flag, now_text, users, Db, Tx};
use crate::domain::money::Currency;
use crate::domain::period::{boundary, local_day, period_containing, Interval};
use crate::domain::subscription::HistoryEvent;
use crate::error::AppError;
use chrono::{DateTime, Duration, NaiveDate, Utc};

mod bulk;
mod data;
mod demo;

pub use bulk::bulk_subscriptions;
pub use data::{DEMO_LOGINS, DEMO_PASSWORD};
pub use demo::{print_demo_logins, seed_if_empty};

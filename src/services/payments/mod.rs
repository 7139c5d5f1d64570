//! Settling invoices (R-PAY-1…3): money received and credit notes are
//! allocated to the invoice they are for, up to what it still owes; the
//! rest becomes account balance, which later invoices use. Every caller
//! holds the organisation's lock (`guard` or the clock's chunk), so two
//! settlements of one invoice never both see it unpaid.
//!
//! Charging (R-PAY-2): an invoice of a card or PayPal organisation is
//! charged when it is issued, for what it still owes. Each charge is an
//! attempt numbered per invoice, first recorded as an intent under the
//! organisation's lock and committed; the provider is called after, outside
//! any transaction, with a key fixed for the attempt (the organisation, the
//! invoice number, the attempt's number), and the outcome recorded after
//! that. An unknown outcome (a timeout) is no decline: the intent stays
//! open and is asked again with the same key before any new attempt, so a
//! retry, a crash or a second server gets the provider's first answer
//! instead of a second charge. A
//! decline marks the organisation past due and e-mails the billing owner;
//! the clock retries on its schedule (`domain::payment::dunning`) and in the
//! end cancels to Free at the period end; any payment that leaves no failed
//! charge owed clears past due.

use crate::db::audit;
use crate::db::payments::{self, Chargeable, InstrumentRow, NewAttempt, NewPayment, Source};
use crate::db::{catalog, documents, orgs, subscriptions, Db, Tx};
use crate::domain::card::CardForm;
use crate::domain::money::{Currency, Money};
use crate::domain::party::{Acting, Party};
use crate::domain::payment::{
    dunning, invoice_payment_allowed, split, Charged, Decline, Dunning, PaymentMethodKind,
};
use crate::domain::period::{local_day, Interval};
use crate::domain::renewal::cancel_unpaid;
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::i18n::TextArg;
use crate::services::guard;
use crate::services::provider::{ChargeError, PaymentProvider};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::sync::Arc;

mod charge;
mod dunning;
mod methods;
mod settle;

pub use charge::*;
pub use dunning::*;
pub use methods::*;
pub use settle::*;

/// The payment provider and the retry schedule: what charging needs.
#[derive(Clone)]
pub struct Gateway {
    pub provider: Arc<dyn PaymentProvider>,
    /// Days after the first failed charge on which the clock tries again.
    pub retry_days: Vec<u32>,
    /// Days after its due date an unpaid invoice makes the organisation
    /// past due, whatever it pays with.
    pub overdue_days: u32,
}

impl Gateway {
    /// The built-in test provider on the default schedule (days 1, 3, 5, 7):
    /// the demo data's and the tests'.
    pub fn test() -> Gateway {
        Gateway {
            provider: Arc::new(crate::services::provider::TestProvider::default()),
            retry_days: crate::config::DEFAULT_RETRY_DAYS.to_vec(),
            overdue_days: crate::config::DEFAULT_OVERDUE_DAYS,
        }
    }

    /// The provider the configuration names, and its retry schedule. A
    /// real provider (Stripe) is one more arm here and one more
    /// `PaymentProvider`; services do not change.
    pub fn from_config(config: &crate::config::Config) -> Result<Gateway, String> {
        let provider: Arc<dyn PaymentProvider> = match config.payment_provider.as_str() {
            "test" => Arc::new(crate::services::provider::TestProvider::default()),
            other => {
                return Err(format!(
                    "PAYMENT_PROVIDER={other}: the built-in provider is `test`"
                ))
            }
        };
        Ok(Gateway {
            provider,
            retry_days: config.retry_days.clone(),
            overdue_days: config.overdue_days,
        })
    }
}

/// Why a charge was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    /// The invoice was just issued.
    Issue,
    /// The clock's retry schedule.
    Retry,
    /// The customer pressed *Retry now*.
    Customer,
}

impl Occasion {
    fn code(self) -> &'static str {
        match self {
            Occasion::Issue => "issue",
            Occasion::Retry => "retry",
            Occasion::Customer => "customer",
        }
    }
}

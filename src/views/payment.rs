//! The payment method (R-UI-6, R-PAY-1) and paying a failed invoice again
//! (R-PAY-2): card, PayPal or invoice, changed by the billing owner only.

use crate::domain::payment::PaymentMethodKind;
use crate::views::billing::FailedPayment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethodPage {
    pub kind: PaymentMethodKind,
    /// "Visa •••• 4242, 12/30", "PayPal (a@b.se)", "Invoice (bank transfer)".
    pub shown: String,
    /// Whether a card or PayPal agreement is saved to charge.
    pub chargeable: bool,
    /// Invoice payment: organisations in Sweden, annual subscriptions of
    /// 20 seats or more.
    pub invoice_allowed: bool,
    /// Only the billing owner changes it (R-ACC-5), and not in a
    /// partner-managed organisation (R-ACC-6): `refusal` says why not.
    pub editable: bool,
    pub refusal: Option<crate::i18n::Text>,
    pub billing_owner: Option<String>,
    /// What failed charges left owed.
    pub failed: Option<FailedPayment>,
    /// A fresh idempotency key for *Retry now*.
    pub action_key: String,
}

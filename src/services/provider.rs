//! The payment provider (R-PAY-2): saves a card and charges it. Services
//! talk to the `PaymentProvider` trait only, so a real provider (Stripe)
//! is one more implementation chosen by configuration. The built-in test
//! provider behaves like Stripe's test mode, by card number.

use crate::domain::card::{Card, CardShown};
use crate::domain::money::Money;
pub use crate::domain::payment::Decline;
use std::collections::HashMap;
use std::sync::Mutex;

/// A card the provider keeps: its token, and what may be shown of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCard {
    pub token: String,
    pub shown: CardShown,
}

/// A PayPal billing agreement the customer approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedAgreement {
    pub token: String,
    /// The PayPal account, as shown to the customer.
    pub payer: String,
}

/// Why a charge did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeError {
    /// The provider said no.
    Declined(Decline),
    /// No answer could be had (a timeout, a broken connection, the
    /// provider's own fault): the card may or may not have been charged.
    /// Never a decline: the charge is asked again with the same key.
    Unknown(String),
}

impl From<Decline> for ChargeError {
    fn from(d: Decline) -> ChargeError {
        ChargeError::Declined(d)
    }
}

#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync {
    /// Verifies and keeps a card; only its token comes back.
    async fn save_card(&self, card: &Card) -> Result<SavedCard, Decline>;
    /// Charges a kept card. The same `idempotency_key` never charges twice:
    /// it answers what the first attempt answered, which is also how an
    /// unknown outcome is found out.
    async fn charge(
        &self,
        token: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<String, ChargeError>;
    /// Starts a PayPal billing agreement: where to send the customer to
    /// approve it. They come back to `/billing/payment-method/paypal` with
    /// `approval`.
    async fn begin_paypal(&self, approval: &str) -> Result<String, Decline>;
    /// The agreement the customer approved.
    async fn finish_paypal(&self, approval: &str) -> Result<SavedAgreement, Decline>;
}

/// Stripe's test mode, by card number: 4242 4242 4242 4242 succeeds;
/// 4000 0000 0000 0002 is declined, …9995 for insufficient funds, …0069
/// expired, …0127 wrong CVC, …0119 a processing error; 4000 0000 0000 0341
/// is saved but every charge on it fails. Any other valid number succeeds.
#[derive(Default)]
pub struct TestProvider {
    charges: Mutex<HashMap<String, Result<String, Decline>>>,
}

fn decline_of(number: &str) -> Option<Decline> {
    match number {
        "4000000000000002" => Some(Decline::Generic),
        "4000000000009995" => Some(Decline::InsufficientFunds),
        "4000000000000069" => Some(Decline::ExpiredCard),
        "4000000000009987" => Some(Decline::LostCard),
        "4000000000009979" => Some(Decline::StolenCard),
        "4000000000000127" => Some(Decline::IncorrectCvc),
        "4000000000000119" => Some(Decline::ProcessingError),
        _ => None,
    }
}

const FAILS_LATER: &str = "4000000000000341";

#[async_trait::async_trait]
impl PaymentProvider for TestProvider {
    async fn save_card(&self, card: &Card) -> Result<SavedCard, Decline> {
        if let Some(decline) = decline_of(&card.number) {
            return Err(decline);
        }
        let behaviour = if card.number == FAILS_LATER {
            "fails"
        } else {
            "ok"
        };
        Ok(SavedCard {
            token: format!("tok_test_{behaviour}_{}", card.shown.last4),
            shown: card.shown.clone(),
        })
    }

    async fn charge(
        &self,
        token: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<String, ChargeError> {
        let mut charges = self
            .charges
            .lock()
            .map_err(|_| ChargeError::Unknown("the test provider's lock".into()))?;
        let answer = charges
            .entry(idempotency_key.to_string())
            .or_insert_with(|| match charge_behaviour(token) {
                _ if !amount.is_positive() => Err(Decline::Generic),
                Some(decline) => Err(decline),
                None => Ok(format!("ch_test_{}", charge_id(idempotency_key))),
            });
        answer.clone().map_err(ChargeError::Declined)
    }

    /// The test provider's approval page is the portal's own: a page that
    /// stands in for PayPal's, where the customer approves or cancels.
    async fn begin_paypal(&self, approval: &str) -> Result<String, Decline> {
        Ok(format!(
            "/billing/payment-method/paypal?approval={approval}"
        ))
    }

    async fn finish_paypal(&self, approval: &str) -> Result<SavedAgreement, Decline> {
        Ok(SavedAgreement {
            token: format!("B-TEST{}", charge_id(approval).to_uppercase()),
            payer: "sandbox-buyer@example.com".into(),
        })
    }
}

/// How charges on a test token go: `tok_test_ok_4242` and a PayPal
/// agreement (`B-TEST…`) succeed,
/// `tok_test_fails_0341` is declined, and `tok_test_<decline code>_<last4>`
/// (a saved card that later expired, was reported lost …) is declined with
/// that code.
fn charge_behaviour(token: &str) -> Option<Decline> {
    // An approved PayPal agreement is charged.
    if token.starts_with("B-TEST") {
        return None;
    }
    let behaviour = token
        .strip_prefix("tok_test_")
        .and_then(|t| t.rsplit_once('_'))
        .map_or("fails", |(b, _)| b);
    match behaviour {
        "ok" => None,
        code => Some(Decline::parse(code).unwrap_or(Decline::Generic)),
    }
}

/// A charge id derived from the idempotency key: the same key, the same id.
fn charge_id(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(key.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::card::CardForm;
    use crate::domain::money::Currency;
    use chrono::NaiveDate;

    fn card(number: &str) -> Card {
        CardForm {
            number: number.into(),
            expiry: "12/30".into(),
            cvc: "123".into(),
        }
        .validate(NaiveDate::from_ymd_opt(2026, 11, 16).unwrap())
        .unwrap()
    }

    fn kr(n: i64) -> Money {
        Money::new(n * 100, Currency::Sek)
    }

    #[tokio::test]
    async fn the_test_cards_behave_like_stripes_test_mode() {
        let p = TestProvider::default();
        let good = p.save_card(&card("4242424242424242")).await.unwrap();
        assert_eq!(good.shown.last4, "4242");
        assert!(p.charge(&good.token, kr(1250), "inv-1").await.is_ok());
        for (number, decline) in [
            ("4000000000000002", Decline::Generic),
            ("4000000000009995", Decline::InsufficientFunds),
            ("4000000000000069", Decline::ExpiredCard),
            ("4000000000000127", Decline::IncorrectCvc),
            ("4000000000000119", Decline::ProcessingError),
        ] {
            assert_eq!(p.save_card(&card(number)).await, Err(decline), "{number}");
        }
        let later = p.save_card(&card("4000000000000341")).await.unwrap();
        assert_eq!(
            p.charge(&later.token, kr(1250), "inv-2").await,
            Err(ChargeError::Declined(Decline::Generic))
        );
        assert_eq!(
            p.charge("tok_test_expired_card_0069", kr(1), "inv-3").await,
            Err(ChargeError::Declined(Decline::ExpiredCard))
        );
        assert_eq!(
            p.charge("tok_test_insufficient_funds_9995", kr(1), "inv-4")
                .await,
            Err(ChargeError::Declined(Decline::InsufficientFunds))
        );
        let agreement = p.finish_paypal("approval-1").await.unwrap();
        assert!(p.charge(&agreement.token, kr(1), "inv-5").await.is_ok());
        assert!(!Decline::ExpiredCard.retried_automatically());
        assert!(Decline::ProcessingError.retried_automatically());
    }

    #[tokio::test]
    async fn one_idempotency_key_charges_once() {
        let p = TestProvider::default();
        let good = p.save_card(&card("4242424242424242")).await.unwrap();
        let first = p.charge(&good.token, kr(100), "inv-7").await.unwrap();
        let again = p.charge(&good.token, kr(100), "inv-7").await.unwrap();
        assert_eq!(first, again);
        assert_eq!(p.charges.lock().unwrap().len(), 1);
    }
}

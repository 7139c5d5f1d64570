//! A payment card as the customer types it (R-PAY-1): number (Luhn),
//! expiry and CVC checked field by field; what is kept of it is only the
//! brand, the last four digits and the expiry. The number and CVC go to the
//! payment provider and are never stored.

use crate::domain::billing_details::FieldError;
use crate::i18n::Text;
use crate::msg;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardForm {
    pub number: String,
    /// `MM/YY` or `MM/YYYY`.
    pub expiry: String,
    pub cvc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Brand {
    Visa,
    Mastercard,
    Amex,
    Other,
}

impl Brand {
    pub fn name(self) -> &'static str {
        match self {
            Brand::Visa => "Visa",
            Brand::Mastercard => "Mastercard",
            Brand::Amex => "American Express",
            Brand::Other => "Card",
        }
    }

    fn of(digits: &str) -> Brand {
        let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
        match (prefix(1), prefix(2), prefix(4)) {
            (Some(4), ..) => Brand::Visa,
            (_, Some(34 | 37), _) => Brand::Amex,
            (_, Some(51..=55), _) => Brand::Mastercard,
            (.., Some(2221..=2720)) => Brand::Mastercard,
            _ => Brand::Other,
        }
    }
}

/// A card that passed the checks: the full number and CVC for the
/// provider, and what may be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub number: String,
    pub cvc: String,
    pub shown: CardShown,
}

/// All that is kept of a card: "Visa •••• 4242, 12/28".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardShown {
    pub brand: Brand,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: i32,
}

/// The Luhn check digit test.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

impl CardForm {
    /// Checks every field on `today` (a card is good through the last day
    /// of its expiry month) and names each one that is wrong.
    pub fn validate(&self, today: NaiveDate) -> Result<Card, Vec<FieldError>> {
        let mut errors = Vec::new();
        // Never `typed`: card numbers are not sent back to the page.
        let mut wrong = |field: &str, message: Text| {
            errors.push(FieldError {
                field: field.into(),
                message,
                typed: None,
            })
        };
        let number: String = self
            .number
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if number.is_empty() {
            wrong("number", msg!("field-required"));
        } else if !number.chars().all(|c| c.is_ascii_digit()) {
            wrong("number", msg!("card-digits-only"));
        } else if !(12..=19).contains(&number.len()) {
            wrong("number", msg!("card-length"));
        } else if !luhn(&number) {
            wrong("number", msg!("card-check-digit"));
        }
        let brand = Brand::of(&number);
        let expiry = parse_expiry(&self.expiry);
        match expiry {
            None => wrong("expiry", msg!("card-expiry-format")),
            Some((month, year)) if (year, month) < (today.year(), today.month()) => {
                wrong("expiry", msg!("card-expired"))
            }
            Some((_, year)) if year > today.year() + 20 => wrong("expiry", msg!("card-check-year")),
            Some(_) => {}
        }
        let cvc = self.cvc.trim().to_string();
        let cvc_len = if brand == Brand::Amex { 4 } else { 3 };
        if cvc.len() != cvc_len || !cvc.chars().all(|c| c.is_ascii_digit()) {
            wrong("cvc", msg!("card-cvc-digits", digits = cvc_len));
        }
        match (errors.is_empty(), expiry) {
            (true, Some((exp_month, exp_year))) => Ok(Card {
                shown: CardShown {
                    brand,
                    last4: number[number.len() - 4..].to_string(),
                    exp_month,
                    exp_year,
                },
                number,
                cvc,
            }),
            _ => Err(errors),
        }
    }
}

/// `MM/YY`, `MM/YYYY`, `MM YY` or `MMYY` → (month, full year).
fn parse_expiry(text: &str) -> Option<(u32, i32)> {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    let (m, y) = match digits.len() {
        4 => (&digits[..2], &digits[2..]),
        6 => (&digits[..2], &digits[2..]),
        _ => return None,
    };
    let month: u32 = m.parse().ok()?;
    let year: i32 = y.parse().ok()?;
    let year = if y.len() == 2 { 2000 + year } else { year };
    (1..=12).contains(&month).then_some((month, year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
    }

    fn form(number: &str, expiry: &str, cvc: &str) -> CardForm {
        CardForm {
            number: number.into(),
            expiry: expiry.into(),
            cvc: cvc.into(),
        }
    }

    fn fields(r: Result<Card, Vec<FieldError>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn the_test_cards_pass_and_only_brand_last_four_and_expiry_are_shown() {
        let card = form("4242 4242 4242 4242", "12/28", "123")
            .validate(today())
            .unwrap();
        assert_eq!(
            card.shown,
            CardShown {
                brand: Brand::Visa,
                last4: "4242".into(),
                exp_month: 12,
                exp_year: 2028
            }
        );
        for n in [
            "4000000000000002",
            "4000000000009995",
            "4000000000000069",
            "4000000000000127",
            "4000000000000119",
            "4000000000000341",
            "5555555555554444",
        ] {
            assert!(form(n, "12/28", "123").validate(today()).is_ok(), "{n}");
        }
        let amex = form("3782 822463 10005", "01/2030", "1234")
            .validate(today())
            .unwrap();
        assert_eq!(amex.shown.brand, Brand::Amex);
    }

    #[test]
    fn each_wrong_field_is_named() {
        assert_eq!(
            fields(form("4242 4242 4242 4241", "12/28", "123").validate(today())),
            ["number"]
        );
        assert_eq!(
            fields(form("4242424242424242", "10/26", "123").validate(today())),
            ["expiry"],
            "expired last month"
        );
        assert!(form("4242424242424242", "11/26", "123")
            .validate(today())
            .is_ok());
        assert_eq!(
            fields(form("4242424242424242", "13/28", "12").validate(today())),
            ["expiry", "cvc"]
        );
        assert_eq!(
            fields(form("", "", "").validate(today())),
            ["number", "expiry", "cvc"]
        );
        assert_eq!(
            fields(form("4242-4242-4242-424x", "12/28", "123").validate(today())),
            ["number"]
        );
    }

    proptest! {
        // A valid number with any one digit changed fails the Luhn check.
        #[test]
        fn one_mistyped_digit_is_caught(pos in 0usize..16, bump in 1u32..10) {
            let good = "4242424242424242";
            let mut digits: Vec<u32> = good.chars().map(|c| c.to_digit(10).unwrap()).collect();
            digits[pos] = (digits[pos] + bump) % 10;
            let bad: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assert!(!luhn(&bad));
        }

        #[test]
        fn validation_never_panics(number in ".{0,40}", expiry in ".{0,12}", cvc in ".{0,8}") {
            let _ = form(&number, &expiry, &cvc).validate(today());
        }
    }
}

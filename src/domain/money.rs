//! Money: integer minor units plus a currency. Fractions and rates are
//! `rust_decimal`; the only way back to money is [`round_to_minor`].

use crate::domain::locale::Locale;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    Sek,
    Eur,
    Nok,
    Usd,
}

impl Currency {
    pub const ALL: [Currency; 4] = [Currency::Sek, Currency::Eur, Currency::Nok, Currency::Usd];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Sek => "SEK",
            Currency::Eur => "EUR",
            Currency::Nok => "NOK",
            Currency::Usd => "USD",
        }
    }

    pub fn parse(code: &str) -> Result<Self, String> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| format!("unknown currency '{code}': use SEK, EUR, NOK or USD"))
    }

    /// Every supported currency has two decimals (öre, cents).
    pub fn minor_per_major(self) -> i64 {
        100
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Rounds an amount in minor units half away from zero: the one rounding rule
/// for every line amount, VAT amount and prorated charge.
pub fn round_to_minor(minor: Decimal) -> i64 {
    minor
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .expect("money amount out of range")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    /// An amount as a person types it: "1250", "1 250,50", "1250.50";
    /// never more decimals than the currency has, never negative.
    pub fn parse_major(text: &str, currency: Currency) -> Result<Money, String> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let wrong = || format!("{text}: write an amount such as 1250,00");
        let major: Decimal = cleaned.parse().map_err(|_| wrong())?;
        let minor = major
            .checked_mul(Decimal::from(currency.minor_per_major()))
            .ok_or_else(wrong)?;
        if minor.is_sign_negative() || minor.fract() != Decimal::ZERO {
            return Err(wrong());
        }
        let minor = i64::try_from(minor).map_err(|_| wrong())?;
        Ok(Money::new(minor, currency))
    }

    /// Whole major units, e.g. `Money::major(299, Sek)` is 299,00 kr.
    pub fn major(major: i64, currency: Currency) -> Self {
        Money::new(major * currency.minor_per_major(), currency)
    }

    pub fn minor(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    pub fn is_zero(self) -> bool {
        self.minor == 0
    }

    pub fn is_positive(self) -> bool {
        self.minor > 0
    }

    pub fn is_negative(self) -> bool {
        self.minor < 0
    }

    pub fn times(self, quantity: i64) -> Money {
        Money::new(self.minor * quantity, self.currency)
    }

    /// [`Money::times`] for amounts someone typed: `None` when it does not fit.
    pub fn checked_times(self, quantity: i64) -> Option<Money> {
        self.minor
            .checked_mul(quantity)
            .map(|minor| Money::new(minor, self.currency))
    }

    /// Multiplies by a fraction or rate and rounds once, to the minor unit.
    pub fn scale(self, factor: Decimal) -> Money {
        Money::new(
            round_to_minor(Decimal::from(self.minor) * factor),
            self.currency,
        )
    }

    pub fn min(self, other: Money) -> Money {
        self.assert_same(other);
        if other.minor < self.minor {
            other
        } else {
            self
        }
    }

    pub fn max(self, other: Money) -> Money {
        self.assert_same(other);
        if other.minor > self.minor {
            other
        } else {
            self
        }
    }

    fn assert_same(self, other: Money) {
        // Mixing currencies is a programming error, never a user input: every
        // computation runs in the one currency of its subscription.
        assert_eq!(
            self.currency, other.currency,
            "money of different currencies combined"
        );
    }

    pub fn to_decimal_major(self) -> Decimal {
        Decimal::new(self.minor, 2)
    }

    /// "1 234,50 kr" (sv) or "SEK 1,234.50" (en). Uses no-break spaces so an
    /// amount never wraps across lines.
    /// The amount without its currency, "1 984,00" (sv) or "1,984.00" (en),
    /// for columns whose header names the currency.
    pub fn format_number(self, locale: Locale) -> String {
        let abs = self.minor.unsigned_abs();
        let decimal = locale.decimal_separator();
        let sign = if self.minor < 0 { "-" } else { "" };
        format!(
            "{sign}{}{decimal}{:02}",
            locale.integer(abs / 100),
            abs % 100
        )
    }

    pub fn format(self, locale: Locale) -> String {
        let negative = self.minor < 0;
        let number = Money::new(self.minor.abs(), self.currency).format_number(locale);
        let sign = if negative { "-" } else { "" };
        match (locale, self.currency) {
            // Each Scandinavian language calls its own crown "kr".
            (Locale::Sv, Currency::Sek) | (Locale::Nb, Currency::Nok) => {
                format!("{sign}{number}\u{a0}kr")
            }
            (Locale::Sv | Locale::Nb, Currency::Eur) => format!("{sign}{number}\u{a0}€"),
            (Locale::Sv | Locale::Nb, Currency::Usd) => format!("{sign}{number}\u{a0}US$"),
            (Locale::Sv | Locale::Nb, c) => format!("{sign}{number}\u{a0}{}", c.code()),
            (Locale::En, Currency::Eur) => format!("{sign}€{number}"),
            (Locale::En, Currency::Usd) => format!("{sign}${number}"),
            (Locale::En, c) => format!("{sign}{}\u{a0}{number}", c.code()),
        }
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        self.assert_same(rhs);
        Money::new(self.minor + rhs.minor, self.currency)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        self.assert_same(rhs);
        Money::new(self.minor - rhs.minor, self.currency)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::new(-self.minor, self.currency)
    }
}

/// Sums amounts of one currency; `zero` names it when the list is empty.
pub fn sum(zero: Money, amounts: impl IntoIterator<Item = Money>) -> Money {
    amounts.into_iter().fold(zero, |acc, m| acc + m)
}

/// [`sum`] of amounts someone typed or a file gave: `None` when the sum
/// does not fit (instead of overflowing).
pub fn checked_sum(zero: Money, amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
    amounts.into_iter().try_fold(zero, |acc, m| {
        acc.assert_same(m);
        acc.minor
            .checked_add(m.minor)
            .map(|minor| Money::new(minor, acc.currency))
    })
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn amounts_as_people_type_them() {
        let sek = |m| Money::new(m, Currency::Sek);
        assert_eq!(Money::parse_major("1250", Currency::Sek), Ok(sek(125_000)));
        assert_eq!(
            Money::parse_major("1 250,50", Currency::Sek),
            Ok(sek(125_050))
        );
        assert_eq!(Money::parse_major("0.05", Currency::Sek), Ok(sek(5)));
        for wrong in ["1,005", "-3", "abc", "", "79228162514264337593543950335"] {
            assert!(Money::parse_major(wrong, Currency::Sek).is_err(), "{wrong}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_to_minor(dec!(2.5)), 3);
        assert_eq!(round_to_minor(dec!(-2.5)), -3);
        assert_eq!(round_to_minor(dec!(2.4999)), 2);
        assert_eq!(round_to_minor(dec!(0.5)), 1);
    }

    #[test]
    fn formats_swedish_english_and_norwegian() {
        let m = Money::new(123_450, Currency::Sek);
        assert_eq!(m.format(Locale::Sv), "1\u{a0}234,50\u{a0}kr");
        assert_eq!(m.format(Locale::En), "SEK\u{a0}1,234.50");
        // Norwegian writes its own crown "kr" and a Swedish one by its code.
        let nok = Money::new(123_450, Currency::Nok);
        assert_eq!(nok.format(Locale::Nb), "1\u{a0}234,50\u{a0}kr");
        assert_eq!(nok.format(Locale::Sv), "1\u{a0}234,50\u{a0}NOK");
        assert_eq!(m.format(Locale::Nb), "1\u{a0}234,50\u{a0}SEK");
        assert_eq!(Money::new(5, Currency::Eur).format(Locale::En), "€0.05");
        assert_eq!(
            Money::new(-100_000_000, Currency::Sek).format(Locale::Sv),
            "-1\u{a0}000\u{a0}000,00\u{a0}kr"
        );
    }

    #[test]
    fn scale_rounds_once() {
        let m = Money::major(299, Currency::Sek);
        assert_eq!(
            m.scale(Decimal::from(15) / Decimal::from(30)).minor(),
            14_950
        );
        assert_eq!(Money::new(1, Currency::Sek).scale(dec!(0.5)).minor(), 1);
    }

    #[test]
    #[should_panic(expected = "different currencies")]
    fn refuses_to_mix_currencies() {
        let _ = Money::major(1, Currency::Sek) + Money::major(1, Currency::Eur);
    }
}

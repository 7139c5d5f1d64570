//! VAT (R-INV-4): the seller is Swedish. The buyer's country and VAT number
//! decide the treatment; VAT is computed per rate on the sum of its lines.

use crate::i18n::Text;
use crate::msg;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub const SELLER_COUNTRY: &str = "SE";

/// EU member states by ISO 3166 code (Greece's VAT prefix is EL).
const EU: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Country(String);

impl Country {
    pub fn parse(code: &str) -> Result<Country, Text> {
        let c = code.trim().to_ascii_uppercase();
        if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
            Ok(Country(c))
        } else {
            Err(msg!("vat-not-a-country", code = code))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    pub fn is_eu(&self) -> bool {
        EU.contains(&self.0.as_str())
    }

    pub fn is_sweden(&self) -> bool {
        self.0 == SELLER_COUNTRY
    }

    pub fn vat_prefix(&self) -> &str {
        if self.0 == "GR" {
            "EL"
        } else {
            &self.0
        }
    }
}

/// An EU VAT number in its country's format: the country prefix and the
/// national part, e.g. SE556677889901.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VatNumber(String);

impl VatNumber {
    pub fn parse(raw: &str, country: &Country) -> Result<VatNumber, Text> {
        let v: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '.')
            .collect::<String>()
            .to_ascii_uppercase();
        if !country.is_eu() {
            return Err(msg!("vat-eu-only", country = country.code()));
        }
        let prefix = country.vat_prefix();
        let Some(national) = v.strip_prefix(prefix) else {
            return Err(msg!(
                "vat-prefix",
                country = country.code(),
                prefix = prefix
            ));
        };
        let digits = |n: usize| national.len() == n && national.chars().all(|c| c.is_ascii_digit());
        let ok = match prefix {
            "SE" => digits(12) && national.ends_with("01"),
            "DE" | "EE" | "PT" | "EL" => digits(9),
            "DK" | "FI" | "HU" | "LU" | "MT" | "SI" => digits(8),
            "PL" | "SK" | "HR" => digits(10) || (prefix == "HR" && digits(11)),
            "IT" | "LV" => digits(11),
            "BE" => digits(10),
            "LT" => digits(9) || digits(12),
            "BG" => digits(9) || digits(10),
            "CZ" => {
                (8..=10).contains(&national.len()) && national.chars().all(|c| c.is_ascii_digit())
            }
            "RO" => {
                (2..=10).contains(&national.len()) && national.chars().all(|c| c.is_ascii_digit())
            }
            "NL" => national.len() == 12 && national.as_bytes()[9] == b'B',
            "AT" => national.len() == 9 && national.starts_with('U'),
            // FR, ES, IE, CY mix letters and digits: check the length only.
            "FR" => national.len() == 11,
            "ES" | "IE" | "CY" => national.len() == 9 || (prefix == "IE" && national.len() == 8),
            _ => false,
        };
        if ok && national.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(VatNumber(v))
        } else {
            Err(msg!(
                "vat-not-valid",
                number = raw,
                country = country.code(),
                example = example(prefix)
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn example(prefix: &str) -> &'static str {
    match prefix {
        "SE" => "SE556677889901",
        "DE" => "DE123456789",
        "FI" => "FI12345678",
        "DK" => "DK12345678",
        "NL" => "NL123456789B01",
        _ => "the country prefix followed by the national number",
    }
}

/// A rate as printed: 0.25 → "25 %", 0.125 → "12.5 %".
pub fn percent(rate: Decimal) -> String {
    format!("{}\u{a0}%", (rate * Decimal::ONE_HUNDRED).normalize())
}

/// How VAT applies to one buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VatTreatment {
    /// Swedish VAT at 25 %.
    Domestic,
    /// An EU business outside Sweden: 0 %, the buyer accounts for VAT.
    ReverseCharge { buyer_vat: VatNumber },
    /// Outside the EU: 0 %, export of services.
    Export,
}

impl VatTreatment {
    pub fn for_buyer(country: &Country, vat_number: Option<&VatNumber>) -> VatTreatment {
        if country.is_sweden() {
            VatTreatment::Domestic
        } else if country.is_eu() {
            match vat_number {
                Some(v) => VatTreatment::ReverseCharge {
                    buyer_vat: v.clone(),
                },
                // Without a VAT number the buyer is treated as a consumer.
                None => VatTreatment::Domestic,
            }
        } else {
            VatTreatment::Export
        }
    }

    pub fn rate(&self) -> Decimal {
        match self {
            VatTreatment::Domestic => Decimal::new(25, 2),
            _ => Decimal::ZERO,
        }
    }

    /// The text the invoice must carry, if any.
    pub fn legal_note(&self) -> Option<&'static str> {
        match self {
            VatTreatment::Domestic => None,
            VatTreatment::ReverseCharge { .. } => {
                Some("Reverse charge / Omvänd betalningsskyldighet")
            }
            VatTreatment::Export => {
                Some("Export of services, outside the scope of Swedish VAT / Export av tjänst")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Country {
        Country::parse(s).unwrap()
    }

    #[test]
    fn rates_print_as_percent() {
        assert_eq!(percent(Decimal::new(25, 2)), "25\u{a0}%");
        assert_eq!(percent(Decimal::ZERO), "0\u{a0}%");
        assert_eq!(percent(Decimal::new(125, 3)), "12.5\u{a0}%");
    }

    #[test]
    fn swedish_buyer_pays_25_percent() {
        assert_eq!(
            VatTreatment::for_buyer(&c("se"), None).rate(),
            Decimal::new(25, 2)
        );
    }

    #[test]
    fn eu_buyer_with_vat_number_is_reverse_charged() {
        let vat = VatNumber::parse("DE 123 456 789", &c("DE")).unwrap();
        let t = VatTreatment::for_buyer(&c("DE"), Some(&vat));
        assert_eq!(t.rate(), Decimal::ZERO);
        assert_eq!(
            t.legal_note(),
            Some("Reverse charge / Omvänd betalningsskyldighet")
        );
    }

    #[test]
    fn buyer_outside_the_eu_is_export() {
        let t = VatTreatment::for_buyer(&c("NO"), None);
        assert_eq!(t, VatTreatment::Export);
        assert_eq!(t.rate(), Decimal::ZERO);
    }

    #[test]
    fn vat_number_formats_are_checked_per_country() {
        assert!(VatNumber::parse("SE556677889901", &c("SE")).is_ok());
        assert!(VatNumber::parse("SE5566778899", &c("SE")).is_err());
        assert!(VatNumber::parse("EL123456789", &c("GR")).is_ok());
        assert!(VatNumber::parse("FI1234567", &c("FI")).is_err());
        assert!(VatNumber::parse("NL123456789B01", &c("NL")).is_ok());
        let err = VatNumber::parse("123", &c("DE")).unwrap_err();
        assert!(err.to_string().contains("starts with DE"), "{err}");
        assert!(Country::parse("Sweden").is_err());
    }
}

//! Billing details (R-UI-6): who invoices are addressed to. Checked field by
//! field so the form can say what to fix next to each field.

use crate::domain::invoice::Buyer;
use crate::domain::text::{check, Lines};
use crate::domain::vat::{Country, VatNumber};
use crate::i18n::Text;
use crate::msg;
use serde::{Deserialize, Serialize};

/// The billing details form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BillingDetailsForm {
    pub legal_name: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub vat_number: String,
    pub invoice_email: String,
    /// The organisation number (the buyer's Peppol address in Sweden and
    /// Norway); optional.
    #[serde(default)]
    pub org_number: String,
}

/// An organisation number as typed, checked for its country: Sweden's ten
/// digits (or twelve, with the century) end in a Luhn check digit,
/// Norway's nine in a modulus-11 one; both are kept as digits. Elsewhere
/// it is kept as typed. Empty is none.
pub fn org_number(raw: &str, country: &Country) -> Result<Option<String>, Text> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let all_digits = digits.chars().all(|c| c.is_ascii_digit());
    match country.code() {
        "SE" => {
            // Only ASCII digits are sliced: a byte index into "1é…" would
            // fall inside a character.
            let ten = match digits.len() {
                12 if all_digits && ["16", "18", "19", "20"].contains(&&digits[..2]) => {
                    &digits[2..]
                }
                _ => digits.as_str(),
            };
            let ok = all_digits
                && ten.len() == 10
                && crate::domain::ocr::luhn_check_digit(&ten[..9])
                    == ten[9..].parse::<u32>().unwrap_or(99);
            if ok {
                Ok(Some(ten.to_string()))
            } else {
                Err(msg!("org-number-se", number = raw))
            }
        }
        "NO" => {
            let ok = all_digits && digits.len() == 9 && {
                let sum: u32 = digits
                    .chars()
                    .zip([3, 2, 7, 6, 5, 4, 3, 2])
                    .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
                    .sum();
                let check = match 11 - sum % 11 {
                    11 => Some(0),
                    10 => None,
                    c => Some(c),
                };
                check == digits[8..].parse::<u32>().ok()
            };
            if ok {
                Ok(Some(digits))
            } else {
                Err(msg!("org-number-no", number = raw))
            }
        }
        _ if raw.len() <= 30
            && raw
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || " -.".contains(ch)) =>
        {
            Ok(Some(raw.to_string()))
        }
        _ => Err(msg!("vat-characters")),
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: Text,
    /// What was typed, shown again beside the message (also when the form
    /// was posted without JavaScript); `None` for what must not travel back.
    pub typed: Option<String>,
}

fn required(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    let lines = if field == "address" {
        Lines::Many
    } else {
        Lines::One
    };
    if let Err(found) = check(v, lines) {
        errors.push(FieldError {
            field: field.into(),
            message: msg!(
                "error-control-character",
                field = field,
                code = found.code_point(),
                position = found.position
            ),
            typed: None,
        });
    } else if v.is_empty() {
        errors.push(FieldError {
            field: field.into(),
            message: msg!("field-required"),
            typed: Some(value.to_string()),
        });
    } else if v.chars().count() > max {
        errors.push(FieldError {
            field: field.into(),
            message: msg!("field-too-long", max = max),
            typed: Some(value.to_string()),
        });
    }
    v.to_string()
}

/// A plausible e-mail address: one `@`, something before it, a dot in the
/// domain, no spaces. Delivery is the real check.
pub fn email_ok(e: &str) -> bool {
    match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

impl BillingDetailsForm {
    /// The buyer these details describe, or every field's error at once.
    /// EU VAT numbers are checked against their country's format and stored
    /// normalised (SE556677889901); outside the EU the number is kept as
    /// typed, since no treatment depends on it (export).
    pub fn validate(&self) -> Result<Buyer, Vec<FieldError>> {
        let mut errors = Vec::new();
        let legal_name = required(&mut errors, "legal_name", &self.legal_name, 200);
        let address = required(&mut errors, "address", &self.address, 400);
        let postal_code = required(&mut errors, "postal_code", &self.postal_code, 20);
        let city = required(&mut errors, "city", &self.city, 100);
        let country = match Country::parse(&self.country) {
            Ok(c) => Some(c),
            Err(message) => {
                errors.push(FieldError {
                    field: "country".into(),
                    message,
                    typed: Some(self.country.clone()),
                });
                None
            }
        };
        let raw_vat = self.vat_number.trim();
        let vat_number = match (&country, raw_vat.is_empty()) {
            (_, true) | (None, _) => None,
            (Some(c), false) if c.is_eu() => match VatNumber::parse(raw_vat, c) {
                Ok(v) => Some(v.as_str().to_string()),
                Err(message) => {
                    errors.push(FieldError {
                        field: "vat_number".into(),
                        message,
                        typed: Some(raw_vat.to_string()),
                    });
                    None
                }
            },
            (Some(c), false) => {
                // An EU VAT number belongs to its own country: a Swedish
                // number with country US is a mistake in one of the two.
                let prefix: String = raw_vat
                    .chars()
                    .take(2)
                    .collect::<String>()
                    .to_ascii_uppercase();
                let eu_prefix = prefix == "EL"
                    || Country::parse(&prefix).is_ok_and(|p| p.is_eu() && p.vat_prefix() == prefix);
                if eu_prefix {
                    errors.push(FieldError {
                        field: "vat_number".into(),
                        message: msg!(
                            "vat-other-country",
                            number = raw_vat,
                            prefix = prefix.as_str(),
                            country = c.code()
                        ),
                        typed: Some(raw_vat.to_string()),
                    });
                } else if raw_vat.len() > 30
                    || !raw_vat
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || " -.".contains(ch))
                {
                    errors.push(FieldError {
                        field: "vat_number".into(),
                        message: msg!("vat-characters"),
                        typed: Some(raw_vat.to_string()),
                    });
                }
                Some(raw_vat.to_string())
            }
        };
        let org_number = match &country {
            Some(c) => match org_number(&self.org_number, c) {
                Ok(n) => n,
                Err(message) => {
                    errors.push(FieldError {
                        field: "org_number".into(),
                        message,
                        typed: Some(self.org_number.clone()),
                    });
                    None
                }
            },
            None => None,
        };
        let email = self.invoice_email.trim();
        let invoice_email = if email.is_empty() {
            None
        } else if email_ok(email) && email.len() <= 254 {
            Some(email.to_string())
        } else {
            errors.push(FieldError {
                field: "invoice_email".into(),
                message: msg!("field-not-an-email", email = email),
                typed: Some(email.to_string()),
            });
            None
        };
        match country {
            Some(c) if errors.is_empty() => Ok(Buyer {
                legal_name,
                address,
                postal_code,
                city,
                country: c.code().to_string(),
                vat_number,
                invoice_email,
                org_number,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> BillingDetailsForm {
        BillingDetailsForm {
            legal_name: "Acme AB".into(),
            address: "Storgatan 1".into(),
            postal_code: "111 22".into(),
            city: "Stockholm".into(),
            country: "se".into(),
            vat_number: "se 5566 7788 9901".into(),
            invoice_email: "faktura@acme.example".into(),
            org_number: "556036-0793".into(),
        }
    }

    fn fields(f: &BillingDetailsForm) -> Vec<String> {
        f.validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn valid_details_are_normalised() {
        let b = form().validate().unwrap();
        assert_eq!(b.country, "SE");
        assert_eq!(b.vat_number.as_deref(), Some("SE556677889901"));
        assert_eq!(b.invoice_email.as_deref(), Some("faktura@acme.example"));
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let f = BillingDetailsForm {
            legal_name: "  ".into(),
            vat_number: "SE123".into(),
            invoice_email: "faktura at acme".into(),
            ..form()
        };
        assert_eq!(fields(&f), ["legal_name", "vat_number", "invoice_email"]);
    }

    #[test]
    fn an_eu_vat_number_with_a_country_outside_the_eu_is_refused() {
        let f = BillingDetailsForm {
            country: "US".into(),
            vat_number: "SE556677889901".into(),
            ..form()
        };
        let err = f.validate().unwrap_err();
        assert_eq!(err[0].field, "vat_number");
        assert!(
            err[0].message.to_string().contains("country is US"),
            "{}",
            err[0].message
        );
        let no = BillingDetailsForm {
            country: "NO".into(),
            vat_number: "NO987654321MVA".into(),
            org_number: "987 654 325".into(),
            ..form()
        };
        assert!(no.validate().is_ok());
    }

    #[test]
    fn eu_vat_number_must_match_the_country() {
        let f = BillingDetailsForm {
            country: "DE".into(),
            vat_number: "SE556677889901".into(),
            ..form()
        };
        let err = f.validate().unwrap_err();
        assert_eq!(err[0].field, "vat_number");
        assert!(
            err[0].message.to_string().contains("starts with DE"),
            "{}",
            err[0].message
        );
        let ok = BillingDetailsForm {
            vat_number: "DE123456789".into(),
            ..f
        };
        assert_eq!(
            ok.validate().unwrap().vat_number.as_deref(),
            Some("DE123456789")
        );
    }

    #[test]
    fn outside_the_eu_the_number_is_kept_and_empty_is_fine() {
        let no = BillingDetailsForm {
            country: "NO".into(),
            vat_number: "NO 923 456 789 MVA".into(),
            org_number: "".into(),
            ..form()
        };
        assert_eq!(
            no.validate().unwrap().vat_number.as_deref(),
            Some("NO 923 456 789 MVA")
        );
        let none = BillingDetailsForm {
            vat_number: "".into(),
            invoice_email: "".into(),
            ..form()
        };
        let b = none.validate().unwrap();
        assert_eq!((b.vat_number, b.invoice_email), (None, None));
    }

    #[test]
    fn organisation_numbers_are_checked_by_their_country_and_kept_as_digits() {
        let se = Country::parse("SE").unwrap();
        let no = Country::parse("NO").unwrap();
        let de = Country::parse("DE").unwrap();
        assert_eq!(
            org_number("556036-0793", &se).unwrap().as_deref(),
            Some("5560360793")
        );
        assert_eq!(
            org_number("16 556036-0793", &se).unwrap().as_deref(),
            Some("5560360793")
        );
        // One digit wrong, or too short: the check digit says so.
        assert!(org_number("556036-0794", &se)
            .unwrap_err()
            .to_string()
            .contains("556036-0794"));
        assert!(org_number("55603607", &se).is_err());
        // Letters outside ASCII are refused, never sliced through.
        // Twelve bytes with é across bytes 1–2: once a panic in the slice.
        assert!(org_number("1é345678901", &se).is_err());
        assert!(org_number("92360901é", &no).is_err());
        assert_eq!(
            org_number("923 609 016", &no).unwrap().as_deref(),
            Some("923609016")
        );
        assert!(org_number("923609017", &no).is_err());
        assert!(org_number("92360901A", &no).is_err());
        assert_eq!(
            org_number("HRB 12345", &de).unwrap().as_deref(),
            Some("HRB 12345")
        );
        assert!(org_number("HRB <12345>", &de).is_err());
        assert_eq!(org_number("  ", &se).unwrap(), None);
        // On the form: normalised when right, named when wrong.
        assert_eq!(
            form().validate().unwrap().org_number.as_deref(),
            Some("5560360793")
        );
        let wrong = BillingDetailsForm {
            org_number: "556036-0794".into(),
            ..form()
        };
        assert_eq!(fields(&wrong), ["org_number"]);
    }

    #[test]
    fn country_must_be_a_two_letter_code() {
        let f = BillingDetailsForm {
            country: "Sverige".into(),
            ..form()
        };
        assert_eq!(fields(&f), ["country"]);
    }
}

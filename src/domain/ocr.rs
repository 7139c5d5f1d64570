//! OCR payment references (R-INV-5) as Bankgirot checks them: the reference
//! digits, a length digit (total length mod 10) and a Luhn mod-10 check digit.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OcrReference(String);

/// The Luhn mod-10 check digit for `digits` (weights 2,1,2,… from the right).
pub fn luhn_check_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .chars()
        .rev()
        .map(|c| c.to_digit(10).expect("digits only"))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let p = d * 2;
                p / 10 + p % 10
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

impl OcrReference {
    /// The reference for an invoice: its series number, then the length digit
    /// and the check digit.
    pub fn for_number(number: u64) -> OcrReference {
        let body = number.to_string();
        let length_digit = (body.len() + 2) % 10;
        let with_length = format!("{body}{length_digit}");
        let check = luhn_check_digit(&with_length);
        OcrReference(format!("{with_length}{check}"))
    }

    pub fn parse(raw: &str) -> Result<OcrReference, String> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if s.len() < 2 || s.len() > 25 || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err("an OCR reference is 2 to 25 digits".into());
        }
        let (rest, check) = s.split_at(s.len() - 1);
        if luhn_check_digit(rest) != check.parse::<u32>().expect("digit") {
            return Err(format!("OCR reference {s} has a wrong check digit"));
        }
        let length_digit = rest
            .chars()
            .last()
            .and_then(|c| c.to_digit(10))
            .expect("digit");
        if length_digit as usize != s.len() % 10 {
            return Err(format!("OCR reference {s} has a wrong length digit"));
        }
        Ok(OcrReference(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_luhn_values() {
        // The classic example: 7992739871 has check digit 3.
        assert_eq!(luhn_check_digit("7992739871"), 3);
    }

    #[test]
    fn reference_for_invoice_123() {
        // "123" + length digit 5 → "1235"; weights 2,1,2,1 from the right give
        // 1+3+4+1 = 9, so the check digit is 1.
        let ocr = OcrReference::for_number(123);
        assert_eq!(ocr.as_str(), "12351");
        assert!(OcrReference::parse("12351").is_ok());
        assert!(OcrReference::parse("12352").is_err());
        assert!(OcrReference::parse("1235 1").is_ok());
        // Right check digit, wrong length digit.
        let body = "1234";
        let bad = format!("{body}{}", luhn_check_digit(body));
        assert!(OcrReference::parse(&bad).unwrap_err().contains("length"));
    }

    proptest! {
        #[test]
        fn every_generated_reference_validates(n in 0u64..u64::MAX / 10) {
            let ocr = OcrReference::for_number(n);
            prop_assert_eq!(OcrReference::parse(ocr.as_str()), Ok(ocr.clone()));
            // One changed digit is always caught.
            let mut bytes = ocr.as_str().as_bytes().to_vec();
            bytes[0] = if bytes[0] == b'9' { b'1' } else { bytes[0] + 1 };
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(OcrReference::parse(&changed).is_err());
        }
    }
}

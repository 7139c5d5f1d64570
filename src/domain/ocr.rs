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
        OcrReference::for_body(number.to_string())
    }

    /// The reference for the invoice `seq` of `year`: the year, then the
    /// sequence number with at least six digits. The year always has four
    /// digits, so no two documents share a reference, however many a year
    /// has (2026 #1 000 000 is 20261000000, 2027 #0 is 2027000000).
    pub fn for_document(year: u32, seq: u64) -> OcrReference {
        OcrReference::for_body(format!("{year:04}{seq:06}"))
    }

    fn for_body(body: String) -> OcrReference {
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

    #[test]
    fn references_do_not_collide_past_a_million_documents_a_year() {
        let a = OcrReference::for_document(2026, 1_000_000);
        let b = OcrReference::for_document(2027, 0);
        assert_ne!(a, b);
        assert!(OcrReference::parse(a.as_str()).is_ok());
        // Below a million, the same references as before.
        assert_eq!(
            OcrReference::for_document(2026, 123),
            OcrReference::for_number(2_026_000_123)
        );
    }

    proptest! {
        #[test]
        fn document_references_are_unique(y1 in 2000u32..2100, s1 in 0u64..10_000_000, y2 in 2000u32..2100, s2 in 0u64..10_000_000) {
            prop_assume!((y1, s1) != (y2, s2));
            prop_assert_ne!(OcrReference::for_document(y1, s1), OcrReference::for_document(y2, s2));
        }

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

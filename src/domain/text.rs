//! The one rule for text that comes from outside (forms, the usage API, the
//! command line): no control characters. A NUL byte is refused by
//! PostgreSQL (failing the whole transaction it is in), a line break forges
//! log lines and breaks SIE records, and an invisible direction override
//! makes a name read differently on the invoice than in the database.
//! Only fields that hold several lines (an address) may carry line breaks.

/// Whether a field may hold several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// A character a text may not hold, and where (counted from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlCharacter {
    pub code: u32,
    pub position: usize,
}

impl ControlCharacter {
    /// `U+0000` as people who read Unicode tables write it.
    pub fn code_point(&self) -> String {
        format!("U+{:04X}", self.code)
    }
}

/// Unicode's explicit direction embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069): invisible, and they reorder what follows.
fn direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The rule: `Ok` when `value` holds no control character (C0, DEL, C1 or
/// a direction control), line breaks allowed where the field has `Lines::Many`.
pub fn check(value: &str, lines: Lines) -> Result<(), ControlCharacter> {
    for (i, c) in value.chars().enumerate() {
        let line_break = matches!(c, '\n' | '\r') && lines == Lines::Many;
        if (c.is_control() && !line_break) || direction_control(c) {
            return Err(ControlCharacter {
                code: c as u32,
                position: i + 1,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn control_characters_are_refused_with_where_they_are() {
        assert_eq!(check("Acme AB", Lines::One), Ok(()));
        assert_eq!(check("Åsa Öberg — 北京", Lines::One), Ok(()));
        assert_eq!(
            check("a\u{0}b", Lines::One),
            Err(ControlCharacter {
                code: 0,
                position: 2
            })
        );
        assert_eq!(
            check("x\u{7f}", Lines::Many).unwrap_err().code_point(),
            "U+007F"
        );
        assert_eq!(check("\u{85}", Lines::Many).unwrap_err().code, 0x85);
        assert_eq!(
            check("evil\u{202E}gpj.exe", Lines::One).unwrap_err().code,
            0x202E
        );
        assert_eq!(check("tab\there", Lines::Many).unwrap_err().code, 9);
    }

    #[test]
    fn line_breaks_only_where_a_field_has_lines() {
        assert_eq!(check("Storgatan 1\r\nBox 12", Lines::Many), Ok(()));
        assert_eq!(check("Acme\nAB", Lines::One).unwrap_err().code, 10);
        assert_eq!(check("Acme\rAB", Lines::One).unwrap_err().code, 13);
    }

    proptest! {
        /// Whatever passes has no character below U+0020 but line breaks.
        #[test]
        fn what_passes_is_printable(s in any::<String>()) {
            if check(&s, Lines::Many).is_ok() {
                let printable = s.chars().all(|c| c >= ' ' && c != '\u{7f}' || c == '\n' || c == '\r');
                prop_assert!(printable, "{:?}", s);
            }
            if check(&s, Lines::One).is_ok() {
                prop_assert!(!s.contains('\n') && !s.contains('\0'));
            }
        }
    }
}

//! The two languages of the portal and how dates read in each.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    /// Swedish first: the users' own help centres are Swedish and Norwegian.
    #[default]
    Sv,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }

    /// The language of documents to a buyer in `country`: Swedish to
    /// Swedish buyers, English to everyone else.
    pub fn for_buyer_country(country: &str) -> Locale {
        if country.eq_ignore_ascii_case("SE") {
            Locale::Sv
        } else {
            Locale::En
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        match code {
            "sv" => Some(Locale::Sv),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// "1 234 567" (sv, no-break spaces) or "1,234,567" (en).
    pub fn integer(self, n: u64) -> String {
        let sep = match self {
            Locale::Sv => '\u{a0}',
            Locale::En => ',',
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(sep);
            }
            out.push(ch);
        }
        out
    }

    fn month_abbr(self, month: u32) -> &'static str {
        const SV: [&str; 12] = [
            "jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.",
            "dec.",
        ];
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let i = (month - 1) as usize;
        match self {
            Locale::Sv => SV[i],
            Locale::En => EN[i],
        }
    }

    /// "7 nov. 2026" / "7 Nov 2026".
    pub fn date(self, d: NaiveDate) -> String {
        format!("{} {} {}", d.day(), self.month_abbr(d.month()), d.year())
    }

    /// "7 Nov – 24 Nov 2026": the year once when both ends share it.
    pub fn date_range(self, first: NaiveDate, last: NaiveDate) -> String {
        if first.year() == last.year() {
            format!(
                "{} {} – {}",
                first.day(),
                self.month_abbr(first.month()),
                self.date(last)
            )
        } else {
            format!("{} – {}", self.date(first), self.date(last))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 7).unwrap();
        let e = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(Locale::En.date_range(d, e), "7 Nov – 24 Nov 2026");
        assert_eq!(Locale::Sv.date(d), "7 nov. 2026");
    }
}

//! The three languages of the portal and how numbers and dates read in each.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    /// Swedish first: the users' own help centres are Swedish and Norwegian.
    #[default]
    Sv,
    En,
    /// Norwegian bokmål.
    Nb,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::Sv, Locale::En, Locale::Nb];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Sv => "sv",
            Locale::En => "en",
            Locale::Nb => "nb",
        }
    }

    /// The language's name in itself, for the language switcher.
    pub fn name(self) -> &'static str {
        match self {
            Locale::Sv => "Svenska",
            Locale::En => "English",
            Locale::Nb => "Norsk",
        }
    }

    /// The language of documents to a buyer in `country`: Swedish to
    /// Swedish buyers, Norwegian to Norwegian ones, English to everyone else.
    pub fn for_buyer_country(country: &str) -> Locale {
        match country.to_ascii_uppercase().as_str() {
            "SE" => Locale::Sv,
            "NO" => Locale::Nb,
            _ => Locale::En,
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The decimal separator: a comma in Swedish and Norwegian.
    pub fn decimal_separator(self) -> char {
        match self {
            Locale::Sv | Locale::Nb => ',',
            Locale::En => '.',
        }
    }

    /// "1 234 567" (sv, no-break spaces) or "1,234,567" (en).
    pub fn integer(self, n: u64) -> String {
        let sep = match self {
            Locale::Sv | Locale::Nb => '\u{a0}',
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
        const NB: [&str; 12] = [
            "jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.",
            "des.",
        ];
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let i = (month - 1) as usize;
        match self {
            Locale::Sv => SV[i],
            Locale::En => EN[i],
            Locale::Nb => NB[i],
        }
    }

    /// The day of the month as it stands before the month: "7" or, in
    /// Norwegian, the ordinal "7.".
    fn day(self, d: NaiveDate) -> String {
        match self {
            Locale::Nb => format!("{}.", d.day()),
            Locale::Sv | Locale::En => d.day().to_string(),
        }
    }

    /// "7 nov. 2026" / "7 Nov 2026" / "7. nov. 2026".
    pub fn date(self, d: NaiveDate) -> String {
        format!(
            "{} {} {}",
            self.day(d),
            self.month_abbr(d.month()),
            d.year()
        )
    }

    /// "7 Nov – 24 Nov 2026": the year once when both ends share it.
    pub fn date_range(self, first: NaiveDate, last: NaiveDate) -> String {
        if first.year() == last.year() {
            format!(
                "{} {} – {}",
                self.day(first),
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
        assert_eq!(Locale::Nb.date(d), "7. nov. 2026");
        assert_eq!(Locale::Nb.date_range(d, e), "7. nov. – 24. nov. 2026");
    }

    #[test]
    fn documents_speak_the_buyers_language() {
        assert_eq!(Locale::for_buyer_country("se"), Locale::Sv);
        assert_eq!(Locale::for_buyer_country("NO"), Locale::Nb);
        assert_eq!(Locale::for_buyer_country("DE"), Locale::En);
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.code()), Some(l));
        }
    }
}

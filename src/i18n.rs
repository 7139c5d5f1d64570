//! Swedish first, English second (R-UI-7). Strings sit where they are used,
//! as a pair, so a page reads in both languages at a glance.

use crate::domain::locale::Locale;

pub fn tr(locale: Locale, sv: &'static str, en: &'static str) -> &'static str {
    match locale {
        Locale::Sv => sv,
        Locale::En => en,
    }
}

//! Services: validate → load → decide (a domain call) → persist, inside one
//! transaction where anything is written.

pub mod auth;
pub mod bank;
pub mod billing;
pub mod bookkeeping;
pub mod catalog;
pub mod clock;
pub mod console;
pub mod contracts;
pub mod corrections;
pub mod credits;
pub mod documents;
pub mod guard;
pub mod mail;
pub mod members;
pub mod payments;
pub mod plan_change;
pub mod provider;
pub mod scope;
pub mod subscription;
pub mod tasks;
pub mod usage;

/// Free text a person typed (a reason, a name, a feature), trimmed: `min`
/// to `max` characters on one line, and the text rule (`domain::text`).
pub fn plain_text(
    field: &str,
    text: &str,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, crate::error::AppError> {
    let text = text.trim();
    let n = text.chars().count();
    if let Err(found) = crate::domain::text::check(text, crate::domain::text::Lines::One) {
        return Err(crate::error::AppError::control_character(field, &found));
    }
    if n < min || n > max {
        return Err(crate::error::AppError::invalid(
            field,
            format!("{what}, in {min} to {max} characters"),
        ));
    }
    Ok(text.to_string())
}

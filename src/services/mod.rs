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
/// to `max` characters and no control characters (PostgreSQL takes no NUL,
/// and no name or reason has a tab or an escape in it).
pub fn plain_text(
    field: &str,
    text: &str,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, crate::error::AppError> {
    let text = text.trim();
    let n = text.chars().count();
    if n < min || n > max || text.chars().any(char::is_control) {
        return Err(crate::error::AppError::invalid(
            field,
            format!("{what}, in {min} to {max} characters without control characters"),
        ));
    }
    Ok(text.to_string())
}

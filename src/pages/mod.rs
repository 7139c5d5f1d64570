//! Pages: render, call server functions, no business rules.

pub mod billing;
pub mod cancel;
pub mod login;
pub mod plan;

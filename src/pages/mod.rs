//! Pages: render, call server functions, no business rules.

pub mod billing;
pub mod login;

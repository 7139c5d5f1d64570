//! Pages: render, call server functions, no business rules.

pub mod api_keys;
pub mod billing;
pub mod billing_details;
pub mod cancel;
pub mod credits;
pub mod invoices;
pub mod login;
pub mod ops;
pub mod payment_method;
pub mod plan;
pub mod subscriptions;
pub mod team;

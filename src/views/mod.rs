//! The read models: what a query answers and a page shows, as plain
//! serializable data built of domain types. Query services build them
//! (for a customer's member or an operator alike), `api/` hands them to the
//! browser, pages render them. They depend on `domain` only, so services
//! never depend on `api/`, and both audiences share one shape of each page.

pub mod auth;
pub mod billing;
pub mod credits;
pub mod documents;
pub mod ops;
pub mod payment;
pub mod plan;
pub mod subscription;
pub mod team;

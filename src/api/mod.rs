//! Server functions, one file per feature: parse input, check the role,
//! call a service, map errors. Nothing here decides about money.

pub mod auth;
pub mod billing;
pub mod credits;
#[cfg(feature = "ssr")]
pub mod ctx;
pub mod documents;
#[cfg(feature = "ssr")]
pub mod documents_http;
pub mod ops;
#[cfg(feature = "ssr")]
pub mod ops_http;
pub mod payment;
pub mod plan;
pub mod subscription;
pub mod team;
#[cfg(feature = "ssr")]
pub mod usage;

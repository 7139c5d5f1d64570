//! Server functions, one file per feature: parse input, check the role,
//! call a service, map errors. Nothing here decides about money.

pub mod auth;
pub mod billing;
#[cfg(feature = "ssr")]
pub mod ctx;
pub mod plan;
pub mod subscription;

//! Services: validate → load → decide (a domain call) → persist, inside one
//! transaction where anything is written.

pub mod auth;
pub mod bank;
pub mod billing;
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
pub mod subscription;
pub mod tasks;
pub mod usage;

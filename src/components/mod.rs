//! Pieces shared by pages.

pub mod documents;
pub mod header;
pub mod page;
pub mod session;
pub mod usage_chart;

//! Pieces shared by pages.

pub mod header;
pub mod page;
pub mod usage_chart;

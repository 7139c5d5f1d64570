//! Pieces shared by pages.

pub mod header;

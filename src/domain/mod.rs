//! The billing core: every money decision of the product as pure functions.
//!
//! Nothing here touches a database, the network, the clock or randomness: time
//! comes in as an argument, so the preview, the confirmed change, the billing
//! clock and the API all run the same code and tests can pin any instant.

pub mod bgmax;
pub mod billing_details;
pub mod card;
pub mod catalog;
pub mod change;
pub mod contract;
pub mod correction;
pub mod credits;
pub mod invoice;
pub mod locale;
pub mod money;
pub mod ocr;
pub mod party;
pub mod payment;
pub mod period;
pub mod proration;
pub mod renewal;
pub mod roles;
pub mod sie;
pub mod subscription;
pub mod text;
pub mod vat;

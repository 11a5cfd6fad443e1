//! BagIt (RFC 8493): writing our bags and verifying anyone's.

pub mod verify;
pub mod write;

pub use verify::{Report, verify_bag};

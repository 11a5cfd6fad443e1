//! BagIt (RFC 8493): writing our bags (`write`, and `pack` for a bag of bags as a tar
//! stream) and verifying anyone's (`verify`). Below them: the tag file syntax (`tagfile`),
//! the path rules (`paths`), the bag on disk (`walk`) and the checksums (`hash`).

mod hash;
pub mod pack;
mod paths;
mod report;
mod tagfile;
pub mod verify;
mod walk;
pub mod write;

pub use report::Report;
pub use verify::verify_bag;

//! okno: the records of the Novosibirsk region's interagency procedure for early detection of
//! family trouble, turned into checked cases, official forms and a provable archive.
//!
//! Stages, one module each, data flowing one way:
//! `ingest` (files → `Case` + source map) → `validate` (`&Case` → diagnostics) → outputs.
//! `layout` describes the spreadsheets, `catalog` the seed's texts, `model` the case.

pub mod archive;
pub mod bagit;
pub mod batch_report;
pub mod catalog;
pub mod diagnostic;
pub mod error;
pub mod forms;
pub mod ingest;
pub mod layout;
pub mod model;
pub mod output;
pub mod periodic;
pub mod pipeline;
pub mod portable_zip;
pub mod render;
pub mod report;
pub mod run;
pub mod synth;
pub mod template;
pub mod validate;

pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;
pub use model::Case;

//! okno: the records of the Novosibirsk region's interagency procedure for early detection of
//! family trouble, turned into checked cases, official forms and a provable archive.
//!
//! Stages, one module each, data flowing one way:
//! `ingest` (files → `Case` + source map) → `validate` (`&Case` → diagnostics) → outputs.
//! `sheet_layouts` describes the spreadsheets, `catalog` the seed's texts, `model` the case.

pub mod annotate;
pub mod archive;
pub mod bagit;
pub mod batch_report;
pub mod blank_workbooks;
pub mod catalog;
pub mod diagnostic;
pub mod doc;
pub mod error;
pub mod files;
pub mod forms;
pub mod ingest;
pub mod model;
pub mod periodic;
pub mod pipeline;
pub mod pool;
pub mod portable_zip;
pub mod printable;
pub mod render;
pub mod report;
pub mod run;
pub mod safe_path;
pub mod serve;
pub mod sheet_layouts;
pub mod synth;
pub mod validate;

pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;
pub use model::Case;

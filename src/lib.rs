//! okno: the records of the Novosibirsk region's interagency procedure for early detection of
//! family trouble, turned into checked cases, official forms and a provable archive.
//!
//! The modules in layers, bottom first; each names only modules of lower layers
//! (docs/DESIGN.md draws them, tests/module_map.rs keeps them):
//! 1. plumbing: `error`, `diagnostic`, `safe_path`, `files`, `pool`, `printable`,
//!    `portable_zip`, `text`;
//! 2. `catalog` (the seed's texts); 3. `model` (the case);
//! 4. `sheet_layouts` (the spreadsheets);
//! 5. the stages: `ingest` (files → `Case` + where each value came from), `validate`
//!    (`&Case` → diagnostics), `forms` and `render` (documents and their writers);
//! 6. `workbooks`, `bagit`, `synth` (test data, feature `synth`); 7. `archive`;
//! 8. the engine: `run`; 9. over the archive: `report`,
//!    `annotate`; 10. the page: `serve`.

// 1
pub mod diagnostic;
pub mod error;
pub mod files;
pub mod pool;
pub mod portable_zip;
pub mod printable;
pub mod safe_path;
pub mod text;
// 2–4
pub mod catalog;
pub mod doc;
pub mod model;
pub mod sheet_layouts;
// 5
pub mod forms;
pub mod ingest;
pub mod render;
pub mod validate;
// 6–7
pub mod archive;
pub mod bagit;
pub mod index;
#[cfg(feature = "synth")]
pub mod synth;
pub mod workbooks;
// 8–10
pub mod annotate;
pub mod report;
pub mod run;
pub mod serve;

pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;
pub use model::Case;

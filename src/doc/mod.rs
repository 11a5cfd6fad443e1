//! The document tree every form is built as (`tree`, re-exported here), and its fitting to
//! the page (`fit`), measured with the embedded fonts (`fonts`, `measure`). Like pandoc's AST
//! it sits below both its readers (`forms`, the quarter's summary) and its writers
//! (`render`): they meet here and never name each other.

pub mod fit;
mod fonts;
pub mod measure;
mod tree;

pub use tree::*;

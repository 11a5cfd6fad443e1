//! The archive's index: one SQLite file in the archive folder (`.okno-index.sqlite`), derived
//! from the bags, which stay the record. `archive` writes a case version's row right after its
//! bag is in place, catches up what a crash left out when it opens, and rebuilds the file from
//! the bags (`okno index`); everything that lists, searches or counts the archive reads it here.
//!
//! All the SQL of okno lives in this module and keeps to what PostgreSQL runs too (standard
//! types, `ON CONFLICT … DO UPDATE`, no SQLite functions in queries; parameters as `?N`), so a
//! regional server could run the same statements (docs/DESIGN.md, «The index»).

mod case;
mod deadlines;
mod known;
mod list;
mod quarter;
mod row;
mod schema;
mod search;
mod store;
mod territory;

pub use case::{Related, Relation};
pub use deadlines::{DueFilter, DueItem};
pub use known::{
    Candidate, Child, DECISIONS_FILE, Decided, Decision, Decisions, Likeness, Match, decide,
    decisions_path, diagnostics as known_diagnostics, known_links, matches as known_matches,
};
pub use list::{Ask, Deadlines, Filter, Listed, Listing, NextDue, PAGE, Sort};
pub use quarter::QuarterRow;
pub use row::{DueRow, QuarterFacts, Row, STATES, Who, child_key, family_key, name_words};
pub use schema::SCHEMA_VERSION;
pub use search::{Found, Hit, PAGE as SEARCH_PAGE};
pub use store::{Error, FILE, Index, Result, Scope};

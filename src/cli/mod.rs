//! The subcommands, one file each (xsv's shape): each turns its arguments into a call of the
//! library and prints what came of it. Their errors go back to `main`, which prints them once.
//! What a run tells is shown here (`text`, `report`), and its exit status decided (`exit`).

pub mod archive;
pub mod args;
pub mod batch;
pub mod demo;
pub mod exit;
pub mod export;
pub mod layout;
pub mod log;
pub mod quarter;
pub mod render;
pub mod report;
pub mod schema;
pub mod serve;
pub mod template;
pub mod term;
pub mod text;
pub mod user;
pub mod validate;
pub mod verify;

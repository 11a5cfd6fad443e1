//! Reports over the archive: the two logs of the procedure and the quarterly monitoring run
//! with its summary for the commission. They read the newest version of each case bag
//! (`crate::archive`). `fold` is the quarter's model and counts, `summary` the summary as one
//! document (PDF, DOCX and XLSX through the writers), `quarter` and `logs` the jobs.

mod error;
mod figures;
mod fold;
mod logs;
mod quarter;
mod summary;

pub use error::Error;
pub use figures::{Counts, QuarterFigures};
pub use fold::{
    ActiveRow, Breach, Flow, Inflow, MonitoringState, NO_TERRITORY, Quarter, QuarterFold,
    QuarterReport, TerritoryRow, Waiting, active_in, current_level, monitoring_state, plan_only,
    quarter, received_on, rule_meaning, rule_with_meaning,
};
pub use logs::{LogDone, log_preview, run_log};
pub use quarter::{
    QuarterDone, Written, quarter_forms, quarter_report, quarter_view, run_quarter,
    run_quarter_seen, territory_arg, write_summary,
};
pub use summary::{summary_document, summary_name};

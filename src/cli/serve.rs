//! `okno serve`: the page, in this process until interrupted.

use super::args::ServeArgs;
use okno::error::{Error, Result};
use okno::model::Date;
use okno::serve::{self, Config};
use std::time::Duration;

pub fn run(args: ServeArgs, today: Option<Date>) -> Result<()> {
    let cfg = Config {
        archive: args.archive.unwrap_or_else(serve::default_archive),
        listen: args.listen,
        hosts: args.hosts,
        open_browser: !args.no_browser,
        max_upload: args.max_upload_mb << 20,
        max_unzipped: args.max_unzipped_mb << 20,
        today: today.map(|d| d.0),
        max_connections: args.max_connections,
        header_timeout: Duration::from_secs(args.header_timeout_s.max(1)),
        body_timeout: Duration::from_secs(args.body_timeout_s.max(1)),
    };
    serve::serve(cfg).map_err(|e| Error::Usage(e.to_string()))
}

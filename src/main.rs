//! The `okno` command line: parse, run the subcommand (`cli/`), print its error once and exit
//! with the error's status. Everything else is the library's. Messages for users are Russian.

mod cli;

use clap::Parser;
use cli::args::{Cli, Command};
use cli::term::errln;
use okno::model::Date;
use okno::validate::Settings;
use std::process::ExitCode;

// Typst allocates and frees a lot per document; mimalloc hands memory back more readily
// than the system allocator, which keeps long batches small.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // No transparent huge pages: the allocator asks for them, and every fresh 2 MiB page is
    // zeroed whole and kept resident, which in a long batch costs both time and memory.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    // Started with no arguments (a double click on Windows): the page.
    let cli = if std::env::args_os().len() == 1 {
        Cli::parse_from(["okno", "serve"])
    } else {
        Cli::parse()
    };
    // A command's output piped into `head` or a closed pager ends it quietly, as with any
    // Unix tool, rather than with a panic on the next line printed. Not the page: it writes
    // to sockets, and a browser that goes away must not end it.
    #[cfg(unix)]
    if !matches!(cli.command, Command::Serve(_)) {
        // SAFETY: restoring the default action of one signal, before any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let today = cli
        .today
        .unwrap_or_else(|| Date(chrono::Local::now().date_naive()));
    let settings = Settings { today: today.0 };
    let result = match cli.command {
        Command::Validate(a) => cli::validate::run(a, &settings),
        Command::Render(a) => cli::render::run(a, &settings),
        Command::Archive(a) => cli::archive::run(a, &settings),
        Command::Verify(a) => cli::verify::run(a),
        Command::Index(a) => cli::verify::index(a),
        Command::Export(a) => cli::export::run(a, &settings),
        Command::Batch(a) => cli::batch::run(a, &settings),
        Command::Quarter(a) => cli::quarter::run(a, &settings),
        Command::Log(a) => cli::log::run(a),
        Command::Schema => cli::schema::run(),
        Command::Layout => cli::layout::run(),
        Command::Template(a) => cli::template::run(a),
        Command::Demo(a) => cli::demo::run(a, &settings),
        Command::Serve(a) => cli::serve::run(a, cli.today),
        Command::User(a) => cli::user::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            errln!("okno: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

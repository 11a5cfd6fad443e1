//! What the tests that run the `okno` binary share.
#![allow(dead_code)] // each test file uses its own part of this

pub mod browser;
pub mod forms;
pub mod serve;
pub mod synth_archive;

use std::path::Path;
use std::process::{Command, Output};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `okno --today 2026-11-24 ARGS…` in the repository, as a secretary would.
pub fn okno(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(["--today", "2026-11-24"])
        .args(args)
        .current_dir(root())
        .output()
        .expect("run okno")
}

/// `okno archive INPUTS… --archive ARCH` (inputs relative to the repository or absolute);
/// fails the test with okno's own message when the run does not succeed.
pub fn archive_into(arch: &Path, inputs: &[&str]) {
    let mut args = vec!["archive"];
    args.extend_from_slice(inputs);
    args.extend(["--archive", arch.to_str().expect("a UTF-8 path")]);
    let o = okno(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "okno archive {inputs:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Whether python3 can import `module` (openpyxl, bagit): tests of outside tools need them.
pub fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

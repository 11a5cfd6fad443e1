//! What the benchmarks that run the `okno` binary share: the sizes asked for, and a child
//! process timed with its peak RSS and CPU time from the kernel (wait4).
#![allow(dead_code)] // each bench uses its own part of this

use std::process::Command;
use std::time::Instant;

/// The sizes on the command line (`-- 1000 10000`), or `default`.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        default.to_vec()
    } else {
        sizes
    }
}

/// A finished child: wall time, peak RSS, CPU time, exit status.
pub struct Measured {
    pub secs: f64,
    pub peak_rss_mb: i64,
    pub user_secs: f64,
    pub sys_secs: f64,
    pub exit: i32,
}

/// Runs `cmd` (its stdout discarded) and measures it.
pub fn measure(cmd: &mut Command) -> Measured {
    measure_to(cmd, std::process::Stdio::null())
}

/// Runs `cmd` with its stdout sent to `stdout` (e.g. a file, to read what it printed) and
/// measures it.
pub fn measure_to(cmd: &mut Command, stdout: std::process::Stdio) -> Measured {
    let t = Instant::now();
    // Reaped by wait4 below, which also gives its rusage.
    #[allow(clippy::zombie_processes)]
    let child = cmd.stdout(stdout).spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; zeroed is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child; usage is a valid out-pointer.
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    Measured {
        secs: t.elapsed().as_secs_f64(),
        peak_rss_mb: usage.ru_maxrss / 1024,
        user_secs: cpu(usage.ru_utime),
        sys_secs: cpu(usage.ru_stime),
        exit: libc::WEXITSTATUS(status),
    }
}

/// CPU seconds: with wall time, tells a slower machine (same CPU, longer wall) from slower code.
fn cpu(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

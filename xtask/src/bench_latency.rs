//! The latency section of `cargo xtask bench`: the sandbox answers every request after
//! `LATENCY_MS`, as real SaaS APIs do, and tests/clients/bench/bench_latency.py runs key lookups,
//! a table read once per parent and a paged scan with one request at a time (the baseline) and
//! with the driver's default concurrency, printing requests, wall time and the sequential floor
//! (requests x latency) side by side.

use std::path::Path;
use std::time::Duration;

use crate::cmd::{self, RunOpts};
use crate::install;
use crate::sandbox::Sandbox;

const LATENCY_MS: &str = "100";
const RECORDS: &str = "5000";

/// The section's table, or why it could not be measured.
pub fn report(driver: &Path, sandbox_binary: &Path) -> Result<String, String> {
    let sandbox = Sandbox::start(
        sandbox_binary,
        &[
            "--listen",
            "127.0.0.1:0",
            "--records",
            RECORDS,
            "--seed",
            "1",
            "--latency-ms",
            LATENCY_MS,
            // What is measured is waiting for answers, not the advertised rate limit.
            "--rate-limit",
            "1000000",
        ],
    )?;
    let mut command = std::process::Command::new(install::venv_python());
    command
        .arg(cmd::repo_root().join("tests/clients/bench/bench_latency.py"))
        .current_dir(cmd::repo_root())
        .env("APIODBC_DRIVER_PATH", driver)
        .env("APIODBC_BENCH_SANDBOX", &sandbox.base_url)
        .env("APIODBC_BENCH_LATENCY_MS", LATENCY_MS);
    let out = cmd::run(
        &mut command,
        RunOpts {
            timeout: Some(Duration::from_secs(600)),
            ..RunOpts::default()
        },
    );
    drop(sandbox);
    if !out.success() {
        return Err(format!("bench_latency.py failed ({})", out.describe_exit()));
    }
    Ok(format!(
        "latency: the sandbox answers after {LATENCY_MS} ms, {RECORDS} records per table; \
         baseline MaxConcurrentRequests=1\n{}",
        out.text
            .lines()
            .filter(|l| l.starts_with("  "))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

//! The latency section of `cargo xtask bench`: the sandbox answers every request after
//! `LATENCY_MS`, as real SaaS APIs do, and tests/clients/bench/bench_latency.py runs key lookups,
//! a table read once per parent and a paged scan with one request at a time (the baseline) and
//! with the driver's default concurrency, printing requests, wall time and the sequential floor
//! (requests x latency) side by side. Its rate-limit part runs processes that share one
//! account's budget against processes that each keep their own, against a limiting sandbox.

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

/// The rate-limit section: 4 processes read one account for `RATE_SECONDS` against a sandbox
/// that allows 20 requests per 2 s, sharing the budget (the default) and each on its own (the
/// baseline); tests/clients/python/soak_rate_budget.py prints one summary line per run.
pub fn rate_report(driver: &Path, sandbox_binary: &Path) -> Result<String, String> {
    const RATE_SECONDS: &str = "20";
    let mut lines = Vec::new();
    for sharing in ["PROCESS", "MACHINE"] {
        let mut command = std::process::Command::new(install::venv_python());
        command
            .arg(cmd::repo_root().join("tests/clients/python/soak_rate_budget.py"))
            .current_dir(cmd::repo_root())
            .env("APIODBC_SANDBOX_BIN", sandbox_binary)
            .env("APIODBC_DRIVER", format!("{{{}}}", driver.display()))
            .env("APIODBC_SOAK_WORKERS", "4")
            .env("APIODBC_SOAK_SECONDS", RATE_SECONDS)
            .env("APIODBC_RATE_SHARING", sharing);
        let out = cmd::run(
            &mut command,
            RunOpts {
                timeout: Some(Duration::from_secs(900)),
                ..RunOpts::default()
            },
        );
        let summary = crate::clients::soak_summary(&out.text, "RATE SOAK").ok_or_else(|| {
            format!(
                "soak_rate_budget.py printed no summary ({})",
                out.describe_exit()
            )
        })?;
        // The baseline is expected to draw 429s; its FAIL is the figure, not a failure.
        let figures = summary.split_once(": ").map_or(summary, |(_, f)| f);
        lines.push(format!("  {figures}"));
    }
    Ok(format!(
        "rate limit: 20 requests per 2 s, 4 processes; baseline RateLimitSharing=PROCESS\n{}",
        lines.join("\n")
    ))
}

//! `cargo xtask bench`: builds the release driver and the benchmark examples once, runs each
//! benchmark's examples as separate processes (best of N runs, one run of each example in turn so
//! that a slow minute of a shared machine falls on all of them alike), checks that the runs of a
//! suite saw the same data (checksums) and prints rows/s, the ratio to the suite's baseline (of
//! the best runs, with the aim, and of the medians), and peak RSS. Speed is printed, never asserted: only a failed run or a checksum
//! mismatch (a correctness problem) fails the command.
//!
//! Each example prints one line `bench=<name> rows=… seconds=… rows_per_sec=… peak_rss_mb=…
//! checksum=…`. A new benchmark (the REST one of issue 3) is one more [`Suite`] in [`suites`]; a
//! suite that needs a running service (the sandbox) starts it in its `prepare` hook and hands its
//! address to the examples as environment variables.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Duration;

use crate::cmd::{self, RunOpts};
use crate::install;
use crate::sandbox::{self, Sandbox};

const USAGE: &str = "\
usage: cargo xtask bench [--runs N] [--rows N]

  --runs N   runs per example; the fastest counts (default 3; the fetch suite, whose runs
             take a fraction of a second, makes at least 9)
  --rows N   rows the fetch benchmark's query produces (default 1000000)";

/// One measured program: an example of the root package, or a Python script.
struct Entry {
    /// Row label in the table.
    label: &'static str,
    /// `examples/<example>.rs`, or with [`Program::Python`] the script's path from the repo root.
    example: &'static str,
    program: Program,
}

/// How an [`Entry`] is run.
#[derive(Clone, Copy, PartialEq)]
enum Program {
    /// The release build of the example.
    Example,
    /// The script, with the venv's python (pyodbc).
    Python,
}

/// What a suite's `prepare` hook hands to its examples; dropping it ends whatever it started.
#[derive(Default)]
struct Stage {
    env: Vec<(String, String)>,
    /// Kept alive for the suite's runs (a sandbox process, a temporary directory, ...).
    #[allow(dead_code)]
    guard: Option<Box<dyn std::any::Any>>,
}

/// A suite's `prepare` hook.
type PrepareFn = fn(&Context) -> Result<Stage, String>;

/// A benchmark: a baseline and the path measured against it, run on the same data.
struct Suite {
    title: String,
    baseline: Entry,
    measured: Entry,
    /// The ratio measured/baseline of rows/s the project aims at; printed, never enforced.
    aim: f64,
    /// Sets the stage before the runs (start a server, write a config); `None`: nothing to do.
    prepare: Option<PrepareFn>,
    /// More paths measured against the same baseline on the same stage; their ratio is printed
    /// without an aim.
    also: Vec<Entry>,
    /// A single run of one entry on a stage of its own, for its peak RSS.
    rss: Option<RssRun>,
    /// Runs per entry at least, whatever `--runs` says: a suite of short runs needs more of
    /// them to see past the machine's noise.
    min_runs: usize,
}

/// One run of `entry` on the stage `prepare` sets, reported by its peak RSS against `aim_mb`.
struct RssRun {
    label: String,
    prepare: PrepareFn,
    entry: Entry,
    aim_mb: f64,
}

/// What every suite gets.
struct Context {
    driver: PathBuf,
    /// The release `apiodbc-sandbox` binary.
    sandbox: PathBuf,
    examples_dir: PathBuf,
    runs: usize,
    rows: u64,
}

fn suites(ctx: &Context) -> Vec<Suite> {
    vec![
        Suite {
            title: format!(
                "fetch: {} rows x 4 columns, block cursor of 10000 rows through unixODBC",
                ctx.rows
            ),
            baseline: Entry {
                label: "engine (in-process)",
                example: "bench_engine",
                program: Program::Example,
            },
            measured: Entry {
                label: "ODBC fetch (odbc-api)",
                example: "bench_fetch",
                program: Program::Example,
            },
            aim: 0.9,
            prepare: None,
            also: Vec::new(),
            rss: None,
            min_runs: 9,
        },
        rest_suite(),
    ]
}

/// Pipedrive persons in the sandbox for the REST suite's speed runs, and for its RSS run.
const REST_ROWS: u64 = 100_000;
const REST_RSS_ROWS: u64 = 1_000_000;

/// Issue 3: `SELECT * FROM persons` of the sandbox's Pipedrive through odbc-api bulk fetch and
/// through pyodbc, against reqwest + serde_json fetching and parsing the same pages in one
/// process; then the odbc-api path once more over 1,000,000 persons for its peak RSS.
fn rest_suite() -> Suite {
    Suite {
        title: format!(
            "REST: SELECT * of {REST_ROWS} Pipedrive persons from the sandbox (pages of 500)"
        ),
        baseline: Entry {
            label: "reqwest + serde_json",
            example: "bench_rest_baseline",
            program: Program::Example,
        },
        measured: Entry {
            label: "ODBC fetch (odbc-api)",
            example: "bench_rest_fetch",
            program: Program::Example,
        },
        aim: 1.0,
        prepare: Some(|ctx| rest_stage(ctx, REST_ROWS)),
        also: vec![Entry {
            label: "pyodbc (fetchmany)",
            example: "tests/clients/bench/bench_pyodbc.py",
            program: Program::Python,
        }],
        rss: Some(RssRun {
            label: format!("odbc-api, {REST_RSS_ROWS} persons"),
            prepare: |ctx| rest_stage(ctx, REST_RSS_ROWS),
            entry: Entry {
                label: "ODBC fetch (odbc-api)",
                example: "bench_rest_fetch",
                program: Program::Example,
            },
            aim_mb: 200.0,
        }),
        min_runs: 0,
    }
}

/// Starts the sandbox with `records` rows per main table and hands the examples its Pipedrive
/// connection string (`APIODBC_BENCH_CONNSTR`), API base URL and token.
fn rest_stage(ctx: &Context, records: u64) -> Result<Stage, String> {
    let records = records.to_string();
    let sandbox = Sandbox::start(
        &ctx.sandbox,
        &[
            "--listen",
            "127.0.0.1:0",
            "--records",
            &records,
            "--seed",
            "1",
            // Without it the sandbox advertises Pipedrive's 80 requests per 2 s window, which the
            // driver honours by waiting and the baseline ignores; a limit no run reaches keeps
            // the comparison about fetching and parsing.
            "--rate-limit",
            "1000000",
        ],
    )?;
    let manifest = sandbox.manifest()?;
    let field = |path: &[&str]| {
        manifest
            .at(path)
            .and_then(sandbox::Json::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("the sandbox manifest has no {}", path.join(".")))
    };
    let connstr = field(&["services", "pipedrive", "connection_strings", "BASIC"])?;
    let token = field(&["services", "pipedrive", "credentials", "api_token"])?;
    let url = connstr
        .split(';')
        .find_map(|kv| kv.strip_prefix("BaseURL="))
        .map_or_else(
            || format!("{}/pipedrive/api/v1", sandbox.base_url),
            str::to_string,
        );
    println!(
        "sandbox with {records} records per table on {}",
        sandbox.base_url
    );
    Ok(Stage {
        env: vec![
            ("APIODBC_BENCH_CONNSTR".to_string(), connstr),
            ("APIODBC_BENCH_PIPEDRIVE_URL".to_string(), url),
            ("APIODBC_BENCH_PIPEDRIVE_TOKEN".to_string(), token),
        ],
        guard: Some(Box::new(sandbox)),
    })
}

pub fn run(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (runs, rows) = match parse_args(args) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("cargo xtask bench: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    println!("==> building the driver and the benchmark examples (release)");
    let mut build = cmd::cargo();
    // The whole workspace, as `cargo build --release` and `cargo xtask demo` build it, so the
    // three resolve features alike and reuse one another's artifacts; the examples on top, and
    // the sandbox the REST suite queries among the workspace's binaries.
    build.args([
        "build",
        "--release",
        "--workspace",
        "--lib",
        "--bins",
        "--examples",
    ]);
    if !cmd::run(&mut build, RunOpts::default()).success() {
        eprintln!("cargo xtask bench: release build failed");
        return ExitCode::FAILURE;
    }
    let release = cmd::target_dir().join("release");
    print_library_size(&release.join("libapiodbc.so"));
    let ctx = Context {
        driver: release.join("libapiodbc.so"),
        sandbox: release.join(sandbox::BINARY),
        examples_dir: release.join("examples"),
        runs,
        rows,
    };

    let mut failed = false;
    let mut tables = Vec::new();
    for suite in suites(&ctx) {
        println!("==> {}", suite.title);
        match run_suite(&ctx, &suite) {
            Ok(table) => tables.push(table),
            Err(e) => {
                eprintln!("cargo xtask bench: {e}");
                failed = true;
            }
        }
    }
    println!("==> latency: one request at a time against the default concurrency");
    match crate::bench_latency::report(&ctx.driver, &ctx.sandbox) {
        Ok(table) => tables.push(table),
        Err(e) => {
            eprintln!("cargo xtask bench: {e}");
            failed = true;
        }
    }
    println!("==> rate limit: processes sharing one account's budget against each on its own");
    match crate::bench_latency::rate_report(&ctx.driver, &ctx.sandbox) {
        Ok(table) => tables.push(table),
        Err(e) => {
            eprintln!("cargo xtask bench: {e}");
            failed = true;
        }
    }
    println!();
    for table in &tables {
        println!("{table}");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The size of the library a user registers (release builds carry no debug sections).
fn print_library_size(library: &std::path::Path) {
    match std::fs::metadata(library) {
        Ok(meta) => println!(
            "libapiodbc.so: {:.1} MiB (what a user registers)",
            meta.len() as f64 / (1024.0 * 1024.0)
        ),
        Err(_) => println!("libapiodbc.so: not found at {}", library.display()),
    }
}

fn parse_args(args: &[String]) -> Result<(usize, u64), String> {
    let mut runs = 3usize;
    let mut rows = 1_000_000u64;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|v| *v > 0)
                .ok_or_else(|| format!("{name} needs a positive number"))
        };
        match arg.as_str() {
            "--runs" => runs = value("--runs")? as usize,
            "--rows" => rows = value("--rows")?,
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok((runs, rows))
}

/// The numbers of one run, parsed from its result line.
#[derive(Clone, Debug, PartialEq)]
struct Measure {
    rows: u64,
    seconds: f64,
    rows_per_sec: f64,
    peak_rss_mb: f64,
    checksum: String,
    /// The process's CPU time (user + system, every thread) over the same span as `seconds`,
    /// where the example reports it.
    cpu_seconds: Option<f64>,
}

/// The best of an entry's runs, with the median rate and the highest peak RSS seen over all of
/// them.
struct Best {
    fastest: Measure,
    median_rows_per_sec: f64,
    runs: usize,
    max_rss_mb: f64,
    /// The least CPU time of the runs, where the example reports it.
    min_cpu_seconds: Option<f64>,
}

fn run_suite(ctx: &Context, suite: &Suite) -> Result<String, String> {
    let stage = match suite.prepare {
        Some(prepare) => prepare(ctx)?,
        None => Stage::default(),
    };
    let mut entries = vec![&suite.baseline, &suite.measured];
    entries.extend(&suite.also);
    let mut bests = run_in_turn(&stage, &entries, ctx.runs.max(suite.min_runs), ctx)?;
    drop(stage);
    let also = bests.split_off(2);
    let measured = bests.pop().ok_or("no measured runs")?;
    let base = bests.pop().ok_or("no baseline runs")?;
    same_data(suite, &suite.measured, &base, &measured)?;
    for (entry, best) in suite.also.iter().zip(&also) {
        same_data(suite, entry, &base, best)?;
    }
    let mut out = table(suite, &base, &measured);
    for (entry, best) in suite.also.iter().zip(&also) {
        out.push_str(&also_lines(suite, entry, &base, best));
    }
    if let Some(rss) = &suite.rss {
        println!("==> {}: {} (one run, for peak RSS)", suite.title, rss.label);
        let stage = (rss.prepare)(ctx)?;
        let best = best_of(&rss.entry, vec![run_once(ctx, &stage, &rss.entry)?])?;
        let verdict = if best.max_rss_mb < rss.aim_mb {
            "meets the aim"
        } else {
            "above the aim"
        };
        out.push_str(&format!(
            "  peak RSS, {}: {:.1} MiB over {} rows in {:.3} s, {} rows/s (aim: under {:.0} MB; {verdict})\n",
            rss.label,
            best.max_rss_mb,
            best.fastest.rows,
            best.fastest.seconds,
            thousands(best.fastest.rows_per_sec),
            rss.aim_mb
        ));
    }
    Ok(out)
}

/// A checksum mismatch between the baseline and a measured entry is a correctness problem.
fn same_data(suite: &Suite, entry: &Entry, base: &Best, other: &Best) -> Result<(), String> {
    if base.fastest.checksum == other.fastest.checksum {
        return Ok(());
    }
    Err(format!(
        "{}: {} and {} saw different data (checksum {} vs {})",
        suite.title,
        suite.baseline.example,
        entry.example,
        base.fastest.checksum,
        other.fastest.checksum
    ))
}

/// The row and the ratio line of one of a suite's `also` entries.
fn also_lines(suite: &Suite, entry: &Entry, base: &Best, best: &Best) -> String {
    let ratio = if base.fastest.rows_per_sec > 0.0 {
        best.fastest.rows_per_sec / base.fastest.rows_per_sec
    } else {
        0.0
    };
    format!(
        "{}  ratio {}/{}: {ratio:.2}x\n{}",
        row(entry, best),
        entry.label,
        suite.baseline.example,
        cpu_line(suite, entry, base, best)
    )
}

/// One entry's row of a suite's table.
fn row(entry: &Entry, best: &Best) -> String {
    let cpu = best
        .min_cpu_seconds
        .map_or_else(|| "-".to_string(), |c| format!("{c:.3}"));
    format!(
        "  {:<24} {:>14} {:>10.3} {:>10} {:>14.1}\n",
        entry.label,
        thousands(best.fastest.rows_per_sec),
        best.fastest.seconds,
        cpu,
        best.max_rss_mb
    )
}

/// The CPU the baseline spent against what `entry` spent for the same rows (above 1: `entry`
/// spent less), when both report it. Wall time against a local server also counts the server's
/// work, which both wait for alike; CPU time is the client's own.
fn cpu_line(suite: &Suite, entry: &Entry, base: &Best, best: &Best) -> String {
    match (base.min_cpu_seconds, best.min_cpu_seconds) {
        (Some(b), Some(m)) if m > 0.0 => format!(
            "  CPU {}/{}: {:.2}x (the baseline's CPU seconds over {}'s; above 1: it spent less)\n",
            suite.baseline.example,
            entry.example,
            b / m,
            entry.label
        ),
        _ => String::new(),
    }
}

/// `runs` runs of every entry, one run of each in turn; each entry's best.
fn run_in_turn(
    stage: &Stage,
    entries: &[&Entry],
    runs: usize,
    ctx: &Context,
) -> Result<Vec<Best>, String> {
    let mut all: Vec<Vec<Measure>> = entries.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (entry, measures) in entries.iter().zip(&mut all) {
            let measure = run_once(ctx, stage, entry)?;
            if let Some(first) = measures.first() {
                if first.checksum != measure.checksum {
                    return Err(format!(
                        "{}: two runs saw different data ({} vs {})",
                        entry.example, first.checksum, measure.checksum
                    ));
                }
            }
            measures.push(measure);
        }
    }
    entries
        .iter()
        .zip(all)
        .map(|(entry, measures)| best_of(entry, measures))
        .collect()
}

/// One run of `entry`, and what it printed.
fn run_once(ctx: &Context, stage: &Stage, entry: &Entry) -> Result<Measure, String> {
    let mut command = match entry.program {
        Program::Example => Command::new(ctx.examples_dir.join(entry.example)),
        Program::Python => {
            let mut c = Command::new(install::venv_python());
            c.arg(cmd::repo_root().join(entry.example));
            c
        }
    };
    command
        .current_dir(cmd::repo_root())
        .env("APIODBC_DRIVER_PATH", &ctx.driver)
        .env("APIODBC_BENCH_ROWS", ctx.rows.to_string())
        .envs(stage.env.iter().map(|(k, v)| (k, v)));
    let out = cmd::run(
        &mut command,
        RunOpts {
            timeout: Some(Duration::from_secs(600)),
            ..RunOpts::default()
        },
    );
    if !out.success() {
        return Err(format!(
            "{} failed ({})",
            entry.example,
            out.describe_exit()
        ));
    }
    parse_result(&out.text)
        .ok_or_else(|| format!("{} printed no `bench=` result line", entry.example))
}

/// The fastest of `all`, the median rate, the highest peak RSS and the least CPU.
fn best_of(entry: &Entry, all: Vec<Measure>) -> Result<Best, String> {
    let max_rss_mb = all.iter().map(|m| m.peak_rss_mb).fold(0.0, f64::max);
    let min_cpu_seconds = all.iter().filter_map(|m| m.cpu_seconds).reduce(f64::min);
    let mut rates: Vec<f64> = all.iter().map(|m| m.rows_per_sec).collect();
    rates.sort_by(f64::total_cmp);
    let median_rows_per_sec = median(&rates);
    let runs = all.len();
    let fastest = all
        .into_iter()
        .max_by(|a, b| a.rows_per_sec.total_cmp(&b.rows_per_sec))
        .ok_or_else(|| format!("{}: no runs", entry.example))?;
    Ok(Best {
        fastest,
        median_rows_per_sec,
        runs,
        max_rss_mb,
        min_cpu_seconds,
    })
}

/// The middle of sorted `values` (the mean of the two middle ones for an even count); 0 for none.
fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn parse_result(text: &str) -> Option<Measure> {
    let line = text.lines().rev().find(|l| l.starts_with("bench="))?;
    let fields: BTreeMap<&str, &str> = line
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let num = |key: &str| fields.get(key)?.parse::<f64>().ok();
    Some(Measure {
        rows: fields.get("rows")?.parse().ok()?,
        seconds: num("seconds")?,
        rows_per_sec: num("rows_per_sec")?,
        peak_rss_mb: num("peak_rss_mb")?,
        checksum: fields.get("checksum")?.to_string(),
        cpu_seconds: num("cpu_seconds"),
    })
}

fn table(suite: &Suite, base: &Best, measured: &Best) -> String {
    let mut out = format!(
        "{} (best of {}, run in turn; peak RSS is the highest over the runs)\n",
        suite.title, base.runs
    );
    out.push_str(&format!(
        "  {:<24} {:>14} {:>10} {:>10} {:>14}\n",
        "", "rows/s", "seconds", "CPU s", "peak RSS MiB"
    ));
    for (entry, best) in [(&suite.baseline, base), (&suite.measured, measured)] {
        out.push_str(&row(entry, best));
    }
    let ratio = if base.fastest.rows_per_sec > 0.0 {
        measured.fastest.rows_per_sec / base.fastest.rows_per_sec
    } else {
        0.0
    };
    let verdict = if ratio >= suite.aim {
        "meets the aim"
    } else {
        "below the aim"
    };
    let on_medians = if base.median_rows_per_sec > 0.0 {
        measured.median_rows_per_sec / base.median_rows_per_sec
    } else {
        0.0
    };
    out.push_str(&format!(
        "  ratio {}/{}: {ratio:.2}x (aim: at least {:.2}x; {verdict}); {on_medians:.2}x on the medians\n",
        suite.measured.example, suite.baseline.example, suite.aim
    ));
    out.push_str(&cpu_line(suite, &suite.measured, base, measured));
    out.push_str(&format!(
        "  rows {} in both, checksums equal ({})\n",
        base.fastest.rows, base.fastest.checksum
    ));
    out
}

/// `12345678.9` as `12,345,679`.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_result_line_among_other_output() {
        let text = "warming up\nbench=fetch rows=10 seconds=0.5 rows_per_sec=20 peak_rss_mb=12.5 checksum=a/b\n";
        let m = parse_result(text).expect("a result");
        assert_eq!(m.rows, 10);
        assert_eq!(m.rows_per_sec, 20.0);
        assert_eq!(m.peak_rss_mb, 12.5);
        assert_eq!(m.checksum, "a/b");
        assert!(parse_result("no result here").is_none());
    }

    #[test]
    fn the_median_is_the_middle_run() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[3.0]), 3.0);
        assert_eq!(median(&[1.0, 2.0, 9.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 9.0]), 3.0);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(0.0), "0");
    }

    #[test]
    fn options_are_read() {
        let args: Vec<String> = ["--runs", "5", "--rows", "1000"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(parse_args(&args), Ok((5, 1000)));
        assert!(parse_args(&["--runs".to_string()]).is_err());
    }
}

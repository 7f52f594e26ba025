//! `cargo xtask bench`: builds the release driver and runs the benchmark example, which measures
//! and prints (never asserts) the ODBC fetch path against the in-process engine. The benchmark
//! itself lives in the root package's `examples/bench_fetch.rs`; this only sets the stage.

use std::process::{ExitCode, Stdio};

use crate::cmd::{self, RunOpts};

const EXAMPLE: &str = "bench_fetch";

pub fn run(args: &[String]) -> ExitCode {
    let root = cmd::repo_root();
    let examples = root.join("examples");
    if !examples.join(format!("{EXAMPLE}.rs")).is_file()
        && !examples.join(EXAMPLE).join("main.rs").is_file()
    {
        eprintln!("cargo xtask bench: examples/{EXAMPLE}.rs does not exist yet");
        return ExitCode::FAILURE;
    }

    println!("==> building the driver (release)");
    let mut build = cmd::cargo();
    build.args(["build", "--release", "--package", "apiodbc", "--lib"]);
    if !cmd::run(&mut build, RunOpts::default()).success() {
        eprintln!("cargo xtask bench: release build failed");
        return ExitCode::FAILURE;
    }
    let driver = cmd::target_dir().join("release").join("libapiodbc.so");

    println!("==> cargo run --release --example {EXAMPLE}");
    let mut bench = cmd::cargo();
    bench
        .args([
            "run",
            "--release",
            "--package",
            "apiodbc",
            "--example",
            EXAMPLE,
            "--",
        ])
        .args(args)
        // The example loads this library through unixODBC; telling it where the release build
        // is saves it guessing between target/debug and target/release.
        .env("APIODBC_DRIVER_PATH", &driver)
        .stdin(Stdio::null());
    println!("$ {}", cmd::display(&bench));
    cmd::flush();
    // Inherited stdout: the numbers appear as they are measured, with the example's own layout.
    match bench.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("cargo xtask bench: {EXAMPLE} failed ({status})");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("cargo xtask bench: could not run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

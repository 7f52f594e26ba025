//! `cargo xtask <command>`: the project's own automation (tests with every client, the demo, the
//! benchmark), written in Rust with std only so it builds on a machine that has nothing but the
//! toolchain, before any dependency is fetched.

mod bench;
mod bench_latency;
mod clients;
mod cmd;
mod counts;
mod demo;
mod header;
mod install;
mod iodbc;
mod modules;
mod odbc_env;
mod package;
mod sandbox;
mod summary;
mod test;

use std::env;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test    install what is missing, check formatting and clippy, build, run unit and
          integration tests, then isql/iusql, pyodbc and arrow-odbc, a C program, Perl DBI,
          PHP PDO, R RODBC, the Debian package (installed, used, removed) and valgrind
          against the built driver; ends with `total: N passed, N failed`
  demo    build the release driver, register it in target/demo and run a few queries
          through isql and pyodbc
  bench   build the release driver and the benchmark examples, run the in-process engine
          (examples/bench_engine.rs) and the ODBC fetch (examples/bench_fetch.rs), print
          rows/s, their ratio and peak RSS (`cargo xtask bench --help` for the options)
  package build the release driver into a Debian package (target/package/*.deb) that
          registers itself with unixODBC on install
  header  regenerate include/apiodbc.h from the exports (commit it afterwards)
  modules print which modules of src/ use which (top level and inside each folder) and fail
          on a cycle
  help    show this text (`cargo xtask test --help` for the test options)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("test") => test::run(rest),
        Some("demo") => demo::run(rest),
        Some("bench") => bench::run(rest),
        Some("modules") => modules::run(rest),
        Some("header") => header::run(rest),
        Some("package") => package::run(rest),
        Some("help" | "-h" | "--help") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("cargo xtask: unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

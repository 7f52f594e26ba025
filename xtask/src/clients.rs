//! The client steps of `cargo xtask test`: real ODBC clients (isql, iusql, pyodbc, a C program
//! linked straight to the library, Perl DBI, and the C program again under valgrind) run against
//! the built driver through a private ODBC configuration. Each step checks what a user would see
//! in the client's output, not just its exit code: isql, for one, exits 0 after a failed query.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::cmd::{self, Captured, RunOpts};
use crate::counts;
use crate::install;
use crate::odbc_env::{self, OdbcEnv};
use crate::summary::StepEnd;
use crate::test::{with_odbc, Ctx};

/// The DSN the client scripts connect to by default (`DSN=apiodbc_test`).
pub const TEST_DSN: &str = "apiodbc_test";

/// Long enough for a debug build under load, short enough that a deadlock cannot use up CI.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(300);
const VALGRIND_TIMEOUT: Duration = Duration::from_secs(900);

/// Returns the step's failure from a `Result<T, StepEnd>` prerequisite.
macro_rules! need {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(end) => return end,
        }
    };
}

pub(crate) fn clients_dir() -> PathBuf {
    cmd::target_dir().join("clients")
}

pub fn write_test_env(driver: &Path, trace: bool) -> io::Result<OdbcEnv> {
    OdbcEnv::write(
        &cmd::target_dir().join("odbc-test"),
        &odbc_env::Options {
            driver,
            dsn: TEST_DSN,
            description: "apiodbc test DSN (no Profile: the sys schema only)",
            dsn_keys: &[],
            trace,
        },
    )
}

pub(crate) fn run_client(cmd: &mut Command) -> Captured {
    cmd::run(
        cmd,
        RunOpts {
            timeout: Some(CLIENT_TIMEOUT),
            ..RunOpts::default()
        },
    )
}

/// Writes the private configuration and asks unixODBC itself whether it sees it.
pub fn odbc_env(ctx: &mut Ctx) -> StepEnd {
    let env = need!(ctx.odbc());
    let mut paths = with_odbc(env, "odbcinst");
    paths.arg("-j");
    let mut drivers = with_odbc(env, "odbcinst");
    drivers.args(["-q", "-d"]);
    let mut dsns = with_odbc(env, "odbcinst");
    dsns.args(["-q", "-s"]);
    let paths = run_client(&mut paths);
    let drivers = run_client(&mut drivers);
    let dsns = run_client(&mut dsns);
    let dir = env.dir().display().to_string();
    if !paths.text.contains(&dir) {
        return StepEnd::fail(format!("odbcinst -j does not show {dir}"));
    }
    if !drivers
        .text
        .contains(&format!("[{}]", odbc_env::DRIVER_NAME))
    {
        return StepEnd::fail("odbcinst -q -d does not list [apiodbc]");
    }
    if !dsns.text.contains(&format!("[{TEST_DSN}]")) {
        return StepEnd::fail(format!("odbcinst -q -s does not list [{TEST_DSN}]"));
    }
    StepEnd::pass(dir)
}

/// One isql session: what to type and what must appear.
struct Session {
    args: Vec<String>,
    input: &'static str,
    rows: &'static [&'static [&'static str]],
    contains: &'static [&'static str],
}

/// isql (narrow, SQLPrepare/SQLExecute) or iusql (wide). `help` runs SQLTables, so it proves the
/// catalog as well; `-k` goes through SQLDriverConnect with `DRIVER=` instead of a DSN.
pub fn isql(ctx: &mut Ctx, program: &str) -> StepEnd {
    let env = need!(ctx.odbc());
    let mut sessions = vec![Session {
        args: vec!["-v".into(), "-b".into(), TEST_DSN.into()],
        input: "SELECT 1 AS one, 'two' AS two\nSELECT {fn UCASE('odbc')} AS up\nhelp\n",
        rows: &[&["1", "two"], &["ODBC"]],
        contains: &["sys_tables"],
    }];
    if program == "isql" {
        sessions.push(Session {
            args: vec![
                "-v".into(),
                "-b".into(),
                "-3".into(),
                "-k".into(),
                format!("DRIVER={{{}}}", odbc_env::DRIVER_NAME),
            ],
            input: "SELECT 1\n",
            rows: &[&["1"]],
            contains: &[],
        });
    }
    for session in &sessions {
        let mut cmd = with_odbc(env, program);
        cmd.args(&session.args);
        println!("(stdin) {}", session.input.trim_end().replace('\n', " / "));
        let out = cmd::run(
            &mut cmd,
            RunOpts {
                stdin: Some(session.input),
                timeout: Some(CLIENT_TIMEOUT),
                quiet: false,
            },
        );
        let args = session.args.join(" ");
        if !out.success() {
            return StepEnd::fail(format!("{program} {args}: {}", out.describe_exit()));
        }
        if out.text.contains("[ISQL]ERROR") {
            return StepEnd::fail(format!("{program} {args}: reported an error"));
        }
        for row in session.rows {
            if !has_row(&out.text, row) {
                return StepEnd::fail(format!("{program} {args}: no row {}", row.join("|")));
            }
        }
        for needle in session.contains {
            if !out.text.contains(needle) {
                return StepEnd::fail(format!("{program} {args}: output lacks {needle:?}"));
            }
        }
    }
    StepEnd::pass(format!("{} session(s)", sessions.len()))
}

/// The pytest files: the driver as a pyodbc user sees it without a profile, then the API tables
/// against the sandbox (which test_rest.py starts itself from `APIODBC_SANDBOX_BIN`).
const PYTEST_FILES: &[&str] = &[
    "tests/clients/python/test_pyodbc.py",
    "tests/clients/python/test_rest.py",
    "tests/clients/python/test_oauth.py",
    "tests/clients/python/test_oauth_defences.py",
    "tests/clients/python/test_hostile_input.py",
    "tests/clients/python/test_settings_file.py",
    "tests/clients/python/test_rate_budget.py",
    "tests/clients/python/test_cache_location.py",
    "tests/clients/python/test_custom_fields.py",
    "tests/clients/python/test_writes.py",
];

/// The sandbox binary the REST tests run: the one built beside the driver under test (a
/// `--driver target/release/libapiodbc.so` run uses the release sandbox), else the debug one.
pub(crate) fn sandbox_binary(driver: &Path) -> Result<PathBuf, StepEnd> {
    let beside = driver.parent().map(|d| d.join(crate::sandbox::BINARY));
    let debug = cmd::target_dir().join("debug").join(crate::sandbox::BINARY);
    let found = beside
        .filter(|p| p.is_file())
        .or_else(|| debug.is_file().then_some(debug));
    match found.map(|p| fs::canonicalize(&p).unwrap_or(p)) {
        Some(path) => Ok(path),
        None => Err(StepEnd::fail(format!(
            "no {} beside the driver or in target/debug; run the build step \
             (cargo build --workspace builds it)",
            crate::sandbox::BINARY
        ))),
    }
}

pub fn pytest(ctx: &mut Ctx) -> StepEnd {
    let driver = need!(ctx.driver());
    let sandbox = need!(sandbox_binary(&driver));
    let env = need!(ctx.odbc());
    let python = install::venv_python();
    if !python.exists() {
        return StepEnd::fail(format!("no {}; run the venv step", python.display()));
    }
    let mut cmd = with_odbc(env, &python);
    // No cache directory or bytecode in the source tree: CI works from a clean clone and the
    // lead commits from this one.
    cmd.args(["-m", "pytest", "-v", "-rxXs", "-p", "no:cacheprovider"])
        .args(PYTEST_FILES)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("APIODBC_SANDBOX_BIN", &sandbox)
        // The REST tests start their own sandboxes; a stale URL must not redirect them.
        .env_remove("APIODBC_SANDBOX_URL")
        .env_remove("APIODBC_FAULT_SANDBOX_URL")
        .env_remove("APIODBC_DRIVER")
        .env_remove("APIODBC_CONNSTR");
    let out = cmd::run(
        &mut cmd,
        RunOpts {
            timeout: Some(Duration::from_secs(1500)),
            ..RunOpts::default()
        },
    );
    runner_end(&out, counts::pytest(&out.text))
}

/// The OAuth concurrency proof: 8 processes share one settings file for 60 s against a sandbox
/// whose access tokens live 2 s (tests/clients/python/soak_oauth.py starts that sandbox itself).
pub fn oauth_soak(ctx: &mut Ctx) -> StepEnd {
    python_soak(ctx, "soak_oauth.py", "OAUTH SOAK")
}

/// The shared rate budget's proof: 8 processes query one account for 60 s against a sandbox
/// that allows 20 requests per 2 s, and none is answered 429 (soak_rate_budget.py).
pub fn rate_soak(ctx: &mut Ctx) -> StepEnd {
    python_soak(ctx, "soak_rate_budget.py", "RATE SOAK")
}

/// Runs a soak script of tests/clients/python, which prints one `<marker> PASS|FAIL` line and
/// exits non-zero on failure.
fn python_soak(ctx: &mut Ctx, script: &str, marker: &str) -> StepEnd {
    let driver = need!(ctx.driver());
    let sandbox = need!(sandbox_binary(&driver));
    let env = need!(ctx.odbc());
    let python = install::venv_python();
    if !python.exists() {
        return StepEnd::fail(format!("no {}; run the venv step", python.display()));
    }
    let mut cmd = with_odbc(env, &python);
    cmd.arg(format!("tests/clients/python/{script}"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("APIODBC_SANDBOX_BIN", &sandbox)
        .env_remove("APIODBC_DRIVER")
        .env_remove("APIODBC_RATE_SHARING");
    let out = cmd::run(
        &mut cmd,
        RunOpts {
            timeout: Some(Duration::from_secs(900)),
            ..RunOpts::default()
        },
    );
    let summary = soak_summary(&out.text, marker).unwrap_or_default();
    match (out.success(), summary.starts_with("PASS")) {
        (true, true) => StepEnd::pass(format!("{marker} {summary}")),
        (true, false) => StepEnd::fail(format!("{script} exited 0 without a PASS line")),
        (false, _) => StepEnd::fail(format!("{marker} {summary} ({})", out.describe_exit())),
    }
}

/// What a soak script's last `<marker> PASS|FAIL: …` line says after its marker.
pub(crate) fn soak_summary<'t>(text: &'t str, marker: &str) -> Option<&'t str> {
    text.lines()
        .rev()
        .find_map(|l| l.strip_prefix(marker)?.strip_prefix(' '))
}

pub fn perl(ctx: &mut Ctx) -> StepEnd {
    let env = need!(ctx.odbc());
    let mut cmd = with_odbc(env, "prove");
    cmd.args(["-v", "tests/clients/perl/"])
        .env_remove("APIODBC_DBI_DSN");
    let out = run_client(&mut cmd);
    runner_end(&out, counts::prove(&out.text))
}

/// PHP's PDO_ODBC with default options (tests/clients/php/pdo.php, TAP), against the sys schema
/// and a sandbox's Pipedrive.
pub fn php(ctx: &mut Ctx) -> StepEnd {
    let driver = need!(ctx.driver());
    let binary = need!(sandbox_binary(&driver));
    let env = need!(ctx.odbc());
    let sandbox = match crate::sandbox::Sandbox::start(
        &binary,
        &["--listen", "127.0.0.1:0", "--records", "120", "--seed", "7"],
    ) {
        Ok(sandbox) => sandbox,
        Err(e) => return StepEnd::fail(e),
    };
    let manifest = match sandbox.manifest() {
        Ok(m) => m,
        Err(e) => return StepEnd::fail(e),
    };
    let connection = manifest
        .at(&["services", "pipedrive", "connection_strings", "BASIC"])
        .and_then(crate::sandbox::Json::as_str);
    let persons = match manifest.at(&["services", "pipedrive", "tables", "persons", "rows"]) {
        Some(crate::sandbox::Json::Number(n)) => Some(*n as u64),
        _ => None,
    };
    let (Some(connection), Some(persons)) = (connection, persons) else {
        return StepEnd::fail(
            "the sandbox manifest has no Pipedrive connection string or persons count",
        );
    };
    let mut cmd = with_odbc(env, "php");
    cmd.arg("tests/clients/php/pdo.php")
        .env("APIODBC_PHP_PIPEDRIVE", connection)
        .env("APIODBC_PHP_PERSONS", format!("{persons}"));
    let out = run_client(&mut cmd);
    runner_end(&out, counts::tap(&out.text))
}

/// R's RODBC (tests/clients/r/rodbc.R, TAP): `sqlFetch` of every table of every built-in schema of
/// a sandbox, each compared with the manifest's row count.
pub fn r(ctx: &mut Ctx) -> StepEnd {
    let driver = need!(ctx.driver());
    let binary = need!(sandbox_binary(&driver));
    let env = need!(ctx.odbc());
    let (_sandbox, tables) = need!(sandbox_with_tables(&binary));
    let lines: String = tables
        .iter()
        .map(|t| format!("{}\t{}\t{}\t{}\n", t.service, t.connection, t.table, t.rows))
        .collect();
    let list = cmd::target_dir().join("r-tables.tsv");
    if let Err(e) = fs::write(&list, lines) {
        return StepEnd::fail(format!("writing {}: {e}", list.display()));
    }
    let mut cmd = with_odbc(env, "Rscript");
    cmd.arg("tests/clients/r/rodbc.R")
        .env("APIODBC_R_TABLES", &list);
    let out = run_client(&mut cmd);
    runner_end(&out, counts::tap(&out.text))
}

/// One table of the sandbox's manifest with a connection string that reaches it without an
/// OAuth flow (these checks are about data, not tokens).
pub struct SandboxTable {
    pub service: String,
    pub connection: String,
    pub table: String,
    pub rows: f64,
}

/// A small sandbox (60 records per table) for a client step, and the tables its manifest lists;
/// the sandbox runs until the first value is dropped.
pub(crate) fn sandbox_with_tables(
    binary: &Path,
) -> Result<(crate::sandbox::Sandbox, Vec<SandboxTable>), StepEnd> {
    let sandbox = crate::sandbox::Sandbox::start(
        binary,
        &["--listen", "127.0.0.1:0", "--records", "60", "--seed", "7"],
    )
    .map_err(StepEnd::fail)?;
    let manifest = sandbox.manifest().map_err(StepEnd::fail)?;
    let tables = sandbox_tables(&manifest)?;
    Ok((sandbox, tables))
}

/// Every table the sandbox's manifest lists, in its order.
fn sandbox_tables(manifest: &crate::sandbox::Json) -> Result<Vec<SandboxTable>, StepEnd> {
    let mut tables = Vec::new();
    for (service, info) in manifest
        .at(&["services"])
        .into_iter()
        .flat_map(|s| s.entries())
    {
        let strings: Vec<&str> = info
            .at(&["connection_strings"])
            .into_iter()
            .flat_map(|c| c.entries())
            .filter_map(|(_, v)| v.as_str())
            .collect();
        let Some(connection) = strings
            .iter()
            .find(|c| !c.to_lowercase().contains("initiateoauth=getandrefresh"))
            .or(strings.first())
        else {
            return Err(StepEnd::fail(format!(
                "the manifest has no connection string for {service}"
            )));
        };
        for (table, t) in info.at(&["tables"]).into_iter().flat_map(|t| t.entries()) {
            let Some(crate::sandbox::Json::Number(rows)) = t.at(&["rows"]) else {
                return Err(StepEnd::fail(format!(
                    "the manifest has no row count for {service}.{table}"
                )));
            };
            tables.push(SandboxTable {
                service: service.clone(),
                connection: connection.to_string(),
                table: table.clone(),
                rows: *rows,
            });
        }
    }
    Ok(tables)
}

pub(crate) fn runner_end(out: &Captured, counts: Option<counts::Counts>) -> StepEnd {
    let detail = counts.map(|c| c.to_string()).unwrap_or_default();
    match counts {
        _ if !out.success() => StepEnd::fail(format!("{detail} ({})", out.describe_exit())),
        Some(c) if c.passed == 0 => StepEnd::fail("no test passed"),
        _ => StepEnd::pass(detail),
    }
}

fn header() -> Result<PathBuf, StepEnd> {
    let header = cmd::repo_root().join("include").join("apiodbc.h");
    if header.is_file() {
        Ok(header)
    } else {
        Err(StepEnd::fail(format!(
            "{} is missing (build.rs generates it)",
            header.display()
        )))
    }
}

pub(crate) fn gcc() -> Command {
    let mut cmd = Command::new("gcc");
    cmd.current_dir(cmd::repo_root())
        .args(["-std=c11", "-g", "-Wall", "-Werror", "-I", "include"]);
    cmd
}

/// Compiles tests/clients/c/header_check.c twice: after `<sqlext.h>` (a prototype that differs
/// from unixODBC's is a conflicting-types error) and alone (every required export is declared).
pub fn c_header(_: &mut Ctx) -> StepEnd {
    need!(header());
    let out_dir = clients_dir();
    if let Err(e) = fs::create_dir_all(&out_dir) {
        return StepEnd::fail(format!("{}: {e}", out_dir.display()));
    }
    let variants = [
        ("after <sqlext.h>", None, "header_check.o"),
        ("alone", Some("-DAPIODBC_HEADER_ALONE"), "header_alone.o"),
    ];
    for (what, define, object) in variants {
        let mut cmd = gcc();
        cmd.args(define)
            .args(["-c", "tests/clients/c/header_check.c", "-o"])
            .arg(out_dir.join(object));
        let out = run_client(&mut cmd);
        if !out.success() {
            return StepEnd::fail(format!("apiodbc.h {what}: gcc {}", out.describe_exit()));
        }
    }
    StepEnd::pass("apiodbc.h agrees with <sqlext.h> and declares every export")
}

/// Builds tests/clients/c/query.c linked to the library itself: no -lodbc, so every call lands
/// in the driver exactly as the C program wrote it.
fn build_query(driver: &Path) -> Result<PathBuf, StepEnd> {
    header()?;
    let out_dir = clients_dir();
    fs::create_dir_all(&out_dir)
        .map_err(|e| StepEnd::fail(format!("{}: {e}", out_dir.display())))?;
    let lib_dir = driver
        .parent()
        .and_then(|d| fs::canonicalize(d).ok())
        .ok_or_else(|| StepEnd::fail(format!("bad driver path {}", driver.display())))?;
    let stem = driver
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("lib"))
        .and_then(|n| n.strip_suffix(".so"))
        .ok_or_else(|| StepEnd::fail("the driver's file name is not lib<name>.so"))?;
    let exe = out_dir.join("query");
    let mut cmd = gcc();
    cmd.arg("tests/clients/c/query.c")
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(&lib_dir)
        .arg(format!("-l{stem}"))
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()));
    let out = run_client(&mut cmd);
    if out.success() {
        Ok(exe)
    } else {
        Err(StepEnd::fail(format!("gcc: {}", out.describe_exit())))
    }
}

/// What the C program must print for its two queries.
fn check_query_output(out: &Captured) -> Result<(), StepEnd> {
    if !has_row(&out.text, &["1", "two"]) {
        return Err(StepEnd::fail(
            "no row 1|two from SELECT 1 AS one, 'two' AS two",
        ));
    }
    if !out.text.contains("sys_tables") {
        return Err(StepEnd::fail("sys.sys_tables did not list sys_tables"));
    }
    Ok(())
}

pub fn c_program(ctx: &mut Ctx) -> StepEnd {
    let driver = need!(ctx.driver());
    let exe = need!(build_query(&driver));
    let mut cmd = Command::new(&exe);
    let out = run_client(&mut cmd);
    if !out.success() {
        return StepEnd::fail(format!("query: {}", out.describe_exit()));
    }
    need!(check_query_output(&out));
    StepEnd::pass("connected, queried, printed rows")
}

/// The C program again under memcheck: no invalid read or write, no definite leak. Errors in
/// libraries outside the driver can be suppressed in tests/clients/valgrind.supp.
pub fn valgrind(ctx: &mut Ctx) -> StepEnd {
    let driver = need!(ctx.driver());
    let exe = need!(build_query(&driver));
    let supp = cmd::repo_root()
        .join("tests")
        .join("clients")
        .join("valgrind.supp");
    let mut cmd = Command::new("valgrind");
    cmd.args([
        "--error-exitcode=99",
        "--leak-check=full",
        "--show-leak-kinds=definite",
        "--errors-for-leak-kinds=definite",
        "--num-callers=30",
    ])
    .arg(format!("--suppressions={}", supp.display()))
    .arg(&exe);
    let out = cmd::run(
        &mut cmd,
        RunOpts {
            timeout: Some(VALGRIND_TIMEOUT),
            ..RunOpts::default()
        },
    );
    if out.status.and_then(|s| s.code()) == Some(99) {
        return StepEnd::fail(
            "memcheck found errors (rerun with --gen-suppressions=all to see where)",
        );
    }
    if !out.success() {
        return StepEnd::fail(format!("query under valgrind: {}", out.describe_exit()));
    }
    need!(check_query_output(&out));
    StepEnd::pass("no memory errors, no definite leaks")
}

/// Whether some line of a client's table output holds `cells` as its leading cells. isql draws
/// `| 1   | two |`, the C program prints `1|two`; both split on `|`.
pub fn has_row(output: &str, cells: &[&str]) -> bool {
    output.lines().any(|line| {
        let line = line.trim();
        if !line.contains('|') && cells.len() > 1 {
            return false;
        }
        let inner = line.strip_prefix('|').unwrap_or(line);
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        let got: Vec<&str> = inner.split('|').map(str::trim).collect();
        got.len() >= cells.len() && got.iter().zip(cells).all(|(g, want)| g == want)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pytest file that is not listed is a test nobody runs.
    #[test]
    fn every_pytest_file_is_run() {
        let dir = cmd::repo_root().join("tests/clients/python");
        let mut found: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("test_") && n.ends_with(".py"))
                    .map(|n| format!("tests/clients/python/{n}"))
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        let mut listed: Vec<String> = PYTEST_FILES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(found, listed);
    }

    use super::has_row;

    #[test]
    fn rows_in_isql_and_plain_output() {
        let isql = "+-----+------+\n| one | two  |\n+-----+------+\n| 1   | two  |\n";
        assert!(has_row(isql, &["1", "two"]));
        assert!(has_row(isql, &["1"]));
        assert!(!has_row(isql, &["2"]));
        assert!(has_row("one|two\n1|two\n", &["1", "two"]));
        // A lone value must fill a whole cell: "10" is not the row "1".
        assert!(!has_row("| 10 |\n", &["1"]));
        assert!(has_row("1\n", &["1"]));
    }
}

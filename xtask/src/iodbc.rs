//! Step `iodbc`: the driver under iODBC, the driver manager of macOS and of some Linux
//! applications, whose SQLWCHAR is the 4-byte wchar_t. A C program linked to libiodbc runs wide
//! calls with text outside the BMP and counts a sandbox table; Debian's iodbctest (statically
//! linked, so the driver cannot see iODBC in the process) runs a query with the documented
//! `APIODBC_WCHAR_SIZE=4`. This step does not write odbc.ini: both connect by `DRIVER=<path>`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::clients::{
    clients_dir, gcc, run_client, runner_end, sandbox_binary, sandbox_with_tables, SandboxTable,
};
use crate::cmd::{self, RunOpts};
use crate::counts;
use crate::summary::StepEnd;
use crate::test::Ctx;

macro_rules! need {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(end) => return end,
        }
    };
}

/// The table the C program counts through iODBC.
const COUNTED: (&str, &str) = ("pipedrive", "persons");

/// Text outside the Basic Multilingual Plane: one code point, two UTF-16 units, one UCS-4 unit.
const NON_BMP: &str = "a\u{1F600}b";

pub fn iodbc(ctx: &mut Ctx) -> StepEnd {
    let driver = need!(ctx.driver());
    let driver = std::fs::canonicalize(&driver).unwrap_or(driver);
    let exe = need!(build());
    let binary = need!(sandbox_binary(&driver));
    let (_sandbox, tables) = need!(sandbox_with_tables(&binary));
    let Some(counted) = tables
        .iter()
        .find(|t| (t.service.as_str(), t.table.as_str()) == COUNTED)
    else {
        return StepEnd::fail(format!(
            "the sandbox's manifest has no {}.{}",
            COUNTED.0, COUNTED.1
        ));
    };
    let end = c_program(&exe, &driver, counted);
    if end.outcome != crate::summary::Outcome::Pass {
        return end;
    }
    need!(iodbctest(&driver));
    StepEnd::pass(format!("{}; iodbctest read {NON_BMP:?}", end.detail))
}

/// Compiles tests/clients/c/iodbc.c against libiodbc (by soname: Debian ships no libiodbc.so
/// link without its -dev package, whose headers conflict with unixODBC's).
fn build() -> Result<PathBuf, StepEnd> {
    let out_dir = clients_dir();
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| StepEnd::fail(format!("{}: {e}", out_dir.display())))?;
    let exe = out_dir.join("iodbc-c");
    let mut cmd = gcc();
    cmd.arg("tests/clients/c/iodbc.c")
        .arg("-o")
        .arg(&exe)
        .arg("-l:libiodbc.so.2");
    let out = run_client(&mut cmd);
    if out.success() {
        Ok(exe)
    } else {
        Err(StepEnd::fail(format!(
            "gcc with libiodbc: {} (is libiodbc2 installed?)",
            out.describe_exit()
        )))
    }
}

fn c_program(exe: &Path, driver: &Path, counted: &SandboxTable) -> StepEnd {
    let mut cmd = Command::new(exe);
    cmd.arg(driver)
        .arg(&counted.connection)
        .arg(format!("{}.{}", counted.service, counted.table))
        .arg(counted.rows.to_string())
        .env("LANG", "C.UTF-8");
    let out = run_client(&mut cmd);
    runner_end(&out, counts::tap(&out.text))
}

/// iodbctest reads statements from standard input and prints each result as a table.
fn iodbctest(driver: &Path) -> Result<(), StepEnd> {
    let input = format!("SELECT '{NON_BMP}' AS smile, 42 AS answer\nquit\n");
    let mut cmd = Command::new("iodbctest");
    cmd.arg(format!("DRIVER={}", driver.display()))
        .env("APIODBC_WCHAR_SIZE", "4")
        .env("LANG", "C.UTF-8");
    let out = cmd::run(
        &mut cmd,
        RunOpts {
            quiet: true,
            stdin: Some(&input),
            ..RunOpts::default()
        },
    );
    if !out.success() {
        return Err(StepEnd::fail(format!("iodbctest: {}", out.describe_exit())));
    }
    let row = out.text.lines().any(|line| {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        cells == [NON_BMP, "42"]
    });
    if row {
        Ok(())
    } else {
        Err(StepEnd::fail(format!(
            "iodbctest did not print the row {NON_BMP}|42:\n{}",
            out.text
        )))
    }
}

//! `cargo xtask test`: the whole proof in one command, as CI runs it. Steps run in a fixed order
//! and a failed step does not stop the ones after it (a clippy warning should not hide a failing
//! client); only steps that cannot run without a built driver are skipped when the build fails.
//! The run ends with the summary whose last line CI reads.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use crate::clients;
use crate::cmd::{self, RunOpts};
use crate::counts;
use crate::install;
use crate::odbc_env::OdbcEnv;
use crate::summary::{Outcome, Report, StepEnd};

pub const USAGE: &str = "\
cargo xtask test [--skip STEP,...] [--only STEP,...] [--no-install] [--driver PATH] [--trace]

  --skip STEPS    leave these steps out (comma-separated names, see below)
  --only STEPS    run just these steps
  --no-install    same as --skip packages,venv (never touch apt or pip)
  --driver PATH   run the client steps against this library instead of
                  target/debug/libapiodbc.so (e.g. a release build)
  --trace         turn on unixODBC's trace (target/odbc-test/trace.log)

  steps: packages venv fmt clippy modules build cargo-test odbc-env isql iusql
         pytest oauth-soak rate-soak c-header c-program perl php r iodbc package
         valgrind";

type StepFn = fn(&mut Ctx) -> StepEnd;

const STEPS: &[(&str, StepFn)] = &[
    ("packages", |_| install::system_packages()),
    ("venv", |_| install::python_venv()),
    ("fmt", fmt),
    ("clippy", clippy),
    ("modules", modules),
    ("build", build),
    ("cargo-test", cargo_test),
    ("odbc-env", clients::odbc_env),
    ("isql", |ctx| clients::isql(ctx, "isql")),
    ("iusql", |ctx| clients::isql(ctx, "iusql")),
    ("pytest", clients::pytest),
    ("oauth-soak", clients::oauth_soak),
    ("rate-soak", clients::rate_soak),
    ("c-header", clients::c_header),
    ("c-program", clients::c_program),
    ("perl", clients::perl),
    ("php", clients::php),
    ("r", clients::r),
    ("iodbc", crate::iodbc::iodbc),
    ("package", crate::package::test_step),
    ("valgrind", clients::valgrind),
];

/// State shared by the steps.
pub struct Ctx {
    /// The library the client steps load.
    pub driver: PathBuf,
    /// Outcome of the build step, when it ran.
    pub build: Option<Outcome>,
    pub odbc: Option<OdbcEnv>,
    pub trace: bool,
}

impl Ctx {
    /// The driver for a client step, or the step's end when there is none to test.
    pub fn driver(&self) -> Result<PathBuf, StepEnd> {
        if self.build == Some(Outcome::Fail) {
            return Err(StepEnd::skip("the driver did not build"));
        }
        if self.driver.is_file() {
            Ok(self.driver.clone())
        } else {
            Err(StepEnd::fail(format!(
                "no driver at {}; run the build step or pass --driver",
                self.driver.display()
            )))
        }
    }

    /// The private ODBC configuration, written on first use so a client step selected with
    /// `--only` works without naming odbc-env too.
    pub fn odbc(&mut self) -> Result<&OdbcEnv, StepEnd> {
        if self.odbc.is_none() {
            let driver = self.driver()?;
            let env = clients::write_test_env(&driver, self.trace)
                .map_err(|e| StepEnd::fail(format!("could not write the ODBC config: {e}")))?;
            self.odbc = Some(env);
        }
        self.odbc
            .as_ref()
            .ok_or_else(|| StepEnd::fail("no ODBC configuration"))
    }
}

struct Selection {
    skip: Vec<String>,
    only: Option<Vec<String>>,
}

impl Selection {
    fn wants(&self, step: &str) -> Result<(), &'static str> {
        if self.skip.iter().any(|s| s == step) {
            return Err("--skip");
        }
        match &self.only {
            Some(only) if !only.iter().any(|s| s == step) => Err("not in --only"),
            _ => Ok(()),
        }
    }
}

fn list(value: Option<&String>) -> Result<Vec<String>, String> {
    let value = value.ok_or("a comma-separated list of steps must follow")?;
    let names: Vec<String> = value.split(',').map(|s| s.trim().to_string()).collect();
    for name in &names {
        if !STEPS.iter().any(|(step, _)| step == name) {
            return Err(format!("unknown step {name:?}"));
        }
    }
    Ok(names)
}

pub fn run(args: &[String]) -> ExitCode {
    let mut sel = Selection {
        skip: vec![],
        only: None,
    };
    let mut ctx = Ctx {
        driver: cmd::target_dir().join("debug").join("libapiodbc.so"),
        build: None,
        odbc: None,
        trace: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let parsed = match arg.as_str() {
            "--skip" => list(it.next()).map(|l| sel.skip.extend(l)),
            "--only" => list(it.next()).map(|l| sel.only = Some(l)),
            "--no-install" => {
                sel.skip.extend(["packages".into(), "venv".into()]);
                Ok(())
            }
            "--driver" => match it.next() {
                Some(path) => {
                    ctx.driver = PathBuf::from(path);
                    Ok(())
                }
                None => Err("a library path must follow".to_string()),
            },
            "--trace" => {
                ctx.trace = true;
                Ok(())
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other:?}")),
        };
        if let Err(msg) = parsed {
            eprintln!("cargo xtask test: {arg}: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }

    let mut report = Report::default();
    for (name, step) in STEPS {
        if let Err(why) = sel.wants(name) {
            report.skipped(name, why);
            continue;
        }
        let outcome = report.step(name, || step(&mut ctx));
        if *name == "build" {
            ctx.build = Some(outcome);
        }
    }
    report.finish()
}

fn cargo_step(args: &[&str], what: &str) -> StepEnd {
    let mut cmd = cmd::cargo();
    cmd.args(args);
    let out = cmd::run(&mut cmd, RunOpts::default());
    if out.success() {
        StepEnd::pass("")
    } else {
        StepEnd::fail(format!("{what} ({})", out.describe_exit()))
    }
}

fn fmt(_: &mut Ctx) -> StepEnd {
    cargo_step(
        &["fmt", "--all", "--", "--check"],
        "not formatted: run `cargo fmt --all`",
    )
}

/// No module of the driver uses one above it (`cargo xtask modules` prints the graph).
fn modules(_: &mut Ctx) -> StepEnd {
    let (clean, levels) = crate::modules::check();
    if clean {
        StepEnd::pass(format!("no cycles in {} levels", levels.len()))
    } else {
        for level in levels.iter().filter(|l| l.contains("cycle:")) {
            print!("{level}");
        }
        StepEnd::fail("a module uses one above it: run `cargo xtask modules`")
    }
}

fn clippy(_: &mut Ctx) -> StepEnd {
    // --workspace so xtask is held to the same bar as the driver.
    cargo_step(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        "clippy found problems",
    )
}

fn build(_: &mut Ctx) -> StepEnd {
    let end = cargo_step(&["build", "--workspace"], "cargo build failed");
    if end.outcome != Outcome::Pass {
        return end;
    }
    let debug = cmd::target_dir().join("debug");
    let built = debug.join("libapiodbc.so");
    // --workspace builds the sandbox binary too; the REST client tests run it.
    for path in [&built, &debug.join(crate::sandbox::BINARY)] {
        if !path.is_file() {
            return StepEnd::fail(format!(
                "cargo build succeeded but {} is missing",
                path.display()
            ));
        }
    }
    StepEnd::pass(built.display().to_string())
}

fn cargo_test(_: &mut Ctx) -> StepEnd {
    let mut cmd = cmd::cargo();
    // --no-fail-fast: a failing unit test binary should not hide the integration tests' result.
    cmd.args(["test", "--workspace", "--no-fail-fast"]);
    let out = cmd::run(&mut cmd, RunOpts::default());
    let counts = counts::cargo_test(&out.text);
    let detail = counts.map(|c| c.to_string()).unwrap_or_default();
    let again = data_suites_again();
    match (out.success(), counts, again) {
        (true, Some(c), _) if c.total() == 0 => StepEnd::fail("cargo test ran no test"),
        (true, _, Ok(again)) => StepEnd::pass(format!("{detail}; {again}")),
        (true, _, Err(again)) => StepEnd::fail(format!("{detail}; {again}")),
        (false, _, _) => StepEnd::fail(format!("{detail} ({})", out.describe_exit())),
    }
}

/// What the data-driven suites (every table of every profile, joins) must also give with the
/// result cache on and one request at a time: the same rows as with the defaults.
const AGAIN_WITH: &str = "CacheTTL=600;MaxConcurrentRequests=1";

fn data_suites_again() -> Result<String, String> {
    let mut cmd = cmd::cargo();
    cmd.args(["test", "--test", "it", "--", "rest_tables", "rest_joins"])
        .env("APIODBC_TEST_CONNECT_EXTRA", AGAIN_WITH);
    let out = cmd::run(&mut cmd, RunOpts::default());
    let counts = counts::cargo_test(&out.text)
        .map(|c| c.to_string())
        .unwrap_or_default();
    if out.success() {
        Ok(format!("again with {AGAIN_WITH}: {counts}"))
    } else {
        Err(format!(
            "again with {AGAIN_WITH}: {counts} ({})",
            out.describe_exit()
        ))
    }
}

/// Shared by the client steps: a command with the private ODBC configuration applied.
pub fn with_odbc(env: &OdbcEnv, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(cmd::repo_root());
    env.apply(&mut cmd);
    cmd
}

//! `cargo xtask demo`: what a new user should see first. Builds the release driver, registers it
//! in a private ODBC configuration under target/demo, and runs a few queries through isql (the
//! narrow API) and pyodbc (the wide one), printing what comes back: computed queries first, then
//! Pipedrive and Help Scout Docs tables served by the sandbox binary (started here, stopped at
//! the end).

use std::process::{Command, ExitCode};

use crate::cmd::{self, RunOpts};
use crate::install;
use crate::odbc_env::{self, OdbcEnv};
use crate::sandbox::Sandbox;
use crate::summary::Outcome;

const DSN: &str = "apiodbc_demo";

/// Computed queries: they need no profile, so they work before any API does.
const QUERIES: &[&str] = &[
    "SELECT 1 AS one, 'hello' AS greeting",
    "SELECT * FROM sys.sys_tables",
    "SELECT {fn UCASE('odbc')} AS shout",
];

/// The sandbox's size and data: 50 rows per main table, the same data on every run.
const SANDBOX_ARGS: &[&str] = &[
    "--listen",
    "127.0.0.1:0",
    "--records",
    "50",
    "--seed",
    "1",
    // The consent page approves itself, so the desktop OAuth flow below runs unattended.
    "--auto-approve",
];

/// (title, service in the sandbox manifest, queries): joins and aggregates across API tables.
const API_QUERIES: &[(&str, &str, &[&str])] = &[
    (
        "Pipedrive",
        "pipedrive",
        &[
            "SELECT p.name AS person, o.name AS organization, p.primary_email \
             FROM pipedrive.persons p LEFT JOIN pipedrive.organizations o ON p.org_id = o.id \
             ORDER BY p.id LIMIT 10",
            "SELECT pl.name AS pipeline, s.name AS stage, COUNT(*) AS deals, \
             ROUND(SUM(d.value), 2) AS total_value \
             FROM pipedrive.deals d JOIN pipedrive.stages s ON d.stage_id = s.id \
             JOIN pipedrive.pipelines pl ON s.pipeline_id = pl.id \
             GROUP BY pl.name, s.id, s.name ORDER BY s.id",
        ],
    ),
    (
        "Help Scout Docs",
        "helpscout_docs",
        &[
            "SELECT c.name AS collection, COUNT(a.id) AS articles, SUM(a.view_count) AS views \
             FROM helpscout_docs.articles a \
             JOIN helpscout_docs.collections c ON a.collection_id = c.id \
             GROUP BY c.name ORDER BY articles DESC, c.name",
        ],
    ),
];

/// Prints each query's columns and rows; kept short so a reader can follow it.
const PYODBC_SCRIPT: &str = r#"
import os, sys, pyodbc
cnxn = pyodbc.connect(os.environ["APIODBC_CONNSTR"], autocommit=True)
print("driver:", cnxn.getinfo(pyodbc.SQL_DRIVER_NAME), cnxn.getinfo(pyodbc.SQL_DRIVER_VER),
      "| ODBC", cnxn.getinfo(pyodbc.SQL_DRIVER_ODBC_VER))
for query in sys.argv[1:]:
    cur = cnxn.cursor()
    cur.execute(query)
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    print("\n>", query)
    print(" | ".join(names))
    for row in rows:
        print(" | ".join("NULL" if v is None else str(v) for v in row))
    print("(%d row%s)" % (len(rows), "" if len(rows) == 1 else "s"))
cnxn.close()
"#;

pub fn run(args: &[String]) -> ExitCode {
    if let Some(arg) = args.first() {
        eprintln!("cargo xtask demo takes no arguments (got {arg:?})");
        return ExitCode::from(2);
    }
    for (what, end) in [
        ("system packages", install::system_packages()),
        ("python venv", install::python_venv()),
    ] {
        if end.outcome == Outcome::Fail {
            eprintln!("demo: {what}: {}", end.detail);
            return ExitCode::FAILURE;
        }
    }

    println!("\n==> building the driver (release)");
    let mut build = cmd::cargo();
    build.args(["build", "--release", "--workspace"]);
    if !cmd::run(&mut build, RunOpts::default()).success() {
        eprintln!("demo: cargo build --release failed");
        return ExitCode::FAILURE;
    }
    let release = cmd::target_dir().join("release");
    let driver = release.join("libapiodbc.so");

    // API tables: the sandbox binary imitates the five services; its manifest hands out a
    // working connection string per service, used as they are with isql -k and pyodbc.
    let sandbox_binary = release.join(crate::sandbox::BINARY);
    let sandbox = match Sandbox::start(&sandbox_binary, SANDBOX_ARGS) {
        Ok(s) => {
            println!("\nsandbox listening on {}", s.base_url);
            s
        }
        Err(e) => {
            eprintln!("demo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let api = match api_sessions(&sandbox) {
        Ok(api) => api,
        Err(e) => {
            eprintln!("demo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let dsn_keys: Vec<(String, String)> = Vec::new();

    let env = match OdbcEnv::write(
        &cmd::target_dir().join("demo"),
        &odbc_env::Options {
            driver: &driver,
            dsn: DSN,
            description: "apiodbc demo",
            dsn_keys: &dsn_keys,
            trace: false,
        },
    ) {
        Ok(env) => env,
        Err(e) => {
            eprintln!("demo: could not write target/demo: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "\nregistered driver [{}] = {}\nDSN [{DSN}] in {}/odbc.ini",
        odbc_env::DRIVER_NAME,
        driver.display(),
        env.dir().display()
    );

    let mut ok = isql(&env, &["-v", "-b", "-c", "-d|", DSN], QUERIES);
    ok &= pyodbc(&env, &format!("DSN={DSN}"), QUERIES);
    for session in &api {
        println!("\n==> {} (sandbox)", session.title);
        let connstr = format!("DRIVER={{{}}};{}", odbc_env::DRIVER_NAME, session.connstr);
        ok &= isql(
            &env,
            &["-v", "-b", "-c", "-d|", "-k", &connstr],
            session.queries,
        );
        ok &= pyodbc(&env, &connstr, session.queries);
    }
    ok &= oauth_desktop(&env, &sandbox);
    drop(sandbox);

    println!(
        "\nTry it yourself:\n  ODBCSYSINI={dir} ODBCINI={dir}/odbc.ini isql -v {DSN}",
        dir = env.dir().display()
    );
    println!(
        "  {} --listen 127.0.0.1:0 --records 50 --seed 1   # then GET /_sandbox/manifest",
        sandbox_binary.display()
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn isql(env: &OdbcEnv, args: &[&str], queries: &[&str]) -> bool {
    isql_with(env, args, queries, &[])
}

fn isql_with(env: &OdbcEnv, args: &[&str], queries: &[&str], vars: &[(&str, &str)]) -> bool {
    println!("\n==> isql");
    let mut cmd = Command::new("isql");
    env.apply(&mut cmd);
    cmd.envs(vars.iter().copied());
    // -d'|' -c: delimited output with a header row, which stays readable for wide columns.
    cmd.args(args);
    let input = queries.join("\n") + "\n";
    let out = cmd::run(
        &mut cmd,
        RunOpts {
            stdin: Some(&input),
            ..RunOpts::default()
        },
    );
    out.success() && !out.text.contains("[ISQL]ERROR")
}

fn pyodbc(env: &OdbcEnv, connstr: &str, queries: &[&str]) -> bool {
    pyodbc_with(env, connstr, queries, &[])
}

fn pyodbc_with(env: &OdbcEnv, connstr: &str, queries: &[&str], vars: &[(&str, &str)]) -> bool {
    println!("\n==> pyodbc");
    let mut cmd = Command::new(install::venv_python());
    env.apply(&mut cmd);
    cmd.envs(vars.iter().copied());
    cmd.arg("-c")
        .arg(PYODBC_SCRIPT)
        .args(queries)
        .env("APIODBC_CONNSTR", connstr);
    cmd::run(&mut cmd, RunOpts::default()).success()
}

/// Queries on one service of the sandbox, with the connection string its manifest gives.
struct ApiSession {
    title: &'static str,
    connstr: String,
    queries: &'static [&'static str],
}

fn api_sessions(sandbox: &Sandbox) -> Result<Vec<ApiSession>, String> {
    let manifest = sandbox.manifest()?;
    API_QUERIES
        .iter()
        .map(|(title, service, queries)| {
            // A string with its credentials in it (token, API key), not one that starts an
            // OAuth flow: the demo shows data, and must not wait for a browser.
            let strings: Vec<&str> = manifest
                .at(&["services", service, "connection_strings"])
                .map(|m| m.entries().filter_map(|(_, v)| v.as_str()).collect())
                .unwrap_or_default();
            let connstr = strings
                .iter()
                .find(|s| {
                    !s.to_ascii_lowercase()
                        .contains("initiateoauth=getandrefresh")
                })
                .or(strings.first())
                .ok_or_else(|| {
                    format!("the sandbox manifest has no connection string for {service}")
                })?;
            Ok(ApiSession {
                title,
                connstr: connstr.to_string(),
                queries,
            })
        })
        .collect()
}

/// The desktop OAuth flow (InitiateOAuth=GETANDREFRESH) against the sandbox's Pipedrive
/// authorization server: the driver opens "the browser" — here a script that follows the
/// authorization URL the way a browser would after the user clicks Approve — receives the code on
/// its loopback listener, stores the tokens, and queries. The second client (isql) finds the
/// stored token and opens no browser.
fn oauth_desktop(env: &OdbcEnv, sandbox: &Sandbox) -> bool {
    println!("\n==> OAuth desktop flow: Pipedrive (sandbox, auto-approved consent)");
    let manifest = match sandbox.manifest() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("demo: {e}");
            return false;
        }
    };
    let Some(oauth) = manifest
        .at(&["services", "pipedrive", "connection_strings", "OAUTH"])
        .and_then(|v| v.as_str())
    else {
        eprintln!("demo: the sandbox manifest has no OAUTH connection string for pipedrive");
        return false;
    };
    let dir = cmd::target_dir().join("demo").join("oauth");
    let settings = dir.join("OAuthSettings.txt");
    let browser = dir.join("browser.sh");
    let script = format!(
        "#!/bin/sh\necho \"browser: opening $1\" >&2\nexec '{}' -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' \"$1\"\n",
        install::venv_python().display()
    );
    let written = std::fs::create_dir_all(&dir)
        .and_then(|_| match std::fs::remove_file(&settings) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        })
        .and_then(|_| std::fs::write(&browser, script))
        .and_then(|_| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755))
        });
    if let Err(e) = written {
        eprintln!("demo: could not prepare {}: {e}", dir.display());
        return false;
    }
    let connstr = format!(
        "DRIVER={{{}}};{oauth};OAuthSettingsLocation={}",
        odbc_env::DRIVER_NAME,
        settings.display()
    );
    let browser_path = browser.display().to_string();
    let vars = [("BROWSER", browser_path.as_str())];
    let queries = &["SELECT id, name FROM persons ORDER BY id LIMIT 3"];
    let mut ok = pyodbc_with(env, &connstr, queries, &vars);
    println!("(tokens stored encrypted in {})", settings.display());
    ok &= isql_with(
        env,
        &["-v", "-b", "-c", "-d|", "-k", &connstr],
        queries,
        &[],
    );
    ok
}

//! The shared set-up of the integration tests: a private unixODBC configuration that registers the
//! freshly built `libapiodbc.so`, one `odbc_api::Environment` for the whole process, and small
//! helpers to connect, run queries as text and read SQLSTATEs out of `odbc_api::Error`s.
//!
//! The configuration lives in `<target dir>/it-odbc/<pid>/` (`odbcinst.ini` with the `[apiodbc]`
//! driver, `odbc.ini` with the DSNs below); `ODBCSYSINI` and `ODBCINI` point at it before the
//! driver manager is first touched. Folders left behind by earlier runs whose process is gone are
//! removed. The driver is registered with `Threading = 0`, so unixODBC does not serialise calls and
//! the threads and cancellation tests exercise the driver's own thread safety. Nothing here links the `apiodbc` crate: its exported `SQL*` symbols would shadow the
//! driver manager's.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use odbc_api::handles::{AsStatementRef, Record, Statement, StatementImpl};
use odbc_api::sys::{HStmt, SqlReturn};
use odbc_api::{Connection, ConnectionOptions, Cursor, Environment, Error, Preallocated};

/// A DSN with `MaxRows = 0`: every test that needs a plain connection uses it.
pub const DSN: &str = "apiodbc_it";
/// A DSN with `MaxRows = 5` and `Pagesize = 77`, to show how DSN keys and string keys combine.
pub const CAPPED_DSN: &str = "apiodbc_it_capped";

/// A character outside the Basic Multilingual Plane (a UTF-16 surrogate pair), Latin letters with
/// diacritics and CJK.
pub const UNICODE_TEXT: &str = "🙂 ünïcødé 日本 𝄞";

struct Setup {
    driver: PathBuf,
    env: Environment,
}

static SETUP: OnceLock<Setup> = OnceLock::new();

fn setup() -> &'static Setup {
    SETUP.get_or_init(|| {
        let driver = find_driver();
        let dir = config_dir();
        write_config(&dir, &driver);
        // This runs once, inside the OnceLock, before any Environment exists, so the driver
        // manager reads these variables when it first loads its configuration.
        std::env::set_var("ODBCSYSINI", &dir);
        std::env::set_var("ODBCINI", dir.join("odbc.ini"));
        let env = Environment::new().expect("allocating the unixODBC environment");
        Setup { driver, env }
    })
}

/// The one environment all tests share.
pub fn env() -> &'static Environment {
    &setup().env
}

/// Absolute path of the driver library under test.
pub fn driver_path() -> &'static Path {
    &setup().driver
}

fn find_driver() -> PathBuf {
    const LIB: &str = "libapiodbc.so";
    if let Some(path) = std::env::var_os("APIODBC_DRIVER_PATH") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "APIODBC_DRIVER_PATH={} is not a file",
            path.display()
        );
        return fs::canonicalize(&path).unwrap_or(path);
    }
    // The test executable is <target>/<profile>/deps/it-<hash>; the cdylib of the same build is
    // <target>/<profile>/libapiodbc.so. This follows CARGO_TARGET_DIR and the profile.
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join(LIB)));
    let in_manifest_target = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/debug")
        .join(LIB);
    let candidates: Vec<PathBuf> = beside_exe.into_iter().chain([in_manifest_target]).collect();
    for candidate in &candidates {
        if candidate.is_file() {
            return fs::canonicalize(candidate).unwrap_or_else(|_| candidate.clone());
        }
    }
    panic!(
        "the driver library {LIB} was not found (looked at {candidates:?}); run `cargo build` \
         first, or set APIODBC_DRIVER_PATH to its path"
    );
}

/// `<target dir>/it-odbc/<pid>`, after removing the folders of earlier runs that have ended.
fn config_dir() -> PathBuf {
    let base = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("it-odbc")))
        .unwrap_or_else(|| std::env::temp_dir().join("apiodbc-it-odbc"));
    if let Ok(entries) = fs::read_dir(&base) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            if !Path::new("/proc").join(pid.to_string()).exists() {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = base.join(std::process::id().to_string());
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    dir
}

fn write_config(dir: &Path, driver: &Path) {
    let odbcinst = format!(
        "[apiodbc]\nDescription = apiodbc under test\nDriver = {}\nThreading = 0\n",
        driver.display()
    );
    let odbc = format!(
        "[{DSN}]\nDriver = apiodbc\nDescription = apiodbc integration tests\nMaxRows = 0\n\n\
         [{CAPPED_DSN}]\nDriver = apiodbc\nMaxRows = 5\nPagesize = 77\n"
    );
    for (name, text) in [("odbcinst.ini", odbcinst), ("odbc.ini", odbc)] {
        let path = dir.join(name);
        fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
}

/// Connects with a full connection string, without the connect-time request
/// (`VerifyConnection=FALSE` is appended; the first of a repeated key wins, so a test that sets
/// it keeps its value). Tests share sandboxes and count their requests: a connect elsewhere
/// must not land in another test's count. `connect_check.rs` tests the check itself.
pub fn connect_str(connection_string: &str) -> Result<Connection<'static>, Error> {
    let cs = format!("{connection_string};VerifyConnection=FALSE");
    env().connect_with_connection_string(&cs, ConnectionOptions::default())
}

/// Connects to the test DSN; `extra` keys (e.g. `"MaxRows=3;"`) come first and so win.
pub fn connect_with(extra: &str) -> Result<Connection<'static>, Error> {
    connect_str(&format!("{extra}DSN={DSN};"))
}

/// A connection to the test DSN, or a panic with the driver's diagnostic.
pub fn connect() -> Connection<'static> {
    connect_with("").unwrap_or_else(|e| panic!("connecting to DSN={DSN}: {e}"))
}

/// `Result::expect_err` for results whose success type is not `Debug` (connections, cursors).
pub trait MustFail {
    fn must_fail(self, what: &str) -> Error;
}

impl<T> MustFail for Result<T, Error> {
    fn must_fail(self, what: &str) -> Error {
        match self {
            Ok(_) => panic!("expected an error: {what}"),
            Err(e) => e,
        }
    }
}

/// The SQLSTATE of an error that carries a diagnostic record.
pub fn sqlstate(error: &Error) -> String {
    match error {
        Error::Diagnostics { record, .. } => record.state.as_str().to_string(),
        other => panic!("expected an error with a diagnostic record, got: {other}"),
    }
}

/// The message text of an error that carries a diagnostic record.
pub fn message(error: &Error) -> String {
    match error {
        Error::Diagnostics { record, .. } => String::from_utf8_lossy(&record.message).into_owned(),
        other => panic!("expected an error with a diagnostic record, got: {other}"),
    }
}

/// Every diagnostic record (SQLSTATE, message) currently held by a handle.
pub fn diagnostics(
    handle: &(impl odbc_api::handles::Diagnostics + ?Sized),
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut record = Record::default();
    let mut number = 1;
    while record.fill_from(handle, number) {
        out.push((
            record.state.as_str().to_string(),
            String::from_utf8_lossy(&record.message).into_owned(),
        ));
        number += 1;
    }
    out
}

/// Reads every row of a cursor as text, column by column with SQLGetData.
pub fn rows_as_text(cursor: &mut impl Cursor) -> Vec<Vec<Option<String>>> {
    let columns = cursor.num_result_cols().expect("SQLNumResultCols") as u16;
    let mut rows = Vec::new();
    let mut buf = Vec::new();
    while let Some(mut row) = cursor.next_row().expect("SQLFetch") {
        let mut values = Vec::with_capacity(columns as usize);
        for col in 1..=columns {
            let present = row.get_text(col, &mut buf).expect("SQLGetData as text");
            values.push(present.then(|| String::from_utf8(buf.clone()).expect("UTF-8 text")));
        }
        rows.push(values);
    }
    rows
}

/// Runs a query and returns all its rows as text; panics on an error.
pub fn query_text(conn: &Connection<'_>, sql: &str) -> Vec<Vec<Option<String>>> {
    let mut cursor = conn
        .execute(sql, (), None)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: no result set"));
    rows_as_text(&mut cursor)
}

/// The single value of a one-row, one-column query, as text.
pub fn scalar_text(conn: &Connection<'_>, sql: &str) -> Option<String> {
    let rows = query_text(conn, sql);
    assert_eq!(rows.len(), 1, "{sql}: expected one row, got {rows:?}");
    assert_eq!(rows[0].len(), 1, "{sql}: expected one column, got {rows:?}");
    rows[0][0].clone()
}

/// The value of a property as `sys.sys_connection_props` shows it.
pub fn connection_prop(conn: &Connection<'_>, name: &str) -> Option<String> {
    let rows = query_text(
        conn,
        &format!("SELECT \"Value\" FROM sys.sys_connection_props WHERE \"Name\" = '{name}'"),
    );
    assert!(rows.len() <= 1, "{name} listed twice: {rows:?}");
    rows.into_iter().next().and_then(|mut r| r.remove(0))
}

/// A raw statement handle that may cross threads: ODBC handles are usable from any thread, and
/// SQLCancel is meant to be called from another thread than the one running the statement.
#[derive(Clone, Copy)]
pub struct SendHStmt(pub HStmt);

// SAFETY: the ODBC specification allows any handle to be used from any thread.
unsafe impl Send for SendHStmt {}

/// The raw handle of a statement (a `StatementImpl`, `Preallocated`, `Prepared` or cursor).
pub fn raw_stmt(stmt: &mut impl AsStatementRef) -> SendHStmt {
    SendHStmt(stmt.as_stmt_ref().as_sys())
}

/// Whether a raw call succeeded (SQL_SUCCESS or SQL_SUCCESS_WITH_INFO).
pub fn succeeded(ret: SqlReturn) -> bool {
    ret == SqlReturn::SUCCESS || ret == SqlReturn::SUCCESS_WITH_INFO
}

/// Executes `sql` on `stmt` and fetches all its rows; the first error, if any.
///
/// After SQLCancel, unixODBC puts the statement back into its "no cursor" state, so odbc-api's
/// SQLCloseCursor on dropping the cursor would fail (24000) and panic; on an error the cursor is
/// released without that call and closed with SQLFreeStmt(SQL_CLOSE), which any state allows.
pub fn run_to_end(stmt: &mut Preallocated<StatementImpl<'_>>, sql: &str) -> Result<(), Error> {
    let Some(mut cursor) = stmt.execute(sql, ())? else {
        return Ok(());
    };
    loop {
        match cursor.next_row() {
            Ok(Some(_)) => {}
            Ok(None) => return Ok(()),
            Err(err) => {
                let handle = cursor.into_stmt().as_sys();
                let _ = unsafe {
                    odbc_api::sys::SQLFreeStmt(handle, odbc_api::sys::FreeStmtOption::Close)
                };
                return Err(err);
            }
        }
    }
}

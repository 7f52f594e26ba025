//! The C ABI: every exported `SQL*` function, in ANSI (`SQLCHAR`, UTF-8) and Unicode (`SQLWCHAR`,
//! UTF-16) forms over one implementation, pointer checks and text decoding. With `ffi`, it
//! is the only home of `unsafe`: each export is an `unsafe extern "C" fn` whose `# Safety` states
//! the ODBC buffer contract, and turns its pointer arguments into `ffi::AppPtr`s. Every export goes through [`entry`]: it validates the handle, clears
//! diagnostics, catches panics (SQL_ERROR + HY000, never an unwind into C) and turns the result
//! into an SQLRETURN. Nothing here calls an exported symbol: exports call the safe internals.

#![allow(unsafe_code)]

pub mod exports_catalog;
pub mod exports_connect;
pub mod exports_desc;
pub mod exports_diag;
pub mod exports_handles;
pub mod exports_info;
pub mod exports_statement;
pub mod functions;
pub mod registry;
pub mod text;
pub mod types;

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{state, Error, Result};
use crate::handles::Status;
use crate::odbc::returns::{
    SQL_ERROR, SQL_HANDLE_DBC, SQL_HANDLE_DESC, SQL_HANDLE_ENV, SQL_HANDLE_STMT,
    SQL_INVALID_HANDLE, SQL_NEED_DATA, SQL_NO_DATA, SQL_SUCCESS, SQL_SUCCESS_WITH_INFO,
};
use registry::Handle;
use types::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandleKind {
    Env,
    Conn,
    Stmt,
    Desc,
}

fn kind_of(handle: &Handle) -> HandleKind {
    match handle {
        Handle::Env(_) => HandleKind::Env,
        Handle::Conn(_) => HandleKind::Conn,
        Handle::Stmt(_) => HandleKind::Stmt,
        Handle::Desc(_) => HandleKind::Desc,
    }
}

pub(crate) fn kind_from_type(handle_type: SQLSMALLINT) -> Option<HandleKind> {
    match handle_type {
        SQL_HANDLE_ENV => Some(HandleKind::Env),
        SQL_HANDLE_DBC => Some(HandleKind::Conn),
        SQL_HANDLE_STMT => Some(HandleKind::Stmt),
        SQL_HANDLE_DESC => Some(HandleKind::Desc),
        _ => None,
    }
}

/// Looks a handle up; `None` when it is null, freed, unknown or of another kind.
pub(crate) fn find(handle: SQLHANDLE, kind: HandleKind) -> Option<Handle> {
    registry::lookup(handle as usize).filter(|h| kind_of(h) == kind)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_string());
    crate::logging::redact(&text)
}

/// Runs `body` for a handle of the expected kind; see the module comment.
pub(crate) fn entry(
    handle: SQLHANDLE,
    kind: HandleKind,
    body: impl FnOnce(&Handle) -> Result<Status>,
) -> SQLRETURN {
    let Some(found) = find(handle, kind) else {
        return SQL_INVALID_HANDLE;
    };
    found.diag().clear();
    finish(&found, catch_unwind(AssertUnwindSafe(|| body(&found))))
}

/// Like [`entry`] but keeps the diagnostics (SQLGetDiagRec and SQLGetDiagField read them).
pub(crate) fn entry_keep_diag(
    handle: SQLHANDLE,
    kind: HandleKind,
    body: impl FnOnce(&Handle) -> SQLRETURN,
) -> SQLRETURN {
    let Some(found) = find(handle, kind) else {
        return SQL_INVALID_HANDLE;
    };
    catch_unwind(AssertUnwindSafe(|| body(&found))).unwrap_or(SQL_ERROR)
}

fn finish(handle: &Handle, outcome: std::thread::Result<Result<Status>>) -> SQLRETURN {
    let diag = handle.diag();
    let code = match outcome {
        Ok(Ok(Status::Success)) if diag.has_warnings() => SQL_SUCCESS_WITH_INFO,
        Ok(Ok(Status::Success)) => SQL_SUCCESS,
        Ok(Ok(Status::NoData)) => SQL_NO_DATA,
        Ok(Ok(Status::NeedData)) => SQL_NEED_DATA,
        Ok(Err(error)) => {
            tracing::debug!(sqlstate = %error.state, message = %error.message, "error");
            diag.push_error(&error);
            SQL_ERROR
        }
        Err(payload) => {
            let message = format!(
                "Internal error ({}); please report it with the driver log",
                panic_message(payload.as_ref())
            );
            tracing::error!(%message, "panic");
            diag.push_error(&Error::new(state::GENERAL_ERROR, message));
            SQL_ERROR
        }
    };
    diag.set_return_code(code);
    code
}

/// HY009: a required pointer argument was null.
pub(crate) fn null_pointer(what: &str) -> Error {
    Error::new(
        state::INVALID_NULL_POINTER,
        format!("Invalid use of null pointer: {what} is required"),
    )
}

pub(crate) fn as_env(
    h: &Handle,
) -> Result<&std::sync::Arc<crate::handles::environment::Environment>> {
    match h {
        Handle::Env(e) => Ok(e),
        _ => Err(Error::general("Internal error: not an environment handle")),
    }
}

pub(crate) fn as_conn(
    h: &Handle,
) -> Result<&std::sync::Arc<crate::handles::connection::Connection>> {
    match h {
        Handle::Conn(c) => Ok(c),
        _ => Err(Error::general("Internal error: not a connection handle")),
    }
}

pub(crate) fn as_stmt(h: &Handle) -> Result<&std::sync::Arc<crate::handles::statement::Statement>> {
    match h {
        Handle::Stmt(s) => Ok(s),
        _ => Err(Error::general("Internal error: not a statement handle")),
    }
}

pub(crate) fn as_desc(
    h: &Handle,
) -> Result<&std::sync::Arc<crate::handles::descriptor::Descriptor>> {
    match h {
        Handle::Desc(d) => Ok(d),
        _ => Err(Error::general("Internal error: not a descriptor handle")),
    }
}

/// Writes a text output and records 01004 when it was cut.
pub(crate) fn output_text<E: text::Encoding>(
    handle: &Handle,
    ptr: crate::ffi::AppPtr,
    buffer_len: isize,
    unit: text::LengthUnit,
    value: &str,
) -> text::Written {
    let written = text::write_output::<E>(ptr, buffer_len, unit, value);
    if written.truncated && !ptr.is_null() {
        handle.diag().truncation_warning();
    }
    written
}

#[cfg(test)]
mod header_tests {
    /// The committed header must be what cbindgen makes of today's exports.
    #[test]
    fn committed_header_is_current() {
        let generated = include_str!(concat!(env!("OUT_DIR"), "/apiodbc.h"));
        let committed = include_str!("../../include/apiodbc.h");
        assert!(
            generated == committed,
            "include/apiodbc.h is stale: run `cargo xtask header` and commit the regenerated header"
        );
    }

    /// Every export named by SQLGetFunctions is declared in the header, with its W form where
    /// the function takes text.
    #[test]
    fn header_declares_every_reported_function() {
        let header = include_str!("../../include/apiodbc.h");
        for (_, name) in super::functions::EXPORTED {
            assert!(
                header.contains(&format!(" {name}(")),
                "{name} is missing from the header"
            );
        }
    }
}

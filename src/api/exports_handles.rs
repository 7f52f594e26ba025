//! Exports that allocate and free handles and set environment attributes: SQLAllocHandle,
//! SQLFreeHandle, SQLFreeStmt, SQLSetEnvAttr, SQLGetEnvAttr, SQLEndTran, SQLCancel, SQLGetFunctions.
#![allow(non_snake_case)]

use std::sync::Arc;

use super::registry::{self, Handle};
use super::types::*;
use super::{as_conn, as_env, as_stmt, entry, find, functions, null_pointer, HandleKind};
use crate::error::{state, Error};
use crate::ffi::AppPtr;
use crate::handles::{connection::Connection, environment::Environment, statement, Status};
use crate::odbc::attributes::SQL_ATTR_CONNECTION_POOLING;
use crate::odbc::functions::{SQL_API_ALL_FUNCTIONS, SQL_API_ODBC3_ALL_FUNCTIONS};
use crate::odbc::returns::{
    SQL_CLOSE, SQL_DROP, SQL_ERROR, SQL_HANDLE_DBC, SQL_HANDLE_DESC, SQL_HANDLE_ENV,
    SQL_HANDLE_STMT, SQL_INVALID_HANDLE, SQL_RESET_PARAMS, SQL_SUCCESS, SQL_UNBIND,
};

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLAllocHandle(
    HandleType: SQLSMALLINT,
    InputHandle: SQLHANDLE,
    OutputHandle: *mut SQLHANDLE,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        let out = AppPtr::new(OutputHandle);
        match HandleType {
            SQL_HANDLE_ENV => {
                if out.is_null() {
                    return SQL_ERROR;
                }
                let result = std::panic::catch_unwind(|| {
                    crate::wchar::set_width(wchar_width());
                    registry::register(Handle::Env(Arc::new(Environment::new())))
                });
                match result {
                    Ok(address) => {
                        out.write_ptr(address);
                        SQL_SUCCESS
                    }
                    Err(_) => SQL_ERROR,
                }
            }
            SQL_HANDLE_DBC => entry(InputHandle, HandleKind::Env, |h| {
                let env = as_env(h)?;
                if out.is_null() {
                    return Err(null_pointer("OutputHandlePtr"));
                }
                let conn = Arc::new(Connection::new(env.clone()));
                env.connection_opened();
                out.write_ptr(registry::register(Handle::Conn(conn)));
                Ok(Status::Success)
            }),
            SQL_HANDLE_STMT => entry(InputHandle, HandleKind::Conn, |h| {
                let conn = as_conn(h)?;
                if out.is_null() {
                    return Err(null_pointer("OutputHandlePtr"));
                }
                if !conn.is_connected() {
                    return Err(Error::new(
                        state::CONNECTION_NOT_OPEN,
                        "Connect before allocating a statement",
                    ));
                }
                out.write_ptr(registry::register_statement(statement::allocate(
                    conn.clone(),
                )));
                Ok(Status::Success)
            }),
            SQL_HANDLE_DESC => entry(InputHandle, HandleKind::Conn, |_| {
                out.write_ptr(0);
                Err(Error::new(
                    state::OPTIONAL_FEATURE_NOT_IMPLEMENTED,
                    "Explicitly allocated descriptors are not supported; use the statement's implicit descriptors",
                ))
            }),
            _ => {
                // The handle type is wrong but the input handle may still take the diagnostic.
                for kind in [HandleKind::Env, HandleKind::Conn] {
                    if find(InputHandle, kind).is_some() {
                        return entry(InputHandle, kind, |_| {
                            Err(Error::new(
                                state::INVALID_ATTRIBUTE_VALUE,
                                format!("Handle type {HandleType} is not valid"),
                            ))
                        });
                    }
                }
                SQL_ERROR
            }
        }
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLFreeHandle(HandleType: SQLSMALLINT, Handle: SQLHANDLE) -> SQLRETURN {
    let Some(kind) = super::kind_from_type(HandleType) else {
        return SQL_INVALID_HANDLE;
    };
    let address = Handle as usize;
    entry(Handle, kind, |h| {
        match h {
            Handle::Env(env) => {
                if env.has_connections() {
                    return Err(Error::new(
                        state::FUNCTION_SEQUENCE_ERROR,
                        "Function sequence error: free the environment's connections first",
                    ));
                }
            }
            Handle::Conn(conn) => {
                if conn.is_connected() {
                    return Err(Error::new(
                        state::FUNCTION_SEQUENCE_ERROR,
                        "Function sequence error: disconnect before freeing the connection",
                    ));
                }
                conn.env.connection_freed();
            }
            Handle::Stmt(stmt) => {
                stmt.cancel.cancel();
                stmt.conn.remove_statement(address);
                registry::release_statement(address);
                return Ok(Status::Success);
            }
            Handle::Desc(_) => {
                return Err(Error::new(
                    state::INVALID_USE_OF_AUTO_DESCRIPTOR,
                    "An implicitly allocated descriptor cannot be freed",
                ))
            }
        }
        registry::unregister(address);
        Ok(Status::Success)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLFreeStmt(StatementHandle: SQLHSTMT, Option: SQLUSMALLINT) -> SQLRETURN {
    if Option == SQL_DROP {
        return SQLFreeHandle_internal(StatementHandle);
    }
    entry(StatementHandle, HandleKind::Stmt, |h| {
        let stmt = as_stmt(h)?;
        match Option {
            SQL_CLOSE => stmt.close_cursor(false)?,
            SQL_UNBIND => stmt.unbind(),
            SQL_RESET_PARAMS => stmt.reset_params(),
            other => {
                return Err(Error::new(
                    state::INVALID_ATTRIBUTE_VALUE,
                    format!("SQLFreeStmt option {other} is not valid"),
                ))
            }
        }
        Ok(Status::Success)
    })
}

/// SQLFreeStmt(SQL_DROP) without calling the exported SQLFreeHandle symbol.
#[allow(non_snake_case)]
fn SQLFreeHandle_internal(handle: SQLHSTMT) -> SQLRETURN {
    let address = handle as usize;
    entry(handle, HandleKind::Stmt, |h| {
        let stmt = as_stmt(h)?;
        stmt.cancel.cancel();
        stmt.conn.remove_statement(address);
        registry::release_statement(address);
        Ok(Status::Success)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLSetEnvAttr(
    EnvironmentHandle: SQLHENV,
    Attribute: SQLINTEGER,
    Value: SQLPOINTER,
    _StringLength: SQLINTEGER,
) -> SQLRETURN {
    if EnvironmentHandle.is_null() {
        // Process-level pooling (SQLSetEnvAttr(NULL, SQL_ATTR_CONNECTION_POOLING)) is the driver
        // manager's business; accept it.
        return if Attribute == SQL_ATTR_CONNECTION_POOLING {
            SQL_SUCCESS
        } else {
            SQL_INVALID_HANDLE
        };
    }
    entry(EnvironmentHandle, HandleKind::Env, |h| {
        as_env(h)?.set_attr(Attribute, Value as usize)?;
        Ok(Status::Success)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetEnvAttr(
    EnvironmentHandle: SQLHENV,
    Attribute: SQLINTEGER,
    Value: SQLPOINTER,
    _BufferLength: SQLINTEGER,
    StringLength: *mut SQLINTEGER,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(EnvironmentHandle, HandleKind::Env, |h| {
            let value = as_env(h)?.get_attr(Attribute)?;
            AppPtr::new(Value).write_u32(value);
            AppPtr::new(StringLength).write_i32(4);
            Ok(Status::Success)
        })
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLEndTran(
    HandleType: SQLSMALLINT,
    Handle: SQLHANDLE,
    CompletionType: SQLSMALLINT,
) -> SQLRETURN {
    let kind = match HandleType {
        SQL_HANDLE_ENV => HandleKind::Env,
        SQL_HANDLE_DBC => HandleKind::Conn,
        _ => return SQL_INVALID_HANDLE,
    };
    entry(Handle, kind, |_| {
        // Read-only and non-transactional: commit and rollback have nothing to do.
        match CompletionType {
            0 | 1 => Ok(Status::Success),
            other => Err(Error::new(
                state::INVALID_TRANSACTION_OPERATION,
                format!("Completion type {other} is not SQL_COMMIT or SQL_ROLLBACK"),
            )),
        }
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLCancel(StatementHandle: SQLHSTMT) -> SQLRETURN {
    entry(StatementHandle, HandleKind::Stmt, |h| {
        // No statement lock: the statement may be running on another thread right now.
        as_stmt(h)?.request_cancel();
        Ok(Status::Success)
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLGetFunctions(
    ConnectionHandle: SQLHDBC,
    FunctionId: SQLUSMALLINT,
    Supported: *mut SQLUSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        entry(ConnectionHandle, HandleKind::Conn, |_| {
            let out = AppPtr::new(Supported);
            if out.is_null() {
                return Err(null_pointer("SupportedPtr"));
            }
            match FunctionId {
                SQL_API_ODBC3_ALL_FUNCTIONS => {
                    for (i, word) in functions::odbc3_bitmap().iter().enumerate() {
                        out.offset((i * 2) as isize).write_u16(*word);
                    }
                }
                SQL_API_ALL_FUNCTIONS => {
                    for (i, flag) in functions::odbc2_array().iter().enumerate() {
                        out.offset((i * 2) as isize).write_u16(*flag);
                    }
                }
                id => out.write_u16(functions::is_exported(id) as u16),
            }
            Ok(Status::Success)
        })
    }
}

/// The SQLWCHAR width for the driver manager in this process: 4-byte `wchar_t` under iODBC (until
/// an iODBC of 3.52.14 or later asks for SQL_ATTR_DRIVER_UNICODE_TYPE and is told UTF-16),
/// UTF-16 everywhere else; `APIODBC_WCHAR_SIZE` overrides both.
fn wchar_width() -> crate::wchar::Width {
    use crate::ffi::driver_manager::{driver_manager, wchar_size_override, DriverManager};
    use crate::wchar::Width;
    match (wchar_size_override(), driver_manager()) {
        (Some(4), _) => Width::Ucs4,
        (Some(_), _) => Width::Utf16,
        (None, DriverManager::Iodbc) => Width::Ucs4,
        (None, _) => Width::Utf16,
    }
}

//! Catalog exports (SQLTables, SQLColumns, SQLPrimaryKeys, SQLForeignKeys, SQLStatistics,
//! SQLSpecialColumns, SQLProcedures, SQLProcedureColumns), ANSI and Unicode. Name lengths are in
//! characters; a null name pointer matches everything.
#![allow(non_snake_case)]

use super::text::{read_input, Encoding, Narrow, Wide};
use super::types::*;
use super::{as_stmt, entry, HandleKind};
use crate::error::Result;
use crate::ffi::AppPtr;
use crate::handles::catalog::{self, Names};
use crate::handles::statement::Statement;
use crate::handles::Status;

/// (pointer, length) of one name argument.
type Arg = (AppPtr, SQLSMALLINT);

fn names<E: Encoding>(catalog: Arg, schema: Arg, table: Arg, column: Arg) -> Result<Names> {
    Ok(Names {
        catalog: read_input::<E>(catalog.0, catalog.1 as isize)?,
        schema: read_input::<E>(schema.0, schema.1 as isize)?,
        table: read_input::<E>(table.0, table.1 as isize)?,
        column: read_input::<E>(column.0, column.1 as isize)?,
    })
}

const NONE: Arg = (AppPtr::NULL, 0);

fn run(
    hstmt: SQLHSTMT,
    build: impl FnOnce(&Statement) -> Result<datafusion::arrow::record_batch::RecordBatch>,
) -> SQLRETURN {
    entry(hstmt, HandleKind::Stmt, |h| {
        let stmt = as_stmt(h)?;
        let batch = build(stmt)?;
        stmt.open_batch(batch)?;
        Ok(Status::Success)
    })
}

fn tables<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, t: Arg, types: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        let n = names::<E>(c, s, t, NONE)?;
        let types = read_input::<E>(types.0, types.1 as isize)?;
        catalog::tables(&stmt.conn.session()?.engine.catalog(), &n, types.as_deref())
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLTables(
    StatementHandle: SQLHSTMT,
    CatalogName: *mut SQLCHAR,
    NameLength1: SQLSMALLINT,
    SchemaName: *mut SQLCHAR,
    NameLength2: SQLSMALLINT,
    TableName: *mut SQLCHAR,
    NameLength3: SQLSMALLINT,
    TableType: *mut SQLCHAR,
    NameLength4: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        tables::<Narrow>(
            StatementHandle,
            (AppPtr::new(CatalogName), NameLength1),
            (AppPtr::new(SchemaName), NameLength2),
            (AppPtr::new(TableName), NameLength3),
            (AppPtr::new(TableType), NameLength4),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLTablesW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLWCHAR,
    cbTableName: SQLSMALLINT,
    szTableType: *mut SQLWCHAR,
    cbTableType: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        tables::<Wide>(
            hstmt,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szTableName), cbTableName),
            (AppPtr::new(szTableType), cbTableType),
        )
    }
}

fn columns<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, t: Arg, col: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        let n = names::<E>(c, s, t, col)?;
        catalog::columns(
            &*stmt.catalog_with_columns(&n)?,
            &n,
            stmt.conn.env.odbc_version(),
            stmt.text_len(),
        )
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLColumns(
    StatementHandle: SQLHSTMT,
    CatalogName: *mut SQLCHAR,
    NameLength1: SQLSMALLINT,
    SchemaName: *mut SQLCHAR,
    NameLength2: SQLSMALLINT,
    TableName: *mut SQLCHAR,
    NameLength3: SQLSMALLINT,
    ColumnName: *mut SQLCHAR,
    NameLength4: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        columns::<Narrow>(
            StatementHandle,
            (AppPtr::new(CatalogName), NameLength1),
            (AppPtr::new(SchemaName), NameLength2),
            (AppPtr::new(TableName), NameLength3),
            (AppPtr::new(ColumnName), NameLength4),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLColumnsW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLWCHAR,
    cbTableName: SQLSMALLINT,
    szColumnName: *mut SQLWCHAR,
    cbColumnName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        columns::<Wide>(
            hstmt,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szTableName), cbTableName),
            (AppPtr::new(szColumnName), cbColumnName),
        )
    }
}

fn primary_keys<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, t: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        catalog::primary_keys(
            &stmt.conn.session()?.engine.catalog(),
            &names::<E>(c, s, t, NONE)?,
        )
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLPrimaryKeys(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLCHAR,
    cbTableName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        primary_keys::<Narrow>(
            hstmt,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szTableName), cbTableName),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLPrimaryKeysW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLWCHAR,
    cbTableName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        primary_keys::<Wide>(
            hstmt,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szTableName), cbTableName),
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn foreign_keys<E: Encoding>(hstmt: SQLHSTMT, args: [Arg; 6]) -> SQLRETURN {
    run(hstmt, |_| {
        for (ptr, len) in args {
            read_input::<E>(ptr, len as isize)?;
        }
        catalog::foreign_keys()
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLForeignKeys(
    hstmt: SQLHSTMT,
    szPkCatalogName: *mut SQLCHAR,
    cbPkCatalogName: SQLSMALLINT,
    szPkSchemaName: *mut SQLCHAR,
    cbPkSchemaName: SQLSMALLINT,
    szPkTableName: *mut SQLCHAR,
    cbPkTableName: SQLSMALLINT,
    szFkCatalogName: *mut SQLCHAR,
    cbFkCatalogName: SQLSMALLINT,
    szFkSchemaName: *mut SQLCHAR,
    cbFkSchemaName: SQLSMALLINT,
    szFkTableName: *mut SQLCHAR,
    cbFkTableName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        foreign_keys::<Narrow>(
            hstmt,
            [
                (AppPtr::new(szPkCatalogName), cbPkCatalogName),
                (AppPtr::new(szPkSchemaName), cbPkSchemaName),
                (AppPtr::new(szPkTableName), cbPkTableName),
                (AppPtr::new(szFkCatalogName), cbFkCatalogName),
                (AppPtr::new(szFkSchemaName), cbFkSchemaName),
                (AppPtr::new(szFkTableName), cbFkTableName),
            ],
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLForeignKeysW(
    hstmt: SQLHSTMT,
    szPkCatalogName: *mut SQLWCHAR,
    cbPkCatalogName: SQLSMALLINT,
    szPkSchemaName: *mut SQLWCHAR,
    cbPkSchemaName: SQLSMALLINT,
    szPkTableName: *mut SQLWCHAR,
    cbPkTableName: SQLSMALLINT,
    szFkCatalogName: *mut SQLWCHAR,
    cbFkCatalogName: SQLSMALLINT,
    szFkSchemaName: *mut SQLWCHAR,
    cbFkSchemaName: SQLSMALLINT,
    szFkTableName: *mut SQLWCHAR,
    cbFkTableName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        foreign_keys::<Wide>(
            hstmt,
            [
                (AppPtr::new(szPkCatalogName), cbPkCatalogName),
                (AppPtr::new(szPkSchemaName), cbPkSchemaName),
                (AppPtr::new(szPkTableName), cbPkTableName),
                (AppPtr::new(szFkCatalogName), cbFkCatalogName),
                (AppPtr::new(szFkSchemaName), cbFkSchemaName),
                (AppPtr::new(szFkTableName), cbFkTableName),
            ],
        )
    }
}

fn statistics<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, t: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        catalog::statistics(
            &stmt.conn.session()?.engine.catalog(),
            &names::<E>(c, s, t, NONE)?,
        )
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLStatistics(
    StatementHandle: SQLHSTMT,
    CatalogName: *mut SQLCHAR,
    NameLength1: SQLSMALLINT,
    SchemaName: *mut SQLCHAR,
    NameLength2: SQLSMALLINT,
    TableName: *mut SQLCHAR,
    NameLength3: SQLSMALLINT,
    _Unique: SQLUSMALLINT,
    _Reserved: SQLUSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        statistics::<Narrow>(
            StatementHandle,
            (AppPtr::new(CatalogName), NameLength1),
            (AppPtr::new(SchemaName), NameLength2),
            (AppPtr::new(TableName), NameLength3),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLStatisticsW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLWCHAR,
    cbTableName: SQLSMALLINT,
    _fUnique: SQLUSMALLINT,
    _fAccuracy: SQLUSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        statistics::<Wide>(
            hstmt,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szTableName), cbTableName),
        )
    }
}

fn special_columns<E: Encoding>(
    hstmt: SQLHSTMT,
    identifier: u16,
    c: Arg,
    s: Arg,
    t: Arg,
) -> SQLRETURN {
    run(hstmt, |stmt| {
        catalog::special_columns(
            &stmt.conn.session()?.engine.catalog(),
            &names::<E>(c, s, t, NONE)?,
            identifier,
            stmt.text_len(),
        )
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLSpecialColumns(
    StatementHandle: SQLHSTMT,
    IdentifierType: SQLUSMALLINT,
    CatalogName: *mut SQLCHAR,
    NameLength1: SQLSMALLINT,
    SchemaName: *mut SQLCHAR,
    NameLength2: SQLSMALLINT,
    TableName: *mut SQLCHAR,
    NameLength3: SQLSMALLINT,
    _Scope: SQLUSMALLINT,
    _Nullable: SQLUSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        special_columns::<Narrow>(
            StatementHandle,
            IdentifierType,
            (AppPtr::new(CatalogName), NameLength1),
            (AppPtr::new(SchemaName), NameLength2),
            (AppPtr::new(TableName), NameLength3),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLSpecialColumnsW(
    hstmt: SQLHSTMT,
    fColType: SQLUSMALLINT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLWCHAR,
    cbTableName: SQLSMALLINT,
    _fScope: SQLUSMALLINT,
    _fNullable: SQLUSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        special_columns::<Wide>(
            hstmt,
            fColType,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szTableName), cbTableName),
        )
    }
}

fn procedures<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, p: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        catalog::procedures(
            &stmt.conn.session()?.engine.catalog(),
            &names::<E>(c, s, p, NONE)?,
        )
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLProcedures(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLCHAR,
    cbSchemaName: SQLSMALLINT,
    szProcName: *mut SQLCHAR,
    cbProcName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        procedures::<Narrow>(
            hstmt,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szProcName), cbProcName),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLProceduresW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szProcName: *mut SQLWCHAR,
    cbProcName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        procedures::<Wide>(
            hstmt,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szProcName), cbProcName),
        )
    }
}

fn procedure_columns<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, p: Arg, col: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        catalog::procedure_columns(
            &stmt.conn.session()?.engine.catalog(),
            &names::<E>(c, s, p, col)?,
            stmt.text_len(),
        )
    })
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLProcedureColumns(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLCHAR,
    cbSchemaName: SQLSMALLINT,
    szProcName: *mut SQLCHAR,
    cbProcName: SQLSMALLINT,
    szColumnName: *mut SQLCHAR,
    cbColumnName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        procedure_columns::<Narrow>(
            hstmt,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szProcName), cbProcName),
            (AppPtr::new(szColumnName), cbColumnName),
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLProcedureColumnsW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szProcName: *mut SQLWCHAR,
    cbProcName: SQLSMALLINT,
    szColumnName: *mut SQLWCHAR,
    cbColumnName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        procedure_columns::<Wide>(
            hstmt,
            (AppPtr::new(szCatalogName), cbCatalogName),
            (AppPtr::new(szSchemaName), cbSchemaName),
            (AppPtr::new(szProcName), cbProcName),
            (AppPtr::new(szColumnName), cbColumnName),
        )
    }
}

/// Which privileges SQLTablePrivileges or SQLColumnPrivileges lists.
#[derive(Clone, Copy)]
enum Privileges {
    Tables,
    Columns,
}

fn privileges<E: Encoding>(hstmt: SQLHSTMT, args: &[Arg], of: Privileges) -> SQLRETURN {
    run(hstmt, |stmt| {
        let at = |i: usize| args.get(i).copied().unwrap_or(NONE);
        let n = names::<E>(at(0), at(1), at(2), at(3))?;
        match of {
            Privileges::Tables => stmt.table_privileges(&n),
            Privileges::Columns => stmt.column_privileges(&n),
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
pub unsafe extern "C" fn SQLTablePrivileges(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLCHAR,
    cbTableName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        privileges::<Narrow>(
            hstmt,
            &[
                (AppPtr::new(szCatalogName), cbCatalogName),
                (AppPtr::new(szSchemaName), cbSchemaName),
                (AppPtr::new(szTableName), cbTableName),
            ],
            Privileges::Tables,
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLTablePrivilegesW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLWCHAR,
    cbTableName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        privileges::<Wide>(
            hstmt,
            &[
                (AppPtr::new(szCatalogName), cbCatalogName),
                (AppPtr::new(szSchemaName), cbSchemaName),
                (AppPtr::new(szTableName), cbTableName),
            ],
            Privileges::Tables,
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLColumnPrivileges(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLCHAR,
    cbTableName: SQLSMALLINT,
    szColumnName: *mut SQLCHAR,
    cbColumnName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        privileges::<Narrow>(
            hstmt,
            &[
                (AppPtr::new(szCatalogName), cbCatalogName),
                (AppPtr::new(szSchemaName), cbSchemaName),
                (AppPtr::new(szTableName), cbTableName),
                (AppPtr::new(szColumnName), cbColumnName),
            ],
            Privileges::Columns,
        )
    }
}

/// # Safety
///
/// The pointer arguments follow the ODBC buffer contract (docs/architecture.md, "Application
/// memory"): each is null or valid, for the duration of the call, for the access the ODBC
/// specification describes for it; a deferred buffer stays valid until it is unbound or its
/// handle freed. Handles may be anything: unknown ones give SQL_INVALID_HANDLE.
#[no_mangle]
pub unsafe extern "C" fn SQLColumnPrivilegesW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLWCHAR,
    cbTableName: SQLSMALLINT,
    szColumnName: *mut SQLWCHAR,
    cbColumnName: SQLSMALLINT,
) -> SQLRETURN {
    // SAFETY: the caller's promise (# Safety) covers these pointer arguments.
    unsafe {
        privileges::<Wide>(
            hstmt,
            &[
                (AppPtr::new(szCatalogName), cbCatalogName),
                (AppPtr::new(szSchemaName), cbSchemaName),
                (AppPtr::new(szTableName), cbTableName),
                (AppPtr::new(szColumnName), cbColumnName),
            ],
            Privileges::Columns,
        )
    }
}

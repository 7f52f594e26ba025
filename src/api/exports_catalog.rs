//! Catalog exports (SQLTables, SQLColumns, SQLPrimaryKeys, SQLForeignKeys, SQLStatistics,
//! SQLSpecialColumns, SQLProcedures, SQLProcedureColumns), ANSI and Unicode. Name lengths are in
//! characters; a null name pointer matches everything.
#![allow(non_snake_case)]

use super::memory::AppPtr;
use super::text::{read_input, Encoding, Narrow, Wide};
use super::types::*;
use super::{as_stmt, entry, Kind};
use crate::error::Result;
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

const NONE: Arg = (AppPtr(0), 0);

fn run(
    hstmt: SQLHSTMT,
    build: impl FnOnce(&Statement) -> Result<datafusion::arrow::record_batch::RecordBatch>,
) -> SQLRETURN {
    entry(hstmt, Kind::Stmt, |h| {
        let stmt = as_stmt(h)?;
        let batch = build(stmt)?;
        stmt.open_batch(batch)?;
        Ok(Status::Success)
    })
}

fn engine_catalog(stmt: &Statement) -> Result<std::sync::Arc<crate::handles::connection::Session>> {
    stmt.conn.session()
}

fn tables<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, t: Arg, types: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        let n = names::<E>(c, s, t, NONE)?;
        let types = read_input::<E>(types.0, types.1 as isize)?;
        catalog::tables(engine_catalog(stmt)?.engine.catalog(), &n, types.as_deref())
    })
}

#[no_mangle]
pub extern "C" fn SQLTables(
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
    tables::<Narrow>(
        StatementHandle,
        (AppPtr::from_ptr(CatalogName), NameLength1),
        (AppPtr::from_ptr(SchemaName), NameLength2),
        (AppPtr::from_ptr(TableName), NameLength3),
        (AppPtr::from_ptr(TableType), NameLength4),
    )
}

#[no_mangle]
pub extern "C" fn SQLTablesW(
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
    tables::<Wide>(
        hstmt,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szTableName), cbTableName),
        (AppPtr::from_ptr(szTableType), cbTableType),
    )
}

fn columns<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, t: Arg, col: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        let n = names::<E>(c, s, t, col)?;
        catalog::columns(
            engine_catalog(stmt)?.engine.catalog(),
            &n,
            stmt.conn.env.odbc_version(),
        )
    })
}

#[no_mangle]
pub extern "C" fn SQLColumns(
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
    columns::<Narrow>(
        StatementHandle,
        (AppPtr::from_ptr(CatalogName), NameLength1),
        (AppPtr::from_ptr(SchemaName), NameLength2),
        (AppPtr::from_ptr(TableName), NameLength3),
        (AppPtr::from_ptr(ColumnName), NameLength4),
    )
}

#[no_mangle]
pub extern "C" fn SQLColumnsW(
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
    columns::<Wide>(
        hstmt,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szTableName), cbTableName),
        (AppPtr::from_ptr(szColumnName), cbColumnName),
    )
}

fn primary_keys<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, t: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        catalog::primary_keys(
            engine_catalog(stmt)?.engine.catalog(),
            &names::<E>(c, s, t, NONE)?,
        )
    })
}

#[no_mangle]
pub extern "C" fn SQLPrimaryKeys(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLCHAR,
    cbTableName: SQLSMALLINT,
) -> SQLRETURN {
    primary_keys::<Narrow>(
        hstmt,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szTableName), cbTableName),
    )
}

#[no_mangle]
pub extern "C" fn SQLPrimaryKeysW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szTableName: *mut SQLWCHAR,
    cbTableName: SQLSMALLINT,
) -> SQLRETURN {
    primary_keys::<Wide>(
        hstmt,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szTableName), cbTableName),
    )
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

#[no_mangle]
pub extern "C" fn SQLForeignKeys(
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
    foreign_keys::<Narrow>(
        hstmt,
        [
            (AppPtr::from_ptr(szPkCatalogName), cbPkCatalogName),
            (AppPtr::from_ptr(szPkSchemaName), cbPkSchemaName),
            (AppPtr::from_ptr(szPkTableName), cbPkTableName),
            (AppPtr::from_ptr(szFkCatalogName), cbFkCatalogName),
            (AppPtr::from_ptr(szFkSchemaName), cbFkSchemaName),
            (AppPtr::from_ptr(szFkTableName), cbFkTableName),
        ],
    )
}

#[no_mangle]
pub extern "C" fn SQLForeignKeysW(
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
    foreign_keys::<Wide>(
        hstmt,
        [
            (AppPtr::from_ptr(szPkCatalogName), cbPkCatalogName),
            (AppPtr::from_ptr(szPkSchemaName), cbPkSchemaName),
            (AppPtr::from_ptr(szPkTableName), cbPkTableName),
            (AppPtr::from_ptr(szFkCatalogName), cbFkCatalogName),
            (AppPtr::from_ptr(szFkSchemaName), cbFkSchemaName),
            (AppPtr::from_ptr(szFkTableName), cbFkTableName),
        ],
    )
}

fn statistics<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, t: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        catalog::statistics(
            engine_catalog(stmt)?.engine.catalog(),
            &names::<E>(c, s, t, NONE)?,
        )
    })
}

#[no_mangle]
pub extern "C" fn SQLStatistics(
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
    statistics::<Narrow>(
        StatementHandle,
        (AppPtr::from_ptr(CatalogName), NameLength1),
        (AppPtr::from_ptr(SchemaName), NameLength2),
        (AppPtr::from_ptr(TableName), NameLength3),
    )
}

#[no_mangle]
pub extern "C" fn SQLStatisticsW(
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
    statistics::<Wide>(
        hstmt,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szTableName), cbTableName),
    )
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
            engine_catalog(stmt)?.engine.catalog(),
            &names::<E>(c, s, t, NONE)?,
            identifier,
        )
    })
}

#[no_mangle]
pub extern "C" fn SQLSpecialColumns(
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
    special_columns::<Narrow>(
        StatementHandle,
        IdentifierType,
        (AppPtr::from_ptr(CatalogName), NameLength1),
        (AppPtr::from_ptr(SchemaName), NameLength2),
        (AppPtr::from_ptr(TableName), NameLength3),
    )
}

#[no_mangle]
pub extern "C" fn SQLSpecialColumnsW(
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
    special_columns::<Wide>(
        hstmt,
        fColType,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szTableName), cbTableName),
    )
}

fn procedures<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, p: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        catalog::procedures(
            engine_catalog(stmt)?.engine.catalog(),
            &names::<E>(c, s, p, NONE)?,
        )
    })
}

#[no_mangle]
pub extern "C" fn SQLProcedures(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLCHAR,
    cbSchemaName: SQLSMALLINT,
    szProcName: *mut SQLCHAR,
    cbProcName: SQLSMALLINT,
) -> SQLRETURN {
    procedures::<Narrow>(
        hstmt,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szProcName), cbProcName),
    )
}

#[no_mangle]
pub extern "C" fn SQLProceduresW(
    hstmt: SQLHSTMT,
    szCatalogName: *mut SQLWCHAR,
    cbCatalogName: SQLSMALLINT,
    szSchemaName: *mut SQLWCHAR,
    cbSchemaName: SQLSMALLINT,
    szProcName: *mut SQLWCHAR,
    cbProcName: SQLSMALLINT,
) -> SQLRETURN {
    procedures::<Wide>(
        hstmt,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szProcName), cbProcName),
    )
}

fn procedure_columns<E: Encoding>(hstmt: SQLHSTMT, c: Arg, s: Arg, p: Arg, col: Arg) -> SQLRETURN {
    run(hstmt, |stmt| {
        catalog::procedure_columns(
            engine_catalog(stmt)?.engine.catalog(),
            &names::<E>(c, s, p, col)?,
        )
    })
}

#[no_mangle]
pub extern "C" fn SQLProcedureColumns(
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
    procedure_columns::<Narrow>(
        hstmt,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szProcName), cbProcName),
        (AppPtr::from_ptr(szColumnName), cbColumnName),
    )
}

#[no_mangle]
pub extern "C" fn SQLProcedureColumnsW(
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
    procedure_columns::<Wide>(
        hstmt,
        (AppPtr::from_ptr(szCatalogName), cbCatalogName),
        (AppPtr::from_ptr(szSchemaName), cbSchemaName),
        (AppPtr::from_ptr(szProcName), cbProcName),
        (AppPtr::from_ptr(szColumnName), cbColumnName),
    )
}

//! SQLGetFunctions: the exported functions by ODBC function id. The list is the export manifest:
//! it must name exactly the functions this library exports (the driver manager trusts it).

use crate::odbc::functions::SQL_API_ODBC3_ALL_FUNCTIONS_SIZE;

/// (function id, name) of every exported function; the W forms share their ANSI form's id.
pub const EXPORTED: &[(u16, &str)] = &[
    (4, "SQLBindCol"),
    (5, "SQLCancel"),
    (6, "SQLColAttribute"),
    (7, "SQLConnect"),
    (8, "SQLDescribeCol"),
    (9, "SQLDisconnect"),
    (11, "SQLExecDirect"),
    (12, "SQLExecute"),
    (13, "SQLFetch"),
    (16, "SQLFreeStmt"),
    (17, "SQLGetCursorName"),
    (18, "SQLNumResultCols"),
    (19, "SQLPrepare"),
    (20, "SQLRowCount"),
    (21, "SQLSetCursorName"),
    (40, "SQLColumns"),
    (41, "SQLDriverConnect"),
    (43, "SQLGetData"),
    (44, "SQLGetFunctions"),
    (45, "SQLGetInfo"),
    (47, "SQLGetTypeInfo"),
    (48, "SQLParamData"),
    (49, "SQLPutData"),
    (52, "SQLSpecialColumns"),
    (53, "SQLStatistics"),
    (54, "SQLTables"),
    (56, "SQLColumnPrivileges"),
    (58, "SQLDescribeParam"),
    (60, "SQLForeignKeys"),
    (61, "SQLMoreResults"),
    (62, "SQLNativeSql"),
    (63, "SQLNumParams"),
    (65, "SQLPrimaryKeys"),
    (66, "SQLProcedureColumns"),
    (67, "SQLProcedures"),
    (70, "SQLTablePrivileges"),
    (72, "SQLBindParameter"),
    (1001, "SQLAllocHandle"),
    (1003, "SQLCloseCursor"),
    (1004, "SQLCopyDesc"),
    (1005, "SQLEndTran"),
    (1006, "SQLFreeHandle"),
    (1007, "SQLGetConnectAttr"),
    (1008, "SQLGetDescField"),
    (1009, "SQLGetDescRec"),
    (1010, "SQLGetDiagField"),
    (1011, "SQLGetDiagRec"),
    (1012, "SQLGetEnvAttr"),
    (1014, "SQLGetStmtAttr"),
    (1016, "SQLSetConnectAttr"),
    (1017, "SQLSetDescField"),
    (1018, "SQLSetDescRec"),
    (1019, "SQLSetEnvAttr"),
    (1020, "SQLSetStmtAttr"),
    (1021, "SQLFetchScroll"),
];

pub fn is_exported(id: u16) -> bool {
    EXPORTED.iter().any(|(f, _)| *f == id)
}

/// The SQL_API_ODBC3_ALL_FUNCTIONS bitmap.
pub fn odbc3_bitmap() -> [u16; SQL_API_ODBC3_ALL_FUNCTIONS_SIZE] {
    let mut bits = [0u16; SQL_API_ODBC3_ALL_FUNCTIONS_SIZE];
    for (id, _) in EXPORTED {
        let id = *id as usize;
        if id / 16 < bits.len() {
            bits[id / 16] |= 1 << (id % 16);
        }
    }
    bits
}

/// The SQL_API_ALL_FUNCTIONS array of 100 flags (ODBC 2 ids only).
pub fn odbc2_array() -> [u16; 100] {
    let mut flags = [0u16; 100];
    for (id, _) in EXPORTED {
        if (*id as usize) < flags.len() {
            flags[*id as usize] = 1;
        }
    }
    flags
}

/*
 * Compile-only check of include/apiodbc.h, built twice by `cargo xtask test`:
 *
 *   - as is: unixODBC's <sqlext.h> comes first, so any exported function whose prototype in
 *     apiodbc.h differs from unixODBC's is a "conflicting types" error under -Werror;
 *   - with -DAPIODBC_HEADER_ALONE: only apiodbc.h is included, so every function in the table
 *     below must be declared by the driver's header itself.
 *
 * The table lists the exports the driver-core issue requires: every function, and both the ANSI
 * and the W form of each that takes text.
 */
#ifndef APIODBC_HEADER_ALONE
#include <sqlext.h>
#endif
#include "apiodbc.h"

typedef void (*any_function)(void);

/* Referencing each function by name fails to compile if it is not declared. */
#define F(name) (any_function) name

const any_function apiodbc_exports[] = {
    F(SQLAllocHandle),       F(SQLFreeHandle),         F(SQLFreeStmt),
    F(SQLSetEnvAttr),        F(SQLGetEnvAttr),         F(SQLDisconnect),
    F(SQLGetFunctions),      F(SQLExecute),            F(SQLNumParams),
    F(SQLDescribeParam),     F(SQLBindParameter),      F(SQLNumResultCols),
    F(SQLBindCol),           F(SQLFetch),              F(SQLFetchScroll),
    F(SQLGetData),           F(SQLRowCount),           F(SQLMoreResults),
    F(SQLCloseCursor),       F(SQLCancel),             F(SQLEndTran),
    F(SQLGetTypeInfo),       F(SQLCopyDesc),

    F(SQLDriverConnect),     F(SQLDriverConnectW),     F(SQLConnect),
    F(SQLConnectW),          F(SQLGetInfo),            F(SQLGetInfoW),
    F(SQLSetConnectAttr),    F(SQLSetConnectAttrW),    F(SQLGetConnectAttr),
    F(SQLGetConnectAttrW),   F(SQLGetDiagRec),         F(SQLGetDiagRecW),
    F(SQLGetDiagField),      F(SQLGetDiagFieldW),      F(SQLExecDirect),
    F(SQLExecDirectW),       F(SQLPrepare),            F(SQLPrepareW),
    F(SQLDescribeCol),       F(SQLDescribeColW),       F(SQLColAttribute),
    F(SQLColAttributeW),     F(SQLSetStmtAttr),        F(SQLSetStmtAttrW),
    F(SQLGetStmtAttr),       F(SQLGetStmtAttrW),       F(SQLNativeSql),
    F(SQLNativeSqlW),        F(SQLTables),             F(SQLTablesW),
    F(SQLColumns),           F(SQLColumnsW),           F(SQLPrimaryKeys),
    F(SQLPrimaryKeysW),      F(SQLForeignKeys),        F(SQLForeignKeysW),
    F(SQLStatistics),        F(SQLStatisticsW),        F(SQLSpecialColumns),
    F(SQLSpecialColumnsW),   F(SQLProcedures),         F(SQLProceduresW),
    F(SQLProcedureColumns),  F(SQLProcedureColumnsW),  F(SQLGetDescField),
    F(SQLGetDescFieldW),     F(SQLSetDescField),       F(SQLSetDescFieldW),
    F(SQLGetDescRec),        F(SQLGetDescRecW),        F(SQLSetDescRec),
};

/*
 * The driver under iODBC, the driver manager of macOS, as a C program linked to libiodbc sees it:
 * its SQLWCHAR is the 4-byte wchar_t, so every wide call here passes and receives UCS-4, which
 * the driver must recognise (it finds libiodbc in the process). Connects with SQLDriverConnectW,
 * runs queries and a parameter with text outside the BMP, reads the catalog (SQLTablesW,
 * SQLColumnsW), SQLGetInfoW and a diagnostic (SQLGetDiagRecW); with a sandbox connection string,
 * counts a REST table. Prints TAP; run by `cargo xtask test` (step iodbc):
 *
 *   iodbc-c <driver path> [<sandbox connection string> <table> <rows>]
 *
 * iODBC's development headers conflict with unixODBC's, so the few declarations needed are here,
 * with iODBC's types: SQLWCHAR is wchar_t, SQLLEN is long.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef void *SQLHANDLE;
typedef short SQLSMALLINT;
typedef unsigned short SQLUSMALLINT;
typedef int SQLINTEGER;
typedef long SQLLEN;
typedef unsigned long SQLULEN;
typedef short SQLRETURN;
typedef wchar_t SQLWCHAR;

#define SQL_SUCCESS 0
#define SQL_SUCCESS_WITH_INFO 1
#define SQL_NO_DATA 100
#define SQL_NTS (-3)
#define SQL_HANDLE_ENV 1
#define SQL_HANDLE_DBC 2
#define SQL_HANDLE_STMT 3
#define SQL_ATTR_ODBC_VERSION 200
#define SQL_OV_ODBC3 3
#define SQL_DRIVER_NOPROMPT 0
#define SQL_C_CHAR 1
#define SQL_C_WCHAR (-8)
#define SQL_WVARCHAR (-9)
#define SQL_PARAM_INPUT 1
#define SQL_DBMS_NAME 17

SQLRETURN SQLAllocHandle(SQLSMALLINT, SQLHANDLE, SQLHANDLE *);
SQLRETURN SQLFreeHandle(SQLSMALLINT, SQLHANDLE);
SQLRETURN SQLSetEnvAttr(SQLHANDLE, SQLINTEGER, void *, SQLINTEGER);
SQLRETURN SQLDriverConnectW(SQLHANDLE, void *, SQLWCHAR *, SQLSMALLINT, SQLWCHAR *, SQLSMALLINT,
                            SQLSMALLINT *, SQLUSMALLINT);
SQLRETURN SQLDisconnect(SQLHANDLE);
SQLRETURN SQLExecDirectW(SQLHANDLE, SQLWCHAR *, SQLINTEGER);
SQLRETURN SQLPrepareW(SQLHANDLE, SQLWCHAR *, SQLINTEGER);
SQLRETURN SQLExecute(SQLHANDLE);
SQLRETURN SQLBindParameter(SQLHANDLE, SQLUSMALLINT, SQLSMALLINT, SQLSMALLINT, SQLSMALLINT, SQLULEN,
                           SQLSMALLINT, void *, SQLLEN, SQLLEN *);
SQLRETURN SQLDescribeColW(SQLHANDLE, SQLUSMALLINT, SQLWCHAR *, SQLSMALLINT, SQLSMALLINT *,
                          SQLSMALLINT *, SQLULEN *, SQLSMALLINT *, SQLSMALLINT *);
SQLRETURN SQLFetch(SQLHANDLE);
SQLRETURN SQLGetData(SQLHANDLE, SQLUSMALLINT, SQLSMALLINT, void *, SQLLEN, SQLLEN *);
SQLRETURN SQLCloseCursor(SQLHANDLE);
SQLRETURN SQLTablesW(SQLHANDLE, SQLWCHAR *, SQLSMALLINT, SQLWCHAR *, SQLSMALLINT, SQLWCHAR *,
                     SQLSMALLINT, SQLWCHAR *, SQLSMALLINT);
SQLRETURN SQLColumnsW(SQLHANDLE, SQLWCHAR *, SQLSMALLINT, SQLWCHAR *, SQLSMALLINT, SQLWCHAR *,
                      SQLSMALLINT, SQLWCHAR *, SQLSMALLINT);
SQLRETURN SQLGetInfoW(SQLHANDLE, SQLUSMALLINT, void *, SQLSMALLINT, SQLSMALLINT *);
SQLRETURN SQLGetDiagRecW(SQLSMALLINT, SQLHANDLE, SQLSMALLINT, SQLWCHAR *, SQLINTEGER *,
                         SQLWCHAR *, SQLSMALLINT, SQLSMALLINT *);

static int checks = 0;
static int failures = 0;

static void check(int ok, const char *what) {
    checks++;
    if (!ok) failures++;
    printf("%s %d - %s\n", ok ? "ok" : "not ok", checks, what);
}

static int succeeded(SQLRETURN r) { return r == SQL_SUCCESS || r == SQL_SUCCESS_WITH_INFO; }

/* The statement's first diagnostic, for failure messages. */
static void show_diag(SQLSMALLINT type, SQLHANDLE h) {
    SQLWCHAR state[6], message[512];
    SQLINTEGER native;
    SQLSMALLINT len;
    if (succeeded(SQLGetDiagRecW(type, h, 1, state, &native, message, 512, &len)))
        printf("# %ls %ls\n", state, message);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s <driver path> [<connection string> <table> <rows>]\n", argv[0]);
        return 2;
    }
    setlocale(LC_ALL, "C.UTF-8");
    SQLHANDLE env, dbc, stmt;
    SQLAllocHandle(SQL_HANDLE_ENV, NULL, &env);
    SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (void *)(long)SQL_OV_ODBC3, 0);
    SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);

    wchar_t connection[2048];
    swprintf(connection, 2048, L"DRIVER=%s", argv[1]);
    SQLRETURN r = SQLDriverConnectW(dbc, NULL, connection, SQL_NTS, NULL, 0, NULL,
                                    SQL_DRIVER_NOPROMPT);
    check(succeeded(r), "SQLDriverConnectW with a wide connection string");
    if (!succeeded(r)) {
        show_diag(SQL_HANDLE_DBC, dbc);
        printf("1..%d\n", checks);
        return 1;
    }

    SQLWCHAR dbms[64];
    SQLSMALLINT dbms_len = 0;
    r = SQLGetInfoW(dbc, SQL_DBMS_NAME, dbms, sizeof dbms, &dbms_len);
    check(succeeded(r) && wcscmp(dbms, L"apiodbc") == 0 && dbms_len == 7 * sizeof(SQLWCHAR),
          "SQLGetInfoW(SQL_DBMS_NAME) is L\"apiodbc\", its length in bytes of wchar_t");

    SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt);
    r = SQLExecDirectW(stmt, L"SELECT 1 AS a, 'h\u00e9llo \U0001D11E' AS b, 'h\u00e9llo \U0001D11E' AS c",
                       SQL_NTS);
    check(succeeded(r), "SQLExecDirectW of a query with text outside the BMP");
    if (!succeeded(r)) show_diag(SQL_HANDLE_STMT, stmt);
    SQLWCHAR name[32];
    SQLSMALLINT name_len = 0, type, digits, nullable;
    SQLULEN size;
    r = SQLDescribeColW(stmt, 2, name, 32, &name_len, &type, &size, &digits, &nullable);
    check(succeeded(r) && wcscmp(name, L"b") == 0 && name_len == 1,
          "SQLDescribeColW names column 2 L\"b\"");
    SQLWCHAR wide[64];
    char narrow[64];
    SQLLEN wide_len = 0, narrow_len = 0;
    r = SQLFetch(stmt);
    SQLRETURN rw = SQLGetData(stmt, 2, SQL_C_WCHAR, wide, sizeof wide, &wide_len);
    check(succeeded(r) && succeeded(rw) && wcscmp(wide, L"h\u00e9llo \U0001D11E") == 0 &&
              wide_len == 7 * (SQLLEN)sizeof(SQLWCHAR),
          "SQL_C_WCHAR data is wchar_t, one unit per character, length in bytes");
    rw = SQLGetData(stmt, 3, SQL_C_CHAR, narrow, sizeof narrow, &narrow_len);
    check(succeeded(rw) && strcmp(narrow, "h\xc3\xa9llo \xf0\x9d\x84\x9e") == 0,
          "SQL_C_CHAR data is UTF-8");
    SQLCloseCursor(stmt);

    SQLWCHAR param[] = L"\U0001D11E clef \u00e9";
    SQLLEN param_len = SQL_NTS;
    r = SQLPrepareW(stmt, L"SELECT ? AS v", SQL_NTS);
    if (succeeded(r))
        r = SQLBindParameter(stmt, 1, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR, 32, 0, param,
                             sizeof param, &param_len);
    if (succeeded(r)) r = SQLExecute(stmt);
    if (succeeded(r)) r = SQLFetch(stmt);
    if (succeeded(r)) r = SQLGetData(stmt, 1, SQL_C_WCHAR, wide, sizeof wide, &wide_len);
    check(succeeded(r) && wcscmp(wide, param) == 0,
          "a SQL_C_WCHAR parameter (NUL-terminated wchar_t) comes back as sent");
    if (!succeeded(r)) show_diag(SQL_HANDLE_STMT, stmt);
    SQLCloseCursor(stmt);

    int found = 0;
    r = SQLTablesW(stmt, NULL, 0, L"sys", SQL_NTS, NULL, 0, NULL, 0);
    int tables = 0;
    if (succeeded(r)) {
        SQLWCHAR table[128];
        SQLLEN table_len;
        while (SQLFetch(stmt) == SQL_SUCCESS) {
            tables++;
            if (succeeded(SQLGetData(stmt, 3, SQL_C_WCHAR, table, sizeof table, &table_len)) &&
                wcscmp(table, L"sys_connection_props") == 0)
                found = 1;
        }
        SQLCloseCursor(stmt);
    }
    check(succeeded(r) && tables >= 5 && found, "SQLTablesW lists the sys tables by wide name");

    r = SQLColumnsW(stmt, NULL, 0, L"sys", SQL_NTS, L"sys_tables", SQL_NTS, NULL, 0);
    int columns = 0;
    if (succeeded(r)) {
        SQLWCHAR column[128];
        SQLLEN column_len;
        found = 0;
        while (SQLFetch(stmt) == SQL_SUCCESS) {
            columns++;
            if (succeeded(SQLGetData(stmt, 4, SQL_C_WCHAR, column, sizeof column, &column_len)) &&
                wcscmp(column, L"TableName") == 0)
                found = 1;
        }
        SQLCloseCursor(stmt);
    }
    check(succeeded(r) && columns >= 5 && found, "SQLColumnsW lists sys_tables' columns");

    r = SQLExecDirectW(stmt, L"SELEC 1", SQL_NTS);
    SQLWCHAR state[6] = {0}, message[512] = {0};
    SQLINTEGER native;
    SQLSMALLINT message_len = 0;
    SQLRETURN rd = SQLGetDiagRecW(SQL_HANDLE_STMT, stmt, 1, state, &native, message, 512,
                                  &message_len);
    check(!succeeded(r) && succeeded(rd) && wcscmp(state, L"42000") == 0 &&
              wcsstr(message, L"[apiodbc]") != NULL && message_len == (SQLSMALLINT)wcslen(message),
          "a syntax error's diagnostic is wide text: 42000 and the driver's message");

    if (argc >= 5) {
        /* A REST table of the sandbox, on a second connection. */
        SQLHANDLE rest, rest_stmt;
        SQLAllocHandle(SQL_HANDLE_DBC, env, &rest);
        wchar_t rest_connection[4096];
        swprintf(rest_connection, 4096, L"DRIVER=%s;%s", argv[1], argv[2]);
        r = SQLDriverConnectW(rest, NULL, rest_connection, SQL_NTS, NULL, 0, NULL,
                              SQL_DRIVER_NOPROMPT);
        check(succeeded(r), "SQLDriverConnectW to the sandbox");
        if (succeeded(r)) {
            SQLAllocHandle(SQL_HANDLE_STMT, rest, &rest_stmt);
            wchar_t count[512];
            swprintf(count, 512, L"SELECT COUNT(*) FROM %s", argv[3]);
            char rows[32] = {0};
            SQLLEN rows_len;
            r = SQLExecDirectW(rest_stmt, count, SQL_NTS);
            if (succeeded(r)) r = SQLFetch(rest_stmt);
            if (succeeded(r)) r = SQLGetData(rest_stmt, 1, SQL_C_CHAR, rows, sizeof rows, &rows_len);
            char what[256];
            snprintf(what, sizeof what, "%s has %s rows through iODBC (got %s)", argv[3], argv[4],
                     rows);
            check(succeeded(r) && strcmp(rows, argv[4]) == 0, what);
            if (!succeeded(r)) show_diag(SQL_HANDLE_STMT, rest_stmt);
            SQLFreeHandle(SQL_HANDLE_STMT, rest_stmt);
            SQLDisconnect(rest);
        } else {
            show_diag(SQL_HANDLE_DBC, rest);
        }
        SQLFreeHandle(SQL_HANDLE_DBC, rest);
    }

    SQLFreeHandle(SQL_HANDLE_STMT, stmt);
    SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    SQLFreeHandle(SQL_HANDLE_ENV, env);
    printf("1..%d\n", checks);
    return failures == 0 ? 0 : 1;
}

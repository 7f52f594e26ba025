/*
 * A C client linked straight to libapiodbc.so, with no driver manager in between: what an
 * embedded application does. It includes only the driver's own header, connects with the
 * connection string given as argv[1] (default: empty, i.e. no Profile, the sys schema only),
 * runs two queries and prints their rows as `a|b|c` lines. Exit status 0 means every call
 * succeeded; on failure the driver's diagnostics are printed.
 *
 *   gcc -std=c11 -Wall -Werror -I include tests/clients/c/query.c \
 *       -L target/debug -lapiodbc -Wl,-rpath,$PWD/target/debug -o query
 */
#include <stdio.h>
#include <string.h>

#include "apiodbc.h"

/* The driver's header declares the functions and types; the constants a client passes are
 * unixODBC's values, defined here only when the header leaves them out. */
#ifndef SQL_SUCCESS
#define SQL_SUCCESS 0
#endif
#ifndef SQL_SUCCESS_WITH_INFO
#define SQL_SUCCESS_WITH_INFO 1
#endif
#ifndef SQL_NO_DATA
#define SQL_NO_DATA 100
#endif
#ifndef SQL_ERROR
#define SQL_ERROR (-1)
#endif
#ifndef SQL_INVALID_HANDLE
#define SQL_INVALID_HANDLE (-2)
#endif
#ifndef SQL_SUCCEEDED
#define SQL_SUCCEEDED(rc) (((rc) & (~1)) == 0)
#endif
#ifndef SQL_NULL_HANDLE
#define SQL_NULL_HANDLE 0
#endif
#ifndef SQL_HANDLE_ENV
#define SQL_HANDLE_ENV 1
#endif
#ifndef SQL_HANDLE_DBC
#define SQL_HANDLE_DBC 2
#endif
#ifndef SQL_HANDLE_STMT
#define SQL_HANDLE_STMT 3
#endif
#ifndef SQL_ATTR_ODBC_VERSION
#define SQL_ATTR_ODBC_VERSION 200
#endif
#ifndef SQL_OV_ODBC3
#define SQL_OV_ODBC3 3UL
#endif
#ifndef SQL_NTS
#define SQL_NTS (-3)
#endif
#ifndef SQL_DRIVER_NOPROMPT
#define SQL_DRIVER_NOPROMPT 0
#endif
#ifndef SQL_C_CHAR
#define SQL_C_CHAR 1
#endif
#ifndef SQL_NULL_DATA
#define SQL_NULL_DATA (-1)
#endif

/* Small on purpose: longer values arrive in several SQLGetData calls, which this exercises. */
#define CHUNK 64

static void print_diagnostics(SQLSMALLINT type, SQLHANDLE handle, const char *what, SQLRETURN rc)
{
    fprintf(stderr, "%s returned %d\n", what, (int)rc);
    if (rc == SQL_INVALID_HANDLE || handle == SQL_NULL_HANDLE)
        return;
    for (SQLSMALLINT rec = 1;; rec++) {
        SQLCHAR state[6] = {0};
        SQLCHAR message[1024] = {0};
        SQLINTEGER native = 0;
        SQLSMALLINT length = 0;
        SQLRETURN drc = SQLGetDiagRec(type, handle, rec, state, &native, message,
                                      (SQLSMALLINT)sizeof message, &length);
        if (!SQL_SUCCEEDED(drc))
            break;
        fprintf(stderr, "  [%s] (native %d) %s\n", (const char *)state, (int)native,
                (const char *)message);
    }
}

/* Reports a failed call and says so; warnings (SQL_SUCCESS_WITH_INFO) are printed but pass. */
static int check(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE handle, const char *what)
{
    if (rc == SQL_SUCCESS)
        return 1;
    print_diagnostics(type, handle, what, rc);
    return SQL_SUCCEEDED(rc);
}

/* Prints one column of the current row, however many chunks it takes. */
static int print_value(SQLHANDLE stmt, SQLUSMALLINT column)
{
    for (int chunk = 0; chunk < (1 << 20); chunk++) {
        SQLCHAR buf[CHUNK];
        SQLLEN indicator = 0;
        SQLRETURN rc = SQLGetData(stmt, column, SQL_C_CHAR, buf, (SQLLEN)sizeof buf, &indicator);
        if (rc == SQL_NO_DATA)
            return 1; /* the previous chunk was the last */
        if (!SQL_SUCCEEDED(rc)) {
            print_diagnostics(SQL_HANDLE_STMT, stmt, "SQLGetData", rc);
            return 0;
        }
        if (indicator == SQL_NULL_DATA) {
            fputs("NULL", stdout);
            return 1;
        }
        fputs((const char *)buf, stdout);
        if (rc == SQL_SUCCESS)
            return 1; /* SQL_SUCCESS_WITH_INFO (01004) means more is to come */
    }
    fprintf(stderr, "SQLGetData never finished column %u\n", (unsigned)column);
    return 0;
}

static int run_query(SQLHANDLE dbc, const char *sql)
{
    SQLHANDLE stmt = SQL_NULL_HANDLE;
    int ok = 0;
    long rows = 0;
    SQLSMALLINT columns = 0;
    SQLRETURN rc;

    printf("> %s\n", sql);
    if (!check(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt), SQL_HANDLE_DBC, dbc,
               "SQLAllocHandle(STMT)"))
        return 0;
    if (!check(SQLExecDirect(stmt, (SQLCHAR *)sql, SQL_NTS), SQL_HANDLE_STMT, stmt,
               "SQLExecDirect"))
        goto done;
    if (!check(SQLNumResultCols(stmt, &columns), SQL_HANDLE_STMT, stmt, "SQLNumResultCols"))
        goto done;
    if (columns < 1) {
        fprintf(stderr, "a SELECT returned no columns\n");
        goto done;
    }
    for (SQLUSMALLINT c = 1; c <= (SQLUSMALLINT)columns; c++) {
        SQLCHAR name[256] = {0};
        SQLSMALLINT name_length = 0, data_type = 0, digits = 0, nullable = 0;
        SQLULEN size = 0;
        if (!check(SQLDescribeCol(stmt, c, name, (SQLSMALLINT)sizeof name, &name_length,
                                  &data_type, &size, &digits, &nullable),
                   SQL_HANDLE_STMT, stmt, "SQLDescribeCol"))
            goto done;
        printf("%s%s", c > 1 ? "|" : "", (const char *)name);
    }
    putchar('\n');
    while ((rc = SQLFetch(stmt)) != SQL_NO_DATA) {
        if (!check(rc, SQL_HANDLE_STMT, stmt, "SQLFetch"))
            goto done;
        for (SQLUSMALLINT c = 1; c <= (SQLUSMALLINT)columns; c++) {
            if (c > 1)
                putchar('|');
            if (!print_value(stmt, c))
                goto done;
        }
        putchar('\n');
        rows++;
    }
    printf("(%ld row%s)\n\n", rows, rows == 1 ? "" : "s");
    ok = 1;
done:
    if (!check(SQLFreeHandle(SQL_HANDLE_STMT, stmt), SQL_HANDLE_STMT, stmt,
               "SQLFreeHandle(STMT)"))
        ok = 0;
    return ok;
}

int main(int argc, char **argv)
{
    const char *connection_string = argc > 1 ? argv[1] : "";
    SQLHANDLE env = SQL_NULL_HANDLE, dbc = SQL_NULL_HANDLE;
    int ok = 0, connected = 0;

    /* Line-buffered even into a pipe, so rows and diagnostics (stderr) appear in order. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (!check(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env), SQL_HANDLE_ENV, env,
               "SQLAllocHandle(ENV)"))
        return 1;
    if (!check(SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0),
               SQL_HANDLE_ENV, env, "SQLSetEnvAttr(ODBC_VERSION)"))
        goto free_env;
    if (!check(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc), SQL_HANDLE_ENV, env,
               "SQLAllocHandle(DBC)"))
        goto free_env;

    SQLCHAR completed[1024] = {0};
    SQLSMALLINT completed_length = 0;
    if (!check(SQLDriverConnect(dbc, NULL, (SQLCHAR *)connection_string, SQL_NTS, completed,
                                (SQLSMALLINT)sizeof completed, &completed_length,
                                SQL_DRIVER_NOPROMPT),
               SQL_HANDLE_DBC, dbc, "SQLDriverConnect"))
        goto free_dbc;
    connected = 1;
    /* The completed string can hold secrets the caller passed, so only its length is shown. */
    printf("connected (completed connection string: %d characters)\n\n", (int)completed_length);

    ok = run_query(dbc, "SELECT 1 AS one, 'two' AS two") &&
         run_query(dbc, "SELECT * FROM sys.sys_tables");

    if (connected && !check(SQLDisconnect(dbc), SQL_HANDLE_DBC, dbc, "SQLDisconnect"))
        ok = 0;
free_dbc:
    if (!check(SQLFreeHandle(SQL_HANDLE_DBC, dbc), SQL_HANDLE_DBC, dbc, "SQLFreeHandle(DBC)"))
        ok = 0;
free_env:
    if (!check(SQLFreeHandle(SQL_HANDLE_ENV, env), SQL_HANDLE_ENV, env, "SQLFreeHandle(ENV)"))
        ok = 0;
    puts(ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}

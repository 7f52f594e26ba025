"""apiodbc as a pyodbc user sees it.

Run by `cargo xtask test` in a private ODBC configuration where the DSN `apiodbc_test` points at
the freshly built driver. Elsewhere, set APIODBC_CONNSTR to any connection string for the driver.
There is no Profile in the default DSN, so everything here uses computed queries and the `sys`
schema; pyodbc goes through unixODBC's wide (W) entry points.
"""

import datetime
import decimal
import os
import re
import threading

import pyodbc
import pytest

CONNSTR = os.environ.get("APIODBC_CONNSTR", "DSN=apiodbc_test")

SYSTEM_TABLES = {
    "sys_tables",
    "sys_tablecolumns",
    "sys_procedures",
    "sys_procedureparameters",
    "sys_connection_props",
    "sys_requests",
}

# A character outside the Basic Multilingual Plane (a UTF-16 surrogate pair), Latin letters with
# diacritics and CJK: 12 characters.
UNICODE_TEXT = "🙂 ünïcødé 日本"


def connect(prefix=""):
    # Keys put first win: the grammar keeps the first occurrence of a key, and keys in the string
    # win over the DSN's.
    return pyodbc.connect(prefix + CONNSTR)


@pytest.fixture(scope="module")
def cnxn():
    c = connect()
    yield c
    c.close()


@pytest.fixture
def cur(cnxn):
    c = cnxn.cursor()
    yield c
    c.close()


def message(excinfo):
    """pyodbc puts the SQLSTATE in args[0] and the driver manager's full text in args[1]."""
    return excinfo.value.args[1]


# --- queries and result types ----------------------------------------------------------------


def test_select_one(cur):
    assert cur.execute("SELECT 1").fetchone()[0] == 1


def test_description_names_and_python_types(cur):
    cur.execute(
        "SELECT 1 AS i, 'text' AS t, CAST(1.5 AS DOUBLE) AS f, DATE '2024-01-02' AS d,"
        " CAST(12.34 AS DECIMAL(10,2)) AS n, true AS b"
    )
    assert [d[0] for d in cur.description] == ["i", "t", "f", "d", "n", "b"]
    assert [d[1] for d in cur.description] == [
        int,
        str,
        float,
        datetime.date,
        decimal.Decimal,
        bool,
    ]
    # (name, type, display_size, internal_size, precision, scale, null_ok)
    assert cur.description[4][4:6] == (10, 2)
    assert tuple(cur.fetchone()) == (
        1,
        "text",
        1.5,
        datetime.date(2024, 1, 2),
        decimal.Decimal("12.34"),
        True,
    )


def test_text_columns_have_a_bounded_size(cur):
    # Bulk fetchers size their buffers from this; 0 or 2**31 breaks them.
    cur.execute("SELECT 'text' AS t")
    size = cur.description[0][3]
    assert 0 < size < 2**31 - 1


def test_null_value(cur):
    assert cur.execute("SELECT CAST(NULL AS VARCHAR) AS v").fetchval() is None


# generate_series is DataFusion's built-in table function (column `value`, both ends included).
SERIES = "SELECT value FROM generate_series(1, 10000) ORDER BY value"


def test_fetchall_many_rows(cur):
    rows = cur.execute(SERIES).fetchall()
    assert [r[0] for r in rows] == list(range(1, 10001))


def test_fetchmany_in_batches(cur):
    cur.execute(SERIES)
    seen = []
    while True:
        batch = cur.fetchmany(999)
        if not batch:
            break
        assert len(batch) <= 999
        seen.extend(r[0] for r in batch)
    assert seen == list(range(1, 10001))


def test_fetchmany_uses_arraysize(cur):
    cur.arraysize = 250
    cur.execute(SERIES)
    assert len(cur.fetchmany()) == 250
    assert cur.fetchone()[0] == 251


def test_iterating_a_cursor(cur):
    assert sum(r[0] for r in cur.execute(SERIES)) == 10000 * 10001 // 2


# Computed results are read ahead of the fetches (several batches of 8192 rows); no row may be
# lost, doubled or changed, whether the client reads to the end, stops early, or caps the rows.
BIG = 200_000
BIG_SERIES = (
    f"SELECT value AS id, concat('row-', CAST(value AS VARCHAR)) AS label "
    f"FROM generate_series(1, {BIG})"
)


def test_a_large_computed_result_arrives_whole(cur):
    rows = cur.execute(BIG_SERIES).fetchall()
    # Without ORDER BY the engine's two partitions may interleave: compare as sets.
    assert sorted(r[0] for r in rows) == list(range(1, BIG + 1))
    assert all(r[1] == f"row-{r[0]}" for r in rows)


def test_a_large_computed_result_closed_early_leaves_the_cursor_usable(cur):
    cur.execute(BIG_SERIES)
    assert len(cur.fetchmany(20_000)) == 20_000
    cur.execute("SELECT count(*) FROM generate_series(1, 1000)")
    assert cur.fetchone()[0] == 1000


def test_max_rows_caps_a_large_computed_result():
    with connect("MaxRows=12345;") as c:
        rows = c.cursor().execute(BIG_SERIES).fetchall()
        assert len(rows) == 12345
        assert len({r[0] for r in rows}) == 12345


def test_a_forked_child_can_close_the_parents_cursor():
    # The child has the runtime but not its worker threads: closing must not wait for them.
    c = connect()
    cur = c.cursor()
    cur.execute(BIG_SERIES)
    cur.fetchmany(10)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        cur.close()
        os.write(write, b"closed")
        os._exit(0)
    os.close(write)
    # A child that hangs is killed, and the test fails on what it did not say.
    deadline = threading.Timer(30, lambda: os.kill(pid, 9))
    deadline.start()
    said = os.read(read, 16)
    _, status = os.waitpid(pid, 0)
    deadline.cancel()
    os.close(read)
    assert said == b"closed" and status == 0
    cur.close()
    c.close()


def test_one_result_set_only(cur):
    cur.execute("SELECT 1")
    cur.fetchall()
    assert cur.nextset() is False


def test_commit_and_rollback_are_accepted(cnxn):
    # pyodbc turns autocommit off and rolls back at close; a read-only driver must go along.
    assert cnxn.autocommit is False
    cnxn.commit()
    cnxn.rollback()


# --- ODBC escapes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT {fn UCASE('odbc')}", "ODBC"),
        ("SELECT {fn CONCAT('a', 'b')}", "ab"),
        ("SELECT {d '2024-01-02'}", datetime.date(2024, 1, 2)),
        ("SELECT {ts '2024-01-02 03:04:05'}", datetime.datetime(2024, 1, 2, 3, 4, 5)),
    ],
)
def test_escape_clauses(cur, sql, expected):
    assert cur.execute(sql).fetchval() == expected


# --- parameters ------------------------------------------------------------------------------


def test_parameter_in_an_expression(cur):
    assert cur.execute("SELECT ? + 1", 41).fetchval() == 42


@pytest.mark.parametrize(
    "value",
    [
        "hello",
        "",
        42,
        -7,
        2**40,
        1.5,
        decimal.Decimal("12.34"),
        datetime.date(2024, 1, 2),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
        b"\x00\x01\xfe\xff",
        None,
    ],
    ids=lambda v: type(v).__name__ + ":" + repr(v)[:20],
)
def test_parameter_round_trip(cur, value):
    got = cur.execute("SELECT ?", value).fetchval()
    assert got == value
    assert type(got) is type(value)


def test_parameters_in_a_where_clause(cur):
    rows = cur.execute(
        "SELECT value FROM generate_series(1, 100) WHERE value BETWEEN ? AND ? ORDER BY value",
        10,
        12,
    ).fetchall()
    assert [r[0] for r in rows] == [10, 11, 12]


def test_executemany_style_reuse(cur):
    # The same prepared statement, executed again with new values.
    for n in (1, 2, 3):
        assert cur.execute("SELECT ? + 1", n).fetchval() == n + 1


def test_fast_executemany_of_an_untyped_marker_fails_cleanly(cur):
    # `SELECT ?` gives its marker no type: pyodbc's fast path then sends the value as
    # data-at-execution in an array, which the driver refuses (HYC00) instead of answering
    # SQLParamData with an address pyodbc would misread (it crashed).
    cur.executemany("SELECT ? AS x", [("a",), ("b",)])
    cur.fast_executemany = True
    with pytest.raises(pyodbc.Error) as e:
        cur.executemany("SELECT ? AS x", [("a",), ("b",)])
    assert e.value.args[0] == "HYC00"
    cur.fast_executemany = False
    assert cur.execute("SELECT 1").fetchval() == 1


# --- Unicode ---------------------------------------------------------------------------------


def test_unicode_literal(cur):
    assert cur.execute(f"SELECT '{UNICODE_TEXT}' AS t").fetchval() == UNICODE_TEXT


def test_unicode_parameter(cur):
    assert cur.execute("SELECT ?", UNICODE_TEXT).fetchval() == UNICODE_TEXT


def test_unicode_is_counted_in_characters(cur):
    # 12 only if the surrogate pair reached the engine as one character.
    sql = f"SELECT character_length('{UNICODE_TEXT}')"
    assert cur.execute(sql).fetchval() == 12


def test_unicode_column_name(cur):
    cur.execute('SELECT 1 AS "größe 🙂"')
    assert cur.description[0][0] == "größe 🙂"


# --- SQLGetInfo ------------------------------------------------------------------------------


def test_getinfo(cnxn):
    assert "apiodbc" in cnxn.getinfo(pyodbc.SQL_DRIVER_NAME).lower()
    assert cnxn.getinfo(pyodbc.SQL_DRIVER_ODBC_VER) == "03.80"
    assert re.match(r"^\d\d\.\d\d\.\d{4}", cnxn.getinfo(pyodbc.SQL_DRIVER_VER))
    dbms = cnxn.getinfo(pyodbc.SQL_DBMS_NAME)
    assert isinstance(dbms, str) and dbms
    # pyodbc turns Y/N answers into booleans.
    assert cnxn.getinfo(pyodbc.SQL_DATA_SOURCE_READ_ONLY) is True
    assert cnxn.getinfo(pyodbc.SQL_IDENTIFIER_QUOTE_CHAR) == '"'


# --- catalog functions -----------------------------------------------------------------------


def test_tables_lists_the_system_tables(cur):
    rows = cur.tables().fetchall()
    assert SYSTEM_TABLES <= {r.table_name for r in rows if r.table_schem == "sys"}


def test_tables_with_exact_names(cur):
    rows = cur.tables(table="sys_tables", schema="sys").fetchall()
    assert [(r.table_schem, r.table_name) for r in rows] == [("sys", "sys_tables")]
    assert [d[0] for d in cur.description] == [
        "table_cat",
        "table_schem",
        "table_name",
        "table_type",
        "remarks",
    ]


def test_tables_with_a_pattern(cur):
    rows = cur.tables(table="sys_proc%", schema="sys").fetchall()
    assert {r.table_name for r in rows} == {"sys_procedures", "sys_procedureparameters"}


def test_tables_all_table_types(cur):
    # SQL_ALL_TABLE_TYPES: empty catalog, schema and table, and "%" as the type.
    rows = cur.tables(catalog="", schema="", table="", tableType="%").fetchall()
    types = [r.table_type for r in rows]
    assert types and all(types)
    assert len(types) == len(set(types))


def test_columns(cur):
    rows = cur.columns(table="sys_tables", schema="sys").fetchall()
    assert rows
    assert [d[0] for d in cur.description][:18] == [
        "table_cat",
        "table_schem",
        "table_name",
        "column_name",
        "data_type",
        "type_name",
        "column_size",
        "buffer_length",
        "decimal_digits",
        "num_prec_radix",
        "nullable",
        "remarks",
        "column_def",
        "sql_data_type",
        "sql_datetime_sub",
        "char_octet_length",
        "ordinal_position",
        "is_nullable",
    ]
    assert {(r.table_schem, r.table_name) for r in rows} == {("sys", "sys_tables")}
    assert [r.ordinal_position for r in rows] == list(range(1, len(rows) + 1))
    assert all(r.type_name and isinstance(r.data_type, int) for r in rows)


def test_columns_agree_with_the_query(cur):
    listed = [r.column_name for r in cur.columns(table="sys_tables", schema="sys").fetchall()]
    cur.execute("SELECT * FROM sys.sys_tables")
    assert [d[0] for d in cur.description] == listed


def test_procedures(cur):
    rows = cur.procedures().fetchall()
    assert [d[0] for d in cur.description] == [
        "procedure_cat",
        "procedure_schem",
        "procedure_name",
        "num_input_params",
        "num_output_params",
        "num_result_sets",
        "remarks",
        "procedure_type",
    ]
    # The catalog function and the system table tell the same story.
    assert cur.execute("SELECT COUNT(*) FROM sys.sys_procedures").fetchval() == len(rows)


def test_get_type_info(cur):
    rows = cur.getTypeInfo().fetchall()
    assert len(cur.description) == 19
    assert [d[0] for d in cur.description][:3] == ["type_name", "data_type", "column_size"]
    types = [r.data_type for r in rows]
    assert types == sorted(types)
    for sql_type in (
        pyodbc.SQL_WVARCHAR,
        pyodbc.SQL_BIGINT,
        pyodbc.SQL_INTEGER,
        pyodbc.SQL_DOUBLE,
        pyodbc.SQL_DECIMAL,
        pyodbc.SQL_BIT,
        pyodbc.SQL_TYPE_DATE,
        pyodbc.SQL_TYPE_TIMESTAMP,
    ):
        assert sql_type in types


def test_get_type_info_for_one_type(cur):
    rows = cur.getTypeInfo(pyodbc.SQL_WVARCHAR).fetchall()
    assert rows
    assert {r.data_type for r in rows} == {pyodbc.SQL_WVARCHAR}


# --- errors ----------------------------------------------------------------------------------


def test_unknown_table_is_42S02(cur):
    with pytest.raises(pyodbc.ProgrammingError) as e:
        cur.execute("SELECT * FROM no_such_table")
    assert e.value.args[0] == "42S02"
    assert "[apiodbc]" in message(e)
    assert "no_such_table" in message(e)


def test_unknown_column_is_42S22(cur):
    with pytest.raises(pyodbc.ProgrammingError) as e:
        cur.execute("SELECT no_such_column FROM sys.sys_tables")
    assert e.value.args[0] == "42S22"


def test_syntax_error_is_42000(cur):
    with pytest.raises(pyodbc.ProgrammingError) as e:
        cur.execute("SELEC 1")
    assert e.value.args[0] == "42000"


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO x VALUES (1)",
        "DELETE FROM sys.sys_tables",
        "CREATE TABLE t (a INT)",
        "DROP TABLE sys.sys_tables",
    ],
)
def test_writes_without_a_profile_and_ddl_are_refused(cur, statement):
    with pytest.raises(pyodbc.Error) as e:
        cur.execute(statement)
    assert e.value.args[0] == "42000"
    text = message(e).lower()
    assert "read-only" in text or "not possible on an api's tables" in text


def test_connection_survives_an_error(cnxn):
    cur = cnxn.cursor()
    with pytest.raises(pyodbc.Error):
        cur.execute("SELECT * FROM no_such_table")
    assert cur.execute("SELECT 2").fetchval() == 2


# --- connecting ------------------------------------------------------------------------------


def test_bad_property_value_fails_the_connect():
    with pytest.raises(pyodbc.Error) as e:
        connect("InitiateOAuth=SOMETIMES;")
    text = message(e)
    assert "initiateoauth" in text.lower()
    assert "GETANDREFRESH" in text.upper()  # the allowed values are named


def test_bad_verbosity_fails_the_connect():
    with pytest.raises(pyodbc.Error) as e:
        connect("Verbosity=9;")
    assert "verbosity" in message(e).lower()


def test_unknown_property_is_only_a_warning():
    c = connect("NoSuchProperty=1;")
    try:
        assert c.cursor().execute("SELECT 1").fetchval() == 1
    finally:
        c.close()


def test_twenty_thousand_unknown_keys_still_connect():
    # One warning lists them (the first few and how many), instead of one per key.
    keys = "".join(f"Stray{i}=1;" for i in range(20_000))
    c = connect(keys)
    try:
        assert c.cursor().execute("SELECT 1").fetchval() == 1
    finally:
        c.close()


def test_first_occurrence_of_a_key_wins():
    c = connect("Verbosity=1;Verbosity=banana;")
    c.close()


def test_braced_values_keep_semicolons_and_braces():
    # Braces protect ';' inside a value, and '}}' inside braces is one '}'.
    c = connect("CallbackURL={http://localhost:33333/cb?a=1;b=2};Scope={read}}write};")
    try:
        rows = c.cursor().execute("SELECT * FROM sys.sys_connection_props").fetchall()
    finally:
        c.close()
    values = {str(v) for r in rows for v in r}
    assert "http://localhost:33333/cb?a=1;b=2" in values
    assert "read}write" in values


def test_connect_by_driver_name():
    if "apiodbc" not in pyodbc.drivers():
        pytest.skip("no driver registered as [apiodbc] in odbcinst.ini")
    c = pyodbc.connect("DRIVER={apiodbc}")
    try:
        assert c.cursor().execute("SELECT 1").fetchval() == 1
    finally:
        c.close()


def test_secrets_are_masked_in_sys_connection_props():
    secrets = ["s3cr3t-api-token", "hunter2-password"]
    c = connect(f"APIToken={secrets[0]};Password={secrets[1]};")
    try:
        rows = c.cursor().execute("SELECT * FROM sys.sys_connection_props").fetchall()
    finally:
        c.close()
    assert rows
    shown = repr([tuple(r) for r in rows])
    for secret in secrets:
        assert secret not in shown


def test_connections_on_many_threads():
    errors = []
    results = {}

    def work(n):
        try:
            c = connect()
            try:
                cur = c.cursor()
                results[n] = [cur.execute("SELECT ? + 1", n * 10 + i).fetchval() for i in range(4)]
            finally:
                c.close()
        except Exception as exc:  # reported below, with the thread it came from
            errors.append((n, exc))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == {n: [n * 10 + i + 1 for i in range(4)] for n in range(8)}


def _on_a_small_stack(work):
    # Many applications run queries on threads with 1 MiB stacks; the driver must not need more.
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as exc:  # re-raised on the test's thread
            outcome["error"] = exc

    previous = threading.stack_size(1 << 20)
    try:
        t = threading.Thread(target=run)
        t.start()
    finally:
        threading.stack_size(previous)
    t.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_deep_generated_sql_on_a_1_mib_thread():
    def work():
        c = connect()
        try:
            cur = c.cursor()
            ors = "SELECT 'found' WHERE 1 = 0" + "".join(f" OR {i} = 0" for i in range(1, 5000)) + " OR 2 = 2"
            found = cur.execute(ors).fetchval()
            union = " UNION ALL ".join(f"SELECT {i} AS n" for i in range(1, 2001))
            total = cur.execute(f"SELECT sum(n) FROM ({union})").fetchval()
            with pytest.raises(pyodbc.Error) as e:
                cur.execute("SELECT 0" + " + 1" * 5000)
            return found, total, e.value.args[0], e.value.args[1]
        finally:
            c.close()

    found, total, state, text = _on_a_small_stack(work)
    assert found == "found"
    assert total == 2000 * 2001 // 2
    assert state == "54001"
    assert "too complex" in text


def test_mixed_case_sys_columns_need_no_quotes(cnxn):
    # The sys tables keep the commercial driver's column spellings (TableName, IsSensitive);
    # users type them unquoted, in any case, as they would there.
    cur = cnxn.cursor()
    rows = cur.execute(
        "SELECT TableName, columnname FROM sys.sys_tablecolumns "
        "WHERE TABLENAME = 'sys_connection_props' ORDER BY Ordinal"
    ).fetchall()
    assert [r[1] for r in rows][:3] == ["Name", "Description", "Value"]
    assert [d[0] for d in cur.description] == ["TableName", "ColumnName"]
    names = [r[0] for r in cur.execute(
        "SELECT Name FROM sys.sys_connection_props WHERE IsSensitive ORDER BY name"
    ).fetchall()]
    assert "Password" in names and "User" not in names
    with pytest.raises(pyodbc.Error) as err:
        cur.execute("SELECT Name, nosuch FROM sys.sys_connection_props")
    assert err.value.args[0] == "42S22" and "nosuch" in str(err.value)
    # An alias spelled like a column still means the alias in ORDER BY.
    labels = [r[0] for r in cur.execute(
        "SELECT ColumnName AS tablename FROM sys.sys_tablecolumns "
        "WHERE TableName = 'sys_tables' ORDER BY tablename"
    ).fetchall()]
    assert labels == sorted(labels) and len(labels) > 2

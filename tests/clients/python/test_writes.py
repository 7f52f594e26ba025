"""Writes through pyodbc, against a sandbox of their own: for every table whose manifest entry
has a `write` object, INSERT with bound parameters, read back, UPDATE, read back, DELETE, read
back; `cursor.rowcount` after each; `executemany` (a parameter array) with its row count; the
keys a write created in sys.sys_writes; a refused row that names itself; ReadOnly and what
SQLGetInfo says about it; pyodbc's default autocommit=False refused with a clear error.

Run by `cargo xtask test` (step pytest); elsewhere
`APIODBC_SANDBOX_BIN=target/debug/apiodbc-sandbox pytest tests/clients/python/test_writes.py`.
"""

import datetime
import json

import pyodbc
import pytest

from sandbox_proc import Sandbox, sandbox_binary


@pytest.fixture(scope="module")
def sandbox():
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("no sandbox: set APIODBC_SANDBOX_BIN, or build the workspace")
    sb = Sandbox.start(binary, records=30)
    yield sb
    sb.stop()


def connect(sb, service, extra="CustomFields=FALSE", autocommit=True):
    return pyodbc.connect(sb.connstr(service) + ";" + extra, autocommit=autocommit)


def writable_tables(sb):
    for service, entry in sb.manifest["services"].items():
        for table, t in entry["tables"].items():
            if isinstance(t.get("write"), dict):
                yield service, table, t["write"]


def column_types(cur, service, table):
    return {c.column_name: c.type_name for c in cur.columns(table=table, schema=service)}


def param(value, type_name):
    """A Python value to bind for the manifest's JSON value in a column of `type_name`."""
    if value is None:
        return None
    if type_name.startswith(("JSON", "json")) or isinstance(value, (list, dict)):
        return json.dumps(value) if not isinstance(value, str) else value
    if isinstance(value, bool):
        return value
    if type_name in ("TIMESTAMP",) and isinstance(value, str):
        return value
    return value


def shows(type_name, got, want):
    if want is None:
        return got is None
    if isinstance(got, str) and (isinstance(want, (list, dict)) or type_name.upper().startswith("JSON")):
        want_value = json.loads(want) if isinstance(want, str) else want
        return json.loads(got) == want_value
    if isinstance(got, bool) or isinstance(want, bool):
        return bool(got) == bool(want)
    if isinstance(got, float) or isinstance(want, float):
        return abs(float(got) - float(want)) < 1e-6
    if isinstance(got, datetime.datetime):
        text = str(want).replace("Z", "+00:00")
        w = datetime.datetime.fromisoformat(text)
        if w.tzinfo is not None:
            w = w.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return got == w
    if isinstance(got, datetime.date):
        return got.isoformat() == str(want)
    return str(got) == str(want)


def key_of(cur, service, table, w, values):
    if w.get("creates_key", True):
        cur.execute(
            "SELECT RecordKey FROM sys.sys_writes WHERE TableName = ? AND Operation = 'INSERT' "
            "ORDER BY StatementId DESC, RowNumber DESC LIMIT 1",
            f"{service}.{table}",
        )
        key = cur.fetchone()[0]
        return [(w["key"][0], key)]
    return [(k, values[k]) for k in w["key"]]


def where(key, types):
    clauses, args = [], []
    for col, value in key:
        if types.get(col, "").upper() in ("BIGINT", "INTEGER") and isinstance(value, str):
            value = int(value)
        clauses.append(f"{col} = ?")
        args.append(value)
    return " AND ".join(clauses), args


def read_back(cur, service, table, key, values, types):
    cond, args = where(key, types)
    cols = list(values)
    cur.execute(f"SELECT {', '.join(cols)} FROM {service}.{table} WHERE {cond}", *args)
    rows = cur.fetchall()
    assert len(rows) == 1, (service, table, key, rows)
    for i, c in enumerate(cols):
        assert shows(types[c], rows[0][i], values[c]), (service, table, c, rows[0][i], values[c])


def test_every_writable_table_round_trips_with_bound_parameters(sandbox):
    tables = list(writable_tables(sandbox))
    assert len(tables) >= 10, tables
    for service, table, w in tables:
        # With the custom fields: the manifest writes some of them.
        with connect(sandbox, service, extra="") as conn:
            cur = conn.cursor()
            types = column_types(cur, service, table)
            insert = w["insert"]
            cols = list(insert)
            cur.execute(
                f"INSERT INTO {service}.{table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                *[param(insert[c], types[c]) for c in cols],
            )
            assert cur.rowcount == 1, (service, table)
            key = key_of(cur, service, table, w, insert)
            read_back(cur, service, table, key, insert, types)
            if "update" in w:
                update = w["update"]
                cond, args = where(key, types)
                sets = ", ".join(f"{c} = ?" for c in update)
                cur.execute(
                    f"UPDATE {service}.{table} SET {sets} WHERE {cond}",
                    *[param(update[c], types[c]) for c in update],
                    *args,
                )
                assert cur.rowcount == 1, (service, table)
                read_back(cur, service, table, key, update, types)
            if w.get("delete", True):
                cond, args = where(key, types)
                cur.execute(f"DELETE FROM {service}.{table} WHERE {cond}", *args)
                assert cur.rowcount == 1, (service, table)
                cur.execute(f"SELECT COUNT(*) FROM {service}.{table} WHERE {cond}", *args)
                assert cur.fetchone()[0] == 0, (service, table)


def test_executemany_inserts_every_row_and_the_keys_are_listed(sandbox):
    with connect(sandbox, "pipedrive") as conn:
        cur = conn.cursor()
        names = [f"Many {i}" for i in range(5)]
        cur.fast_executemany = True
        cur.executemany("INSERT INTO organizations (name) VALUES (?)", [(n,) for n in names])
        cur.execute(
            "SELECT COUNT(*) FROM organizations WHERE name IN (?, ?, ?, ?, ?)", *names
        )
        assert cur.fetchone()[0] == 5
        cur.execute(
            "SELECT RecordKey, Outcome FROM sys.sys_writes WHERE TableName = 'pipedrive.organizations' "
            "ORDER BY StatementId DESC LIMIT 5"
        )
        rows = cur.fetchall()
        assert len(rows) == 5 and all(r.Outcome == "applied" and r.RecordKey for r in rows)


def test_a_refused_row_is_named_and_the_applied_ones_reported(sandbox):
    refused = sandbox.manifest["services"]["pipedrive"]["tables"]["persons"]["write"]["refused_insert"]
    with connect(sandbox, "pipedrive") as conn:
        cur = conn.cursor()
        cols = list(refused)
        good = {c: refused[c] for c in cols}
        good.update({"name": "Good Before"})
        for c in cols:
            if c not in ("name", "owner_id"):
                good[c] = None
        marks = ", ".join("?" * len(cols))
        with pytest.raises(pyodbc.Error) as err:
            cur.execute(
                f"INSERT INTO persons ({', '.join(cols)}) VALUES ({marks}), ({marks})",
                *[good[c] for c in cols],
                *[refused[c] for c in cols],
            )
        text = str(err.value)
        assert err.value.args[0] == "23000", text
        assert "row 2 of 2" in text and "Applied: row(s) 1" in text, text
        cur.execute("SELECT COUNT(*) FROM persons WHERE name = 'Good Before'")
        assert cur.fetchone()[0] == 1


def test_pyodbc_default_autocommit_off_is_refused_for_writes_only(sandbox):
    with connect(sandbox, "pipedrive", autocommit=False) as conn:
        cur = conn.cursor()
        cur.execute("SELECT COUNT(*) FROM pipelines")
        assert cur.fetchone()[0] > 0
        with pytest.raises(pyodbc.Error) as err:
            cur.execute("INSERT INTO organizations (name) VALUES ('never')")
        assert err.value.args[0] == "25000", str(err.value)
        assert "autocommit=True" in str(err.value)


def test_read_only_is_what_getinfo_says(sandbox):
    # pyodbc turns the "Y"/"N" answer into a bool.
    with connect(sandbox, "pipedrive") as conn:
        assert conn.getinfo(pyodbc.SQL_DATA_SOURCE_READ_ONLY) is False
    with connect(sandbox, "pipedrive", "CustomFields=FALSE;ReadOnly=TRUE") as conn:
        assert conn.getinfo(pyodbc.SQL_DATA_SOURCE_READ_ONLY) is True
        before = len(sandbox.stats())
        with pytest.raises(pyodbc.Error) as err:
            conn.cursor().execute("DELETE FROM organizations WHERE id = 1")
        assert err.value.args[0] == "42000"
        assert len(sandbox.stats()) == before
    with connect(sandbox, "leaddesk") as conn:
        assert conn.getinfo(pyodbc.SQL_DATA_SOURCE_READ_ONLY) is True


def test_executemany_slow_then_fast_on_one_cursor(sandbox):
    # After SQLFreeStmt(SQL_RESET_PARAMS), SQLDescribeParam must describe the markers again:
    # it answered SQL_C_DEFAULT with size 0, pyodbc's fast path then sent the values as
    # data-at-execution and crashed reading SQLParamData's answer.
    with connect(sandbox, "pipedrive") as conn:
        cur = conn.cursor()
        sql = "INSERT INTO organizations (name) VALUES (?)"
        cur.executemany(sql, [("Slow One",), ("Slow Two",)])
        cur.fast_executemany = True
        cur.executemany(sql, [("Fast One",), ("Fast Two",)])
        cur.execute(
            "SELECT COUNT(*) FROM organizations WHERE name IN ('Slow One', 'Slow Two', 'Fast One', 'Fast Two')"
        )
        assert cur.fetchone()[0] == 4

"""Custom fields through pyodbc: every field type of the sandbox's Pipedrive account comes back as
the Python type its ODBC type gives (str, float, int, datetime.date; option ids as their labels;
several options as a JSON array of labels), with the values the API holds for each person, and
the definitions are asked for once per connection.

Run by `cargo xtask test` (step pytest); elsewhere
`APIODBC_SANDBOX_BIN=target/debug/apiodbc-sandbox pytest tests/clients/python/test_custom_fields.py`.
"""

import datetime
import json

import pyodbc
import pytest

from sandbox_proc import Sandbox, sandbox_binary

# Field type → (the Python type pyodbc gives, the SQL type SQLColumns names).
TYPES = {
    "varchar": (str, pyodbc.SQL_WVARCHAR),
    "varchar_auto": (str, pyodbc.SQL_WVARCHAR),
    "text": (str, pyodbc.SQL_WVARCHAR),
    "phone": (str, pyodbc.SQL_WVARCHAR),
    "address": (str, pyodbc.SQL_WVARCHAR),
    "time": (str, pyodbc.SQL_WVARCHAR),
    "timerange": (str, pyodbc.SQL_WVARCHAR),
    "double": (float, pyodbc.SQL_DOUBLE),
    "monetary": (float, pyodbc.SQL_DOUBLE),
    "user": (int, pyodbc.SQL_BIGINT),
    "org": (int, pyodbc.SQL_BIGINT),
    "people": (int, pyodbc.SQL_BIGINT),
    "date": (datetime.date, pyodbc.SQL_TYPE_DATE),
    "daterange": (datetime.date, pyodbc.SQL_TYPE_DATE),
    "enum": (str, pyodbc.SQL_WVARCHAR),
    "set": (str, pyodbc.SQL_WLONGVARCHAR),
}


@pytest.fixture(scope="module")
def sandbox():
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("no sandbox: set APIODBC_SANDBOX_BIN, or build the workspace")
    sb = Sandbox.start(binary, records=40)
    yield sb
    sb.stop()


def columns_by_key(cur, schema, table, keys):
    """Each field key's column (the one whose REMARKS end with the key, not a part such as
    _currency), and every column's SQL type."""
    by_key, sql_types = {}, {}
    for c in cur.columns(table=table, schema=schema).fetchall():
        sql_types[c.column_name] = c.data_type
        for k in keys:
            if c.remarks and c.remarks.endswith(f"key {k})"):
                by_key[k] = c.column_name
    assert len(by_key) == len(keys), by_key
    return by_key, sql_types


def expected(field, record):
    """What the driver should show for a field's value in a raw record."""
    raw = record.get(field["key"])
    if raw is None:
        return None
    labels = {str(o["id"]): o["label"] for o in field["options"] or []}
    kind = field["field_type"]
    if kind == "enum":
        return labels.get(str(raw), str(raw))
    if kind == "set":
        return [labels.get(i, i) for i in str(raw).split(",") if i]
    if kind in ("date", "daterange"):
        return datetime.date.fromisoformat(raw)
    if kind in ("double", "monetary"):
        return float(raw)
    if kind in ("user", "org", "people"):
        return int(raw)
    return raw


def test_every_field_type_round_trips(sandbox):
    fields = [f for f in sandbox.data("pipedrive", "person_fields") if f["edit_flag"]]
    assert {f["field_type"] for f in fields} == set(TYPES), "the sandbox seeds every type"
    people = {p["id"]: p for p in sandbox.data("pipedrive", "persons")}
    conn = pyodbc.connect(sandbox.connstr("pipedrive"), autocommit=True)
    cur = conn.cursor()
    by_key, sql_types = columns_by_key(cur, "pipedrive", "persons", [f["key"] for f in fields])
    names = [by_key[f["key"]] for f in fields]
    rows = cur.execute(f"SELECT id, {', '.join(names)} FROM persons ORDER BY id").fetchall()
    assert len(rows) == len(people)
    seen = {f["key"]: 0 for f in fields}
    for row in rows:
        # Persons come from API v2: custom values in `custom_fields`.
        values = people[row[0]]["custom_fields"]
        for f, value in zip(fields, row[1:]):
            python_type, sql_type = TYPES[f["field_type"]]
            assert sql_types[by_key[f["key"]]] == sql_type, f
            want = expected_v2(f, values.get(f["key"]))
            if f["field_type"] == "set" and value is not None:
                value = json.loads(value)
            assert value == want, (row[0], f["name"], value, want)
            if value is not None:
                assert isinstance(value, python_type if f["field_type"] != "set" else list)
                seen[f["key"]] += 1
    assert all(seen.values()), "every field has a value somewhere"


def test_sub_values_and_collisions(sandbox):
    conn = pyodbc.connect(sandbox.connstr("pipedrive"), autocommit=True)
    cur = conn.cursor()
    row = cur.execute(
        "SELECT contract_value, contract_value_currency, contract_period, contract_period_until, "
        "name, name_custom FROM persons "
        "WHERE contract_value IS NOT NULL AND contract_period IS NOT NULL LIMIT 1"
    ).fetchone()
    assert row.contract_value_currency in ("USD", "EUR")
    assert row.contract_period_until > row.contract_period
    assert row.name != row.name_custom
    # Two fields called Region: each column is named with its field's key.
    regions = {
        f["key"] for f in sandbox.data("pipedrive", "person_fields") if f["name"] == "Region"
    }
    names = {c.column_name for c in cur.columns(table="persons", schema="pipedrive")}
    assert {f"region_{k[:8]}" for k in regions} <= names and "region" not in names


def expected_v2(field, value):
    """What the driver should show for a value of API v2's `custom_fields` object (persons, deals,
    organizations, products):
    option ids are numbers, and a monetary or range value is an object whose `value` is shown."""
    if isinstance(value, dict):
        value = value.get("value")
    if value is None:
        return None
    if field["field_type"] == "set":
        return expected(field, {field["key"]: ",".join(str(i) for i in value)})
    return expected(field, {field["key"]: value})


def test_product_fields_of_api_v2_round_trip(sandbox):
    fields = [f for f in sandbox.data("pipedrive", "product_fields") if f["edit_flag"]]
    products = {p["id"]: p for p in sandbox.data("pipedrive", "products")}
    conn = pyodbc.connect(sandbox.connstr("pipedrive"), autocommit=True)
    cur = conn.cursor()
    by_key, sql_types = columns_by_key(cur, "pipedrive", "products", [f["key"] for f in fields])
    names = [by_key[f["key"]] for f in fields]
    rows = cur.execute(f"SELECT id, {', '.join(names)} FROM products ORDER BY id").fetchall()
    assert len(rows) == len(products)
    seen = {f["key"]: 0 for f in fields}
    for row in rows:
        values = products[row[0]]["custom_fields"]
        for f, value in zip(fields, row[1:]):
            assert sql_types[by_key[f["key"]]] == TYPES[f["field_type"]][1], f
            if f["field_type"] == "set" and value is not None:
                value = json.loads(value)
            want = expected_v2(f, values.get(f["key"]))
            assert value == want, (row[0], f["name"], value, want)
            seen[f["key"]] += value is not None
    assert all(seen.values()), "every field has a value somewhere"
    # The currency of a monetary value, the end of a range; a field named like a built-in.
    row = cur.execute(
        "SELECT list_price, list_price_currency, availability_window, availability_window_until, "
        "unit, unit_custom FROM products WHERE list_price IS NOT NULL "
        "AND availability_window IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()
    assert row.list_price_currency in ("USD", "EUR")
    assert row.availability_window_until > row.availability_window
    assert row.unit in ("seat", "hour", "piece", "month") and row.unit != row.unit_custom


def test_definitions_are_asked_for_once_per_connection(sandbox):
    sandbox.reset()
    conn = pyodbc.connect(sandbox.connstr("pipedrive"), autocommit=True)
    cur = conn.cursor()
    for _ in range(3):
        cur.execute("SELECT tier, count(*) FROM persons GROUP BY tier").fetchall()
    asked = [r["path"] for r in sandbox.stats() if r["path"].endswith("Fields")]
    assert asked == ["/pipedrive/api/v1/personFields"]


# Keap field type → the Python type pyodbc gives.
KEAP_TYPES = {
    "Text": str, "TextArea": str, "Email": str, "PhoneNumber": str, "Website": str, "State": str,
    "WholeNumber": int, "Year": int, "User": int,
    "DecimalNumber": float, "Currency": float, "Percent": float,
    "Date": datetime.date, "DateTime": datetime.datetime, "YesNo": bool,
    "Dropdown": str, "Radio": str, "ListBox": list,
}


def keap_expected(field, content):
    labels = {o["id"]: o["label"] for o in field["options"]}
    kind = field["field_type"]
    if kind in ("Dropdown", "Radio"):
        return labels.get(content, content)
    if kind == "ListBox":
        return [labels.get(i, i) for i in content.split(",") if i]
    if kind == "Date":
        return datetime.date.fromisoformat(content)
    if kind == "DateTime":
        return datetime.datetime.fromisoformat(content.replace("Z", "+00:00")).replace(tzinfo=None)
    if kind in ("DecimalNumber", "Currency", "Percent"):
        return float(content)
    return content


def test_keap_custom_fields_round_trip(sandbox):
    """Keap keeps values in `custom_fields: [{id, content}]` and sends them only when asked."""
    fields = sandbox.data("keap", "contact_custom_fields")
    assert {f["field_type"] for f in fields} <= set(KEAP_TYPES)
    contacts = {c["id"]: c for c in sandbox.data("keap", "contacts")}
    conn = pyodbc.connect(sandbox.connstr("keap"), autocommit=True)
    cur = conn.cursor()
    by_id, _ = columns_by_key(cur, "keap", "contacts", [f["id"] for f in fields])
    assert by_id[fields[-3]["id"]] == "given_name_custom"
    sandbox.reset()
    rows = cur.execute(
        f"SELECT id, {', '.join(by_id[f['id']] for f in fields)} FROM contacts ORDER BY id"
    ).fetchall()
    asked = [r["query"] for r in sandbox.stats() if r["path"].endswith("/contacts")]
    assert asked and all("optional_properties=custom_fields" in q for q in asked), asked
    assert len(rows) == len(contacts)
    for row in rows:
        contents = {v["id"]: v["content"] for v in contacts[row[0]]["custom_fields"]}
        for f, value in zip(fields, row[1:]):
            want = keap_expected(f, contents[f["id"]]) if f["id"] in contents else None
            if f["field_type"] == "ListBox" and value is not None:
                value = json.loads(value)
            assert value == want, (row[0], f["label"], value, want)
            if value is not None:
                assert isinstance(value, KEAP_TYPES[f["field_type"]]), (f["label"], value)


def test_helpscout_mailbox_fields_round_trip(sandbox):
    """Each mailbox has its own fields; a conversation shows the values of its mailbox's, a
    dropdown as its option's label (Help Scout stores the option's id)."""
    fields = sandbox.data("helpscout", "mailbox_fields")
    conversations = {c["id"]: c for c in sandbox.data("helpscout", "conversations")}
    conn = pyodbc.connect(sandbox.connstr("helpscout"), autocommit=True)
    cur = conn.cursor()
    by_id, _ = columns_by_key(cur, "helpscout", "conversations", [f["id"] for f in fields])
    assert "status_custom" in by_id.values()
    # Two mailboxes with a field called Plan: each column is named with its field's id.
    plans = [f["id"] for f in fields if f["name"] == "Plan"]
    assert len(plans) == 2 and all(by_id[i] == f"plan_{i}" for i in plans), by_id
    kinds = {"single_line": str, "multi_line": str, "number": float, "date": datetime.date,
             "dropdown": str}
    rows = cur.execute(
        f"SELECT id, {', '.join(by_id[f['id']] for f in fields)} FROM conversations"
    ).fetchall()
    assert len(rows) == len(conversations)
    for row in rows:
        stored = {v["id"]: v for v in conversations[row[0]]["customFields"]}
        for f, value in zip(fields, row[1:]):
            v = stored.get(f["id"])
            if v is None:
                assert value is None
                continue
            want = {
                "number": lambda: float(v["value"]),
                "date": lambda: datetime.date.fromisoformat(v["value"]),
                "dropdown": lambda: v["text"],
            }.get(f["type"], lambda: v["value"])()
            assert value == want and isinstance(value, kinds[f["type"]]), (f["name"], value, v)

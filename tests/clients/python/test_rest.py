"""API data as a pyodbc user sees it: the built-in profiles against apiodbc-sandbox, and a profile
file for an API of the test's own.

Run by `cargo xtask test` (step pytest), which passes the sandbox binary in APIODBC_SANDBOX_BIN and
points unixODBC at a private configuration where the driver is named `apiodbc`. Elsewhere:

    APIODBC_SANDBOX_BIN=target/debug/apiodbc-sandbox pytest tests/clients/python/test_rest.py

or APIODBC_SANDBOX_URL=http://127.0.0.1:PORT for a sandbox already running (seed and size are
read from its manifest; the fault tests then need APIODBC_FAULT_SANDBOX_URL or the binary).
APIODBC_DRIVER overrides the `DRIVER=` value (default `{apiodbc}`).

Every expectation is computed from the sandbox's own view of its data (`/_sandbox/manifest`,
`/_sandbox/data/<service>/<table>`) and from the profiles in `profiles/*.toml`, never from the
driver, so the driver cannot agree with itself by accident.
"""

import atexit
import collections
import datetime
import decimal
import http.server
import json
import math
import os
import posixpath
import re
import threading
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyodbc
import pytest

from sandbox_proc import HTTP_TIMEOUT, Sandbox, sandbox_binary

REPO = Path(__file__).resolve().parents[3]
DRIVER = os.environ.get("APIODBC_DRIVER", "{apiodbc}")
RECORDS = 60
SEED = 7

# ---------------------------------------------------------------------------------------------
# The sandbox processes (the Sandbox class is shared with test_oauth.py: sandbox_proc.py)


_sandboxes = {}


def _sandbox(kind):
    """Started once per session (the parametrisation needs the manifest at collection time)."""
    if kind in _sandboxes:
        return _sandboxes[kind]
    env_url = os.environ.get(
        "APIODBC_SANDBOX_URL" if kind == "clean" else "APIODBC_FAULT_SANDBOX_URL"
    )
    flags = [] if kind == "clean" else ["--fail-rate", "0.2", "--rate-limit", "20"]
    if env_url:
        sb = Sandbox(env_url)
    elif sandbox_binary():
        sb = Sandbox.start(sandbox_binary(), *flags, records=RECORDS, seed=SEED)
        atexit.register(sb.stop)
    else:
        sb = None
    _sandboxes[kind] = sb
    return sb


NO_SANDBOX = "no sandbox: set APIODBC_SANDBOX_BIN (or APIODBC_SANDBOX_URL), or build the workspace"


@pytest.fixture(scope="session")
def sandbox():
    sb = _sandbox("clean")
    if sb is None:
        pytest.skip(NO_SANDBOX)
    yield sb
    sb.stop()


@pytest.fixture(scope="session")
def fault_sandbox():
    sb = _sandbox("fault")
    if sb is None:
        pytest.skip(NO_SANDBOX + " (for the fault sandbox)")
    yield sb
    sb.stop()


# ---------------------------------------------------------------------------------------------
# The profiles, as the user reads them in profiles/*.toml


def _load_profiles():
    out = {}
    for path in sorted((REPO / "profiles").glob("*.toml")):
        with open(path, "rb") as f:
            p = tomllib.load(f)
        p["tables_by_name"] = {t["name"]: t for t in p.get("table", [])}
        out[p["name"]] = p
    return out


PROFILES = _load_profiles()


def table_def(service, table):
    return PROFILES[service]["tables_by_name"][table]


def column_def(service, table, column):
    return next(c for c in table_def(service, table)["column"] if c["name"] == column)


def key_column(service, table):
    keys = [c for c in table_def(service, table)["column"] if c.get("key")]
    return keys[0] if keys else None


def pagination(service, table):
    return table_def(service, table).get("pagination") or PROFILES[service].get("pagination", {})


def _manifest_tables():
    sb = _sandbox("clean")
    if sb is None:
        return []
    return [
        (svc, t, info)
        for svc, s in sorted(sb.manifest["services"].items())
        for t, info in sorted(s["tables"].items())
    ]


MANIFEST_TABLES = _manifest_tables()


def _param(svc, t, marks=()):
    return pytest.param(svc, t, id=f"{svc}.{t}", marks=marks)


ALL_TABLES = [_param(svc, t) for svc, t, _ in MANIFEST_TABLES]

COUNTED_TABLES = ALL_TABLES


# ---------------------------------------------------------------------------------------------
# Connections and helpers


@pytest.fixture(scope="session")
def connections(sandbox):
    pool = {}

    def get(service):
        if service not in pool:
            pool[service] = pyodbc.connect(sandbox.connstr(service), autocommit=True)
        return pool[service]

    yield get
    for c in pool.values():
        c.close()


def q(service, table):
    """A qualified table name, quoted as a careful client writes it."""
    return f'"{service}"."{table}"'


def rows_as_dicts(cursor):
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def api_requests(stats, sandbox, service, table):
    """Requests that went to the table's own list endpoint (a path template of the profile)."""
    base = urllib.parse.urlparse(_base_url(sandbox, service)).path.rstrip("/")
    # A profile path may carry a query (`/goals/find?type.name={type_name}`); the logged path
    # has none.
    tpl = table_def(service, table)["path"].split("?")[0]
    # `..` reaches a sibling API version (`/api/v1/../v2/persons`), as a URL parser resolves it.
    pattern = re.escape(posixpath.normpath(base + tpl))
    pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", pattern)
    return [r for r in stats if re.fullmatch(pattern, r["path"])]


def _base_url(sandbox, service):
    cs = sandbox.connstr(service)
    return re.search(r"BaseURL=([^;]+)", cs).group(1)


def query_params(request):
    return urllib.parse.parse_qs(request["query"] or "", keep_blank_values=True)


# --- JSON -> what the driver should return, from the profile's column definitions ------------


def scalar_text(v):
    """A JSON scalar as the profile writes it in a `[field=value]` selector."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def json_path(record, path):
    """A profile's dotted path: keys, array indexes, and `[field=value]` for the first element
    of an array whose field has that value."""
    if path == "$":
        return record
    cur = record
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        elif isinstance(cur, list) and part.startswith("[") and part.endswith("]") and "=" in part:
            field, wanted = part[1:-1].split("=", 1)
            cur = next(
                (
                    item
                    for item in cur
                    if isinstance(item, dict)
                    and item.get(field) is not None
                    and scalar_text(item[field]) == wanted
                ),
                None,
            )
        else:
            return None
        if cur is None:
            return None
    return cur


def parse_timestamp(text, fmt):
    if fmt and fmt != "rfc3339":
        # chrono's `%.f` (fraction with its dot) is strptime's `.%f`; an offset (`%z`) is read but
        # not applied, as the driver's chrono pattern does (Keap's `+0000`).
        return datetime.datetime.strptime(text, fmt.replace("%.f", ".%f")).replace(tzinfo=None)
    dt = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is not None:
        dt = dt.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return dt


def expected_value(col, raw):
    kind = col.get("type", "text")
    if raw is None:
        return None
    if kind == "json":
        return raw
    if kind == "text":
        text = raw if isinstance(raw, str) else json.dumps(raw)
        # A column's own `labels` (a value → its label): the driver shows the label.
        return col.get("labels", {}).get(text, text)
    if raw == "":
        return None
    if kind in ("int64", "int32"):
        return int(raw)
    if kind == "float64":
        return float(raw)
    if kind.startswith("decimal"):
        return decimal.Decimal(str(raw))
    if kind == "boolean":
        return bool(raw)
    if kind == "date":
        return datetime.date.fromisoformat(raw[:10])
    if kind == "timestamp":
        return parse_timestamp(raw, col.get("format"))
    raise AssertionError(f"unknown column type {kind}")


def same_value(col, want, got):
    kind = col.get("type", "text")
    if want is None or got is None:
        return want is None and got is None
    if kind == "json":
        return json.loads(got) == want
    if kind == "float64":
        return math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-9)
    return want == got


def expected_rows(sandbox, service, table):
    t = table_def(service, table)
    out = []
    for rec in sandbox.data(service, table):
        row = {}
        for col in t["column"]:
            raw = json_path(rec, col.get("path", col["name"]))
            row[col["name"]] = (col, expected_value(col, raw))
        out.append(row)
    return out


# ---------------------------------------------------------------------------------------------
# Catalog, counts and full scans, for every table of the manifest


@pytest.mark.parametrize("service,table", ALL_TABLES)
def test_table_is_listed_in_the_profile_schema(connections, service, table):
    cur = connections(service).cursor()
    listed = {(r.table_schem, r.table_name) for r in cur.tables()}
    assert (service, table) in listed
    # The exact-name form BI tools use when they already know the table.
    exact = cur.tables(table=table, schema=service).fetchall()
    assert [(r.table_schem, r.table_name) for r in exact] == [(service, table)]


@pytest.mark.parametrize("service,table", COUNTED_TABLES)
def test_count_matches_the_manifest(sandbox, connections, service, table):
    want = sandbox.manifest["services"][service]["tables"][table]["rows"]
    got = connections(service).execute(f"SELECT COUNT(*) FROM {q(service, table)}").fetchval()
    assert got == want


def _comparable(value):
    """A cell as both clients can agree on it: floats rounded, times as ISO text."""
    if value is None:
        return None
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize("service,table", ALL_TABLES)
def test_arrow_odbc_reads_every_table_with_default_options(sandbox, connections, service, table):
    """arrow-odbc with its defaults (block cursors of 65535 rows, buffers sized from COLUMN_SIZE,
    an error on any value longer than declared) reads every row and value pyodbc reads."""
    from arrow_odbc import read_arrow_batches_from_odbc

    want_count = sandbox.manifest["services"][service]["tables"][table]["rows"]
    sql = f"SELECT * FROM {q(service, table)}"
    reader = read_arrow_batches_from_odbc(query=sql, connection_string=sandbox.connstr(service))
    names = reader.schema.names
    got = [tuple(_comparable(row[n]) for n in names) for b in reader for row in b.to_pylist()]
    assert len(got) == want_count
    cur = connections(service).cursor().execute(sql)
    assert names == [d[0] for d in cur.description]
    want = [tuple(_comparable(v) for v in row) for row in cur.fetchall()]
    assert sorted(got, key=repr) == sorted(want, key=repr)


@pytest.mark.parametrize("service,table", COUNTED_TABLES)
def test_select_star_returns_every_record_once(sandbox, connections, service, table):
    want_count = sandbox.manifest["services"][service]["tables"][table]["rows"]
    cur = connections(service).cursor()
    keys = [r.column_name for r in cur.primaryKeys(table, schema=service)]
    key = key_column(service, table)
    assert keys == ([key["name"]] if key else [])
    got = rows_as_dicts(cur.execute(f"SELECT * FROM {q(service, table)}"))
    assert len(got) == want_count
    want = expected_rows(sandbox, service, table)
    assert len(want) == want_count
    if key:
        seen = collections.Counter(r[key["name"]] for r in got)
        dupes = [k for k, n in seen.items() if n > 1]
        assert not dupes, f"records returned more than once: {dupes[:5]}"
        want_by_key = {r[key["name"]][1]: r for r in want}
        assert set(seen) == set(want_by_key)
        pairs = [(want_by_key[r[key["name"]]], r) for r in got]
    else:
        # A child table has no key of its own: match rows by their whole content.
        def sig(values):
            return json.dumps(values, sort_keys=True, default=str)

        want_sorted = sorted(want, key=lambda r: sig({k: v for k, (_, v) in r.items()}))
        got_norm = [
            {k: (json.loads(v) if want[0][k][0].get("type") == "json" and v else v)
             for k, v in r.items()}
            for r in got
        ]
        got_sorted = sorted(got_norm, key=sig)
        pairs = list(zip(want_sorted, got_sorted))
    parent = table_def(service, table).get("parent", {})
    bad = []
    for want_row, got_row in pairs:
        for name, (col, want_value) in want_row.items():
            if name == parent.get("column") and want_value is None:
                continue  # filled from the parent's key, not in the record itself
            if col.get("type") == "json" and not key:
                if got_row[name] != want_value:
                    bad.append((name, want_value, got_row[name]))
            elif not same_value(col, want_value, got_row[name]):
                bad.append((name, want_value, got_row[name]))
    assert not bad, f"{len(bad)} values differ from the API's data, e.g. {bad[:3]}"


# ---------------------------------------------------------------------------------------------
# One request for a key lookup and for LIMIT 10


def _top_level_keyed():
    out = []
    for svc, t, info in MANIFEST_TABLES:
        if info.get("parent") or key_column(svc, t) is None:
            continue
        marks = ()
        if "report" in table_def(svc, t):
            marks = (
                pytest.mark.skip(
                    reason="a report table (Talkdesk calls): every query is a job to create, "
                    "poll and download, so no lookup is ever one request"
                ),
            )
        out.append(_param(svc, t, marks=marks))
    return out


KEYED = _top_level_keyed()


def _literal(col, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


@pytest.mark.parametrize("service,table", KEYED)
def test_key_lookup_is_one_request(sandbox, connections, service, table):
    key = key_column(service, table)
    want = expected_rows(sandbox, service, table)
    # A record from the middle: not the first page's first row by luck.
    value = want[len(want) // 2][key["name"]][1]
    cnxn = connections(service)
    sandbox.reset()
    rows = rows_as_dicts(
        cnxn.execute(
            f"SELECT * FROM {q(service, table)} WHERE {key['name']} = {_literal(key, value)}"
        )
    )
    stats = sandbox.stats()
    assert [r[key["name"]] for r in rows] == [value]
    assert len(stats) == 1, f"expected one API request, got {stats}"
    assert stats[0]["status"] == 200


@pytest.mark.parametrize("service,table", KEYED)
def test_limit_10_is_one_request(sandbox, connections, service, table):
    total = sandbox.manifest["services"][service]["tables"][table]["rows"]
    if total < 10:
        pytest.skip(f"only {total} rows: LIMIT 10 would not stop early")
    pg = pagination(service, table)
    if "size_param" not in pg:
        pytest.skip(
            f"{service}.{table}: the endpoint's page size is fixed (no size parameter), so "
            "LIMIT cannot ask for a page of 10; the request count is the API's choice"
        )
    cnxn = connections(service)
    sandbox.reset()
    rows = cnxn.execute(f"SELECT * FROM {q(service, table)} LIMIT 10").fetchall()
    stats = sandbox.stats()
    assert len(rows) == 10
    assert len(stats) == 1, f"expected one API request, got {stats}"
    assert query_params(stats[0]).get(pg["size_param"]) == ["10"]


def test_key_lookup_with_a_bound_parameter_and_in_list(sandbox, connections):
    cnxn = connections("pipedrive")
    sandbox.reset()
    row = cnxn.execute("SELECT id, name FROM pipedrive.persons WHERE id = ?", 7).fetchone()
    assert [r["path"] for r in sandbox.stats()] == ["/pipedrive/api/v2/persons/7"]
    assert tuple(row) == (7, _by_id(sandbox.data("pipedrive", "persons"))[7]["name"])
    sandbox.reset()
    rows = cnxn.execute("SELECT id FROM pipedrive.persons WHERE id IN (3, 9, 99999) ORDER BY id")
    assert [r.id for r in rows.fetchall()] == [3, 9]  # the unknown id: no row
    # Several keys: one list request with `ids` (API v2 takes up to 100).
    stats = sandbox.stats()
    assert [r["path"] for r in stats] == ["/pipedrive/api/v2/persons"], stats
    assert query_params(stats[0])["ids"] == ["3,9,99999"]


def test_where_on_the_parent_key_narrows_the_parents(sandbox, connections):
    articles = sandbox.data("helpscout_docs", "articles")
    collection = articles[0]["collectionId"]
    sandbox.reset()
    rows = connections("helpscout_docs").execute(
        "SELECT id FROM helpscout_docs.articles WHERE collection_id = ?", collection
    ).fetchall()
    assert sorted(r.id for r in rows) == sorted(
        a["id"] for a in articles if a["collectionId"] == collection
    )
    assert [r["path"] for r in sandbox.stats()] == [
        f"/helpscout-docs/v1/collections/{collection}/articles"
    ]


# ---------------------------------------------------------------------------------------------
# Talkdesk calls: the query's time range is the report's window, not just the last 30 days


def test_talkdesk_calls_older_than_the_default_window_are_found(sandbox, connections):
    td = sandbox.manifest["services"]["talkdesk"]
    first = parse_timestamp(td["calls_span"]["from"], "rfc3339")
    window = parse_timestamp(td["calls_window"]["from"], "rfc3339")
    # Every call the sandbox generated, those before the default 30 days included.
    every = sandbox.get("/_sandbox/data/talkdesk/calls?all=true")
    want = sorted(
        c["call_id"] for c in every if first <= parse_timestamp(c["start_at"], "rfc3339") < window
    )
    assert len(want) > 10
    sandbox.reset()
    rows = connections("talkdesk").execute(
        "SELECT call_id, start_at FROM talkdesk.calls WHERE start_at >= ? AND start_at < ?",
        first,
        window,
    ).fetchall()
    assert sorted(r.call_id for r in rows) == want
    assert all(first <= r.start_at < window for r in rows)
    # 60 days: two report jobs, the first of 31 days, covering exactly the range asked for.
    jobs = sandbox.get("/_sandbox/stats")["report_jobs"]
    spans = [tuple(parse_timestamp(j[side], "rfc3339") for side in ("from", "to")) for j in jobs]
    split = first + datetime.timedelta(days=31)
    assert spans == [(first, split), (split, window)]


# ---------------------------------------------------------------------------------------------
# Pushed-down filters: same rows as the engine-side filter, and the API's parameter on the wire


def _filters():
    out = []
    for svc, t, info in MANIFEST_TABLES:
        for f in table_def(svc, t).get("filter", []):
            for op in f.get("ops", ["="]):
                marks = ()
                out.append(
                    pytest.param(svc, t, f, op, id=f"{svc}.{t}.{f['column']}{op}", marks=marks)
                )
    return out


FILTERS = _filters()


def _engine_side(col):
    """The column in an expression the driver cannot push (it is not a bare column)."""
    kind = col.get("type", "text")
    name = col["name"]
    if kind in ("int64", "int32", "float64"):
        return f"({name} + 0)"
    if kind == "boolean":
        return f"CAST({name} AS INT)"
    return f"concat({name}, '')"


def _engine_literal(col, value):
    if col.get("type") == "boolean":
        return "1" if value else "0"
    return _literal(col, value)


def _wire(f, value):
    fmt = f.get("format", "text")
    if fmt == "bool01":
        text = "1" if value else "0"
    elif fmt == "bool_word":
        text = "true" if value else "false"
    else:
        text = str(value)
    # A clause of a parameter that holds conditions (Keap v2's `filter=opportunity_id==14`).
    return f["template"].replace("{value}", text) if "template" in f else text


@pytest.mark.parametrize("service,table,flt,op", FILTERS)
def test_pushed_filter_agrees_with_the_engine(sandbox, connections, service, table, flt, op):
    col = column_def(service, table, flt["column"])
    data = expected_rows(sandbox, service, table)
    counts = collections.Counter(
        r[col["name"]][1] for r in data if r[col["name"]][1] is not None
    )
    assert counts, f"no value of {col['name']} to filter on"
    # The most common values: a non-empty result that is (usually) not the whole table.
    values = [v for v, _ in counts.most_common(2 if op == "in" else 1)]
    key = key_column(service, table)
    order = f" ORDER BY {key['name']}" if key else ""
    want = sum(counts[v] for v in values)
    if op in (">=", "<="):
        # A bound on a time column: the middle value, sent a little wider and re-checked.
        ordered = sorted(v for v in (r[col["name"]][1] for r in data) if v is not None)
        pivot = ordered[len(ordered) // 2]
        pushed_where = f"{col['name']} {op} {_literal(col, pivot)}"
        engine_where = f"({col['name']} + INTERVAL '0' SECOND) {op} {_literal(col, pivot)}"
        want = sum(1 for v in ordered if (v >= pivot if op == ">=" else v <= pivot))
        wire = None
    elif op == "in":
        pushed_where = f"{col['name']} IN ({', '.join(_literal(col, v) for v in values)})"
        engine_where = (
            f"{_engine_side(col)} IN ({', '.join(_engine_literal(col, v) for v in values)})"
        )
        wire = flt.get("separator", ",").join(_wire(flt, v) for v in values)
    else:
        pushed_where = f"{col['name']} = {_literal(col, values[0])}"
        engine_where = f"{_engine_side(col)} = {_engine_literal(col, values[0])}"
        wire = _wire(flt, values[0])
    cnxn = connections(service)

    sandbox.reset()
    engine_rows = cnxn.execute(
        f"SELECT * FROM {q(service, table)} WHERE {engine_where}{order}"
    ).fetchall()
    engine_reqs = api_requests(sandbox.stats(), sandbox, service, table)
    sandbox.reset()
    pushed_rows = cnxn.execute(
        f"SELECT * FROM {q(service, table)} WHERE {pushed_where}{order}"
    ).fetchall()
    pushed_reqs = api_requests(sandbox.stats(), sandbox, service, table)

    assert len(engine_rows) == want
    if key:
        assert [tuple(r) for r in pushed_rows] == [tuple(r) for r in engine_rows]
    else:
        # No key to ORDER BY: SQL leaves the order open (a filter may reorder rows).
        def unordered(rows):
            return sorted(map(tuple, rows), key=repr)

        assert unordered(pushed_rows) == unordered(engine_rows)
    assert pushed_reqs, "no request to the table's endpoint"
    if wire is None:
        assert engine_reqs and all(flt["param"] not in query_params(r) for r in engine_reqs)
        for r in pushed_reqs:
            sent = query_params(r).get(flt["param"])
            assert sent, f"bound not on the wire: {r}"
            at = datetime.datetime.strptime(sent[0], "%Y-%m-%dT%H:%M:%SZ")
            # Never narrower than asked.
            assert at <= pivot if op == ">=" else at >= pivot, f"{sent} for {op} {pivot}"
        return
    # The comparison means something only if the engine-side query was not pushed.
    assert engine_reqs and all(query_params(r).get(flt["param"]) != [wire] for r in engine_reqs)
    for r in pushed_reqs:
        assert query_params(r).get(flt["param"]) == [wire], f"filter not on the wire: {r}"


# ---------------------------------------------------------------------------------------------
# Joins and GROUP BY across two tables of one profile, against the test's own computation


def _by_id(records, key="id"):
    return {r[key]: r for r in records}


def test_pipedrive_deals_per_person(sandbox, connections):
    rows = connections("pipedrive").execute(
        "SELECT p.id, p.name, COUNT(d.id) AS deals, SUM(d.value) AS total"
        " FROM pipedrive.deals d JOIN pipedrive.persons p ON d.person_id = p.id"
        " GROUP BY p.id, p.name ORDER BY p.id"
    ).fetchall()
    persons = _by_id(sandbox.data("pipedrive", "persons"))
    want = {}
    for d in sandbox.data("pipedrive", "deals"):
        pid = json_path(d, column_def("pipedrive", "deals", "person_id").get("path", "person_id"))
        if pid in persons:
            n, total = want.get(pid, (0, 0.0))
            want[pid] = (n + 1, total + float(d["value"]))
    assert [r[0] for r in rows] == sorted(want)
    for pid, name, n, total in rows:
        assert name == persons[pid]["name"]
        assert (n, round(total, 2)) == (want[pid][0], round(want[pid][1], 2))


def test_pipedrive_persons_with_their_organization(sandbox, connections):
    rows = connections("pipedrive").execute(
        "SELECT p.id, o.name FROM pipedrive.persons p"
        " LEFT JOIN pipedrive.organizations o ON p.org_id = o.id ORDER BY p.id"
    ).fetchall()
    orgs = _by_id(sandbox.data("pipedrive", "organizations"))
    want = []
    for p in sorted(sandbox.data("pipedrive", "persons"), key=lambda p: p["id"]):
        oid = json_path(p, column_def("pipedrive", "persons", "org_id").get("path", "org_id"))
        want.append((p["id"], orgs[oid]["name"] if oid in orgs else None))
    assert [tuple(r) for r in rows] == want
    assert any(name for _, name in want) and any(name is None for _, name in want)


def test_pipedrive_deals_per_stage(sandbox, connections):
    rows = connections("pipedrive").execute(
        "SELECT s.id, s.name, COUNT(*) AS n FROM pipedrive.deals d"
        " JOIN pipedrive.stages s ON d.stage_id = s.id GROUP BY s.id, s.name ORDER BY s.id"
    ).fetchall()
    stages = _by_id(sandbox.data("pipedrive", "stages"))
    want = collections.Counter(
        d["stage_id"] for d in sandbox.data("pipedrive", "deals") if d["stage_id"] in stages
    )
    assert [tuple(r) for r in rows] == [(s, stages[s]["name"], want[s]) for s in sorted(want)]


def test_keap_orders_per_contact(sandbox, connections):
    rows = connections("keap").execute(
        "SELECT c.id, c.family_name, COUNT(o.id) AS orders, SUM(o.total) AS total"
        " FROM keap.orders o JOIN keap.contacts c ON o.contact_id = c.id"
        " GROUP BY c.id, c.family_name ORDER BY c.id"
    ).fetchall()
    contacts = _by_id(sandbox.data("keap", "contacts"))
    want = {}
    for o in sandbox.data("keap", "orders"):
        cid = int((o.get("contact") or {}).get("id") or 0)
        if cid in contacts:
            n, total = want.get(cid, (0, 0.0))
            want[cid] = (n + 1, total + float(o["total"]))
    assert want
    assert [r[0] for r in rows] == sorted(want)
    for cid, family, n, total in rows:
        assert family == (contacts[cid].get("family_name") or None)
        assert (n, round(total, 2)) == (want[cid][0], round(want[cid][1], 2))


def test_helpscout_docs_articles_per_collection(sandbox, connections):
    rows = connections("helpscout_docs").execute(
        # The schema's former name, quoted and not, still reaches it.
        'SELECT c.name, COUNT(a.id) AS articles FROM "helpscout-docs".articles a'
        " JOIN helpscout-docs.collections c ON a.collection_id = c.id"
        " GROUP BY c.name ORDER BY c.name"
    ).fetchall()
    collections_ = _by_id(sandbox.data("helpscout_docs", "collections"))
    want = collections.Counter(
        collections_[a["collectionId"]]["name"]
        for a in sandbox.data("helpscout_docs", "articles")
    )
    assert [tuple(r) for r in rows] == sorted(want.items())


def test_helpscout_conversations_per_mailbox(sandbox, connections):
    rows = connections("helpscout").execute(
        "SELECT m.name, COUNT(*) AS n, SUM(c.threads) AS threads"
        " FROM helpscout.conversations c JOIN helpscout.mailboxes m ON c.mailbox_id = m.id"
        " GROUP BY m.name ORDER BY m.name"
    ).fetchall()
    mailboxes = _by_id(sandbox.data("helpscout", "mailboxes"))
    want = {}
    for c in sandbox.data("helpscout", "conversations"):
        name = mailboxes[c["mailboxId"]]["name"]
        n, threads = want.get(name, (0, 0))
        want[name] = (n + 1, threads + c["threads"])
    assert [tuple(r) for r in rows] == [(k, *want[k]) for k in sorted(want)]


# ---------------------------------------------------------------------------------------------
# Faults: 20 % of API requests answered 500, and 20 requests per service per window before 429


FAULT_TABLES = {
    "pipedrive": ["persons", "deals", "stages"],
    "helpscout": ["conversations", "customers", "users"],
    "helpscout_docs": ["collections", "articles"],
    "keap": ["contacts", "orders", "tasks"],
    "talkdesk": ["users", "contacts"],
    "leaddesk": ["agents", "campaigns"],
}


# Statuses the fault sandbox answered during the fault tests, for test_faults_were_exercised.
FAULT_STATUSES = collections.Counter()


@pytest.mark.parametrize("service", sorted(FAULT_TABLES))
def test_full_scans_survive_faults(sandbox, fault_sandbox, connections, service):
    faulty = pyodbc.connect(fault_sandbox.connstr(service), autocommit=True)
    fault_sandbox.reset()
    try:
        for table in FAULT_TABLES[service]:
            key = key_column(service, table)["name"]
            sql = f"SELECT * FROM {q(service, table)} ORDER BY {key}"
            want = [tuple(r) for r in connections(service).execute(sql).fetchall()]
            got = [tuple(r) for r in faulty.execute(sql).fetchall()]
            assert len(got) == sandbox.manifest["services"][service]["tables"][table]["rows"]
            assert got == want, f"{service}.{table} differs under faults"
            count = faulty.execute(f"SELECT COUNT(*) FROM {q(service, table)}").fetchval()
            assert count == len(want)
    finally:
        FAULT_STATUSES.update(r["status"] for r in fault_sandbox.stats())
        faulty.close()


@pytest.mark.parametrize(
    "service,table,size",
    [("pipedrive", "persons", 3), ("talkdesk", "users", 2), ("keap", "contacts", 2)],
    ids=["pipedrive.persons", "talkdesk.users", "keap.contacts"],
)
def test_small_pages_under_faults_and_rate_limit(sandbox, fault_sandbox, service, table, size):
    # Small pages: 20-30 requests in a burst, so both the 429s (or the driver's own pacing on
    # the rate headers) and the 500s land mid-scan.
    faulty = pyodbc.connect(fault_sandbox.connstr(service) + f";Pagesize={size}", autocommit=True)
    key = key_column(service, table)["name"]
    try:
        fault_sandbox.reset()
        got = faulty.execute(f"SELECT * FROM {q(service, table)} ORDER BY {key}").fetchall()
        stats = fault_sandbox.stats()
    finally:
        faulty.close()
    with pyodbc.connect(sandbox.connstr(service), autocommit=True) as clean:
        want = clean.execute(f"SELECT * FROM {q(service, table)} ORDER BY {key}").fetchall()
    assert len(want) == sandbox.manifest["services"][service]["tables"][table]["rows"]
    assert [tuple(r) for r in got] == [tuple(r) for r in want]
    statuses = collections.Counter(r["status"] for r in stats)
    FAULT_STATUSES.update(statuses)
    assert statuses[200] >= len(want) // size, statuses


def test_faults_were_exercised():
    """Runs after the fault scans: both kinds of fault really happened during them."""
    statuses = FAULT_STATUSES
    if statuses[200] < 30:
        pytest.skip("the fault scans did not run (selected out)")
    assert statuses[500] > 0, statuses
    assert statuses[429] > 0, statuses


# ---------------------------------------------------------------------------------------------
# Errors a user meets


def _sqlstate(excinfo):
    return excinfo.value.args[0]


def _message(excinfo):
    return excinfo.value.args[-1]


def _api_message(body, paths):
    """The message where the profile says the API puts it, computed here from the raw body."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body.strip()
    for path in paths:
        value = json_path(doc, path)
        if isinstance(value, str) and value:
            return value
    raise AssertionError(f"no message at {paths} in {body!r}")


def _wrong_key_request(sandbox, service):
    """The sandbox's own answer to a wrong credential, sent the way the real service wants it."""
    base = _base_url(sandbox, service)
    headers = {}
    path = {
        "pipedrive": "/persons?api_token=wrong",
        "helpscout": "/mailboxes",
        "helpscout_docs": "/sites",
        "keap": "/users",
        "talkdesk": "/users",
        "leaddesk": "/?mod=agent&cmd=list&auth=wrong",
    }[service]
    if service in ("helpscout", "talkdesk"):
        headers["Authorization"] = "Bearer wrong"
    elif service == "helpscout_docs":
        headers["Authorization"] = "Basic d3Jvbmc6WA=="  # wrong:X
    elif service == "keap":
        headers["X-Keap-API-Key"] = "wrong"
    req = urllib.request.Request(base + path, headers=headers)
    try:
        urllib.request.urlopen(req, timeout=HTTP_TIMEOUT)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    raise AssertionError(f"{service} accepted a wrong credential")


def _wrong_key_params():
    return [pytest.param(svc, id=svc) for svc in sorted({s for s, _, _ in MANIFEST_TABLES})]


@pytest.mark.parametrize("service", _wrong_key_params())
def test_wrong_key_is_28000_with_the_apis_message(sandbox, service):
    status, body = _wrong_key_request(sandbox, service)
    api_message = _api_message(body, PROFILES[service]["errors"]["message_paths"])
    connstr = sandbox.connstr(service)
    for secret in sandbox.manifest["services"][service]["credentials"].values():
        connstr = connstr.replace(secret, "wrong" + secret[:4])
    with pytest.raises(pyodbc.Error) as excinfo:
        cnxn = pyodbc.connect(connstr, autocommit=True)
        table = next(
            t for t, i in sandbox.manifest["services"][service]["tables"].items()
            if "parent" not in i and "report" not in table_def(service, t)
        )
        cnxn.execute(f"SELECT * FROM {q(service, table)}").fetchall()
    assert _sqlstate(excinfo) == "28000", _message(excinfo)
    assert api_message in _message(excinfo)
    assert "[apiodbc]" in _message(excinfo)
    for secret in sandbox.manifest["services"][service]["credentials"].values():
        assert secret[:4] + secret[4:] not in _message(excinfo)


BROKEN_PROFILE = """
name = "broken"
description = "A Pipedrive table whose path does not exist."
base_url = "{base}"
[auth]
schemes = ["APIKEY"]
default = "APIKEY"
[auth.scheme.APIKEY]
requires = ["APIKey"]
[[auth.scheme.APIKEY.send]]
in = "query"
name = "api_token"
value = "{{APIKey}}"
[errors]
message_paths = ["error"]
[pagination]
kind = "offset"
offset_param = "start"
size_param = "limit"
max_size = 500
default_size = 500
[[table]]
name = "nope"
path = "/nope"
records = "data"
[[table.column]]
name = "id"
type = "int64"
key = true
"""


def test_a_path_that_always_fails_is_a_clear_error(sandbox, tmp_path):
    base = _base_url(sandbox, "pipedrive")
    token = sandbox.manifest["services"]["pipedrive"]["credentials"]["api_token"]
    profile = tmp_path / "broken.toml"
    profile.write_text(BROKEN_PROFILE.format(base=base))
    cnxn = pyodbc.connect(
        f"DRIVER={DRIVER};Profile={profile};APIKey={token}", autocommit=True
    )
    try:
        sandbox.reset()
        with pytest.raises(pyodbc.Error) as excinfo:
            cnxn.execute("SELECT * FROM broken.nope").fetchall()
        stats = sandbox.stats()
    finally:
        cnxn.close()
    msg = _message(excinfo)
    assert "[apiodbc]" in msg
    assert "404" in msg
    assert "/nope" in msg  # names the URL (credentials masked)
    assert token not in msg
    assert 1 <= len(stats) <= 6, f"retried beyond the bound: {len(stats)} requests"


# ---------------------------------------------------------------------------------------------
# A profile file for an API none of the built-ins covers, served by a JSON server of our own


LIBRARY_KEY = "lib-key-123"
AUTHORS = [
    {"id": i, "name": n, "country": c}
    for i, (n, c) in enumerate(
        [("Ursula", "US"), ("Tove", "FI"), ("Chinua", "NG"), ("Italo", "IT"), ("Wisława", "PL"),
         ("Jorge", "AR"), ("Haruki", "JP"), ("Astrid", "SE"), ("Gabriel", "CO"), ("Olga", "PL"),
         ("Naguib", "EG")],
        start=1,
    )
]
GENRES = ["novel", "poetry", "essay"]
BOOKS = [
    {
        "isbn": f"978-{i:04d}",
        "title": f"Book {i} “{GENRES[i % 3]}”",
        "genre": GENRES[i % 3],
        "price": round(5 + i * 1.25, 2),
        "published": f"20{10 + i % 14:02d}-0{1 + i % 9}-1{i % 10}T08:30:00Z",
        "author": {"id": AUTHORS[i % len(AUTHORS)]["id"], "name": AUTHORS[i % len(AUTHORS)]["name"]},
        "tags": [GENRES[i % 3], "t%d" % (i % 4)],
    }
    for i in range(1, 30)
]
BOOKS_PAGE = 4
AUTHORS_PAGE = 3


class LibraryHandler(http.server.BaseHTTPRequestHandler):
    """`/v1/authors?page=&per_page=` (page numbers, meta.pages) and `/v1/books?cursor=&limit=
    &genre=` (cursor in `next_cursor`, nested `author` object), an API key header, a 500 that
    never heals and a body cut short."""

    log = None

    def log_message(self, *args):
        pass

    def _send(self, status, body, raw=None):
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        qs = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        self.server.requests.append((url.path, qs))
        if self.headers.get("X-Library-Key") != LIBRARY_KEY:
            return self._send(401, {"error": {"message": "library key rejected"}})
        if url.path == "/v1/authors":
            size = min(int(qs.get("per_page", AUTHORS_PAGE)), AUTHORS_PAGE)
            page = int(qs.get("page", 1))
            pages = math.ceil(len(AUTHORS) / size)
            items = AUTHORS[(page - 1) * size : page * size]
            return self._send(200, {"data": items, "meta": {"page": page, "pages": pages}})
        if url.path == "/v1/books":
            books = [b for b in BOOKS if qs.get("genre") in (None, b["genre"])]
            start = int(qs.get("cursor") or 0)
            size = min(int(qs.get("limit", BOOKS_PAGE)), BOOKS_PAGE)
            page = books[start : start + size]
            nxt = str(start + size) if start + size < len(books) else None
            return self._send(200, {"result": {"books": page}, "next_cursor": nxt})
        if url.path == "/v1/broken":
            return self._send(500, {"error": {"message": "the shelves fell over"}})
        if url.path == "/v1/truncated":
            body = json.dumps({"result": {"books": BOOKS[:3]}, "next_cursor": None}).encode()
            return self._send(200, None, raw=body[: len(body) // 2])
        return self._send(404, {"error": {"message": "no such shelf"}})


# The library profile tests/it/rest_profile_file.rs uses too, plus two tables whose endpoints
# misbehave; `{base}` stands for the mock API's URL.
LIBRARY_PROFILE = (REPO / "tests" / "fixtures" / "library_profile.toml").read_text() + """
[[table]]
name = "broken"
path = "/broken"
records = "data"
[table.pagination]
kind = "none"
[[table.column]]
name = "id"
type = "int64"

[[table]]
name = "truncated"
path = "/truncated"
records = "result.books"
[table.pagination]
kind = "none"
[[table.column]]
name = "isbn"
type = "text"
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LibraryHandler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    profile = tmp_path_factory.mktemp("library") / "library.toml"
    profile.write_text(LIBRARY_PROFILE.replace("{base}", base))
    cnxn = pyodbc.connect(
        f"DRIVER={DRIVER};Profile={profile};APIKey={LIBRARY_KEY}", autocommit=True
    )
    yield server, cnxn, profile
    cnxn.close()
    server.shutdown()
    server.server_close()


def test_library_tables_are_listed(library):
    _, cnxn, _ = library
    listed = {(r.table_schem, r.table_name) for r in cnxn.cursor().tables(schema="library")}
    assert {("library", "authors"), ("library", "books")} <= listed
    cols = [r.column_name for r in cnxn.cursor().columns(table="books", schema="library")]
    assert cols == ["isbn", "title", "genre", "price", "published", "author_id", "author_name",
                    "tags"]


def test_library_count_and_select(library):
    server, cnxn, _ = library
    assert cnxn.execute("SELECT COUNT(*) FROM library.authors").fetchval() == len(AUTHORS)
    server.requests.clear()
    rows = cnxn.execute("SELECT * FROM library.books ORDER BY isbn").fetchall()
    assert len(rows) == len(BOOKS)
    for row, book in zip(rows, BOOKS):
        assert row.isbn == book["isbn"]
        assert row.title == book["title"]
        assert row.price == book["price"]
        assert row.published == parse_timestamp(book["published"], "rfc3339")
        assert (row.author_id, row.author_name) == (book["author"]["id"], book["author"]["name"])
        assert json.loads(row.tags) == book["tags"]
    pages = [qs for path, qs in server.requests if path == "/v1/books"]
    assert len(pages) == math.ceil(len(BOOKS) / BOOKS_PAGE)
    assert [qs.get("cursor") for qs in pages[1:]] == [
        str(i) for i in range(BOOKS_PAGE, len(BOOKS), BOOKS_PAGE)
    ]


def test_library_filter_is_pushed(library):
    server, cnxn, _ = library
    server.requests.clear()
    rows = cnxn.execute(
        "SELECT isbn FROM library.books WHERE genre = 'poetry' ORDER BY isbn"
    ).fetchall()
    assert [r.isbn for r in rows] == sorted(b["isbn"] for b in BOOKS if b["genre"] == "poetry")
    books = [qs for path, qs in server.requests if path == "/v1/books"]
    assert books and all(qs.get("genre") == "poetry" for qs in books)


def test_library_join_and_group_by(library):
    _, cnxn, _ = library
    rows = cnxn.execute(
        "SELECT a.country, COUNT(*) AS n, SUM(b.price) AS total FROM library.books b"
        " JOIN library.authors a ON b.author_id = a.id GROUP BY a.country ORDER BY a.country"
    ).fetchall()
    country = {a["id"]: a["country"] for a in AUTHORS}
    want = {}
    for b in BOOKS:
        n, total = want.get(country[b["author"]["id"]], (0, 0.0))
        want[country[b["author"]["id"]]] = (n + 1, total + b["price"])
    assert [(r.country, r.n, round(r.total, 2)) for r in rows] == [
        (c, n, round(t, 2)) for c, (n, t) in sorted(want.items())
    ]


def test_library_wrong_key(library):
    """Refused at connect (VerifyConnection, on by default), with the API's own message; with
    the check off, the connection opens and the first query is refused the same way."""
    _, _, profile = library
    with pytest.raises(pyodbc.Error) as excinfo:
        pyodbc.connect(f"DRIVER={DRIVER};Profile={profile};APIKey=nope", autocommit=True)
    assert _sqlstate(excinfo) == "28000"
    assert "library key rejected" in _message(excinfo)
    cnxn = pyodbc.connect(
        f"DRIVER={DRIVER};Profile={profile};APIKey=nope;VerifyConnection=FALSE", autocommit=True
    )
    try:
        with pytest.raises(pyodbc.Error) as excinfo:
            cnxn.execute("SELECT * FROM library.authors").fetchall()
    finally:
        cnxn.close()
    assert _sqlstate(excinfo) == "28000"
    assert "library key rejected" in _message(excinfo)


def test_library_endpoint_that_always_fails(library):
    server, cnxn, _ = library
    server.requests.clear()
    with pytest.raises(pyodbc.Error) as excinfo:
        cnxn.execute("SELECT * FROM library.broken").fetchall()
    msg = _message(excinfo)
    assert "500" in msg and "the shelves fell over" in msg, msg
    attempts = [p for p, _ in server.requests if p == "/v1/broken"]
    # Retried (5xx is transient), but within the bound of docs/profiles.md: 1 + 5 retries.
    assert 2 <= len(attempts) <= 6, attempts


def test_library_truncated_body_is_an_error(library):
    _, cnxn, _ = library
    with pytest.raises(pyodbc.Error) as excinfo:
        cnxn.execute("SELECT * FROM library.truncated").fetchall()
    assert "/v1/truncated" in _message(excinfo)

"""Latency benchmark (issue 11): what users wait for when the API answers in 100 ms. Against a
sandbox started with --latency-ms, runs each query once with MaxConcurrentRequests=1 (the
baseline: one request after another) and once with the default, and prints per query the rows,
the requests the sandbox saw, the wall time, the sequential floor (requests x latency) and the
ratio wall/floor. Both runs must return the same rows.

The baseline of the repeated query also has the cache off (CacheTTL=0), as the driver was before.

Run by `cargo xtask bench`; needs APIODBC_DRIVER_PATH, APIODBC_BENCH_SANDBOX (base URL) and
APIODBC_BENCH_LATENCY_MS.
"""

import datetime
import os
import sys
import time
from pathlib import Path

import pyodbc

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from sandbox_proc import Sandbox  # noqa: E402  (the pyodbc suites' sandbox client)

SANDBOX = Sandbox(os.environ["APIODBC_BENCH_SANDBOX"])
LATENCY = int(os.environ["APIODBC_BENCH_LATENCY_MS"]) / 1000.0
DRIVER = os.path.realpath(os.environ["APIODBC_DRIVER_PATH"])


def connection_string(service, kind, extra):
    strings = SANDBOX.manifest["services"][service]["connection_strings"]
    return "DRIVER={%s};%s;%s" % (DRIVER, strings[kind], extra)


def spread(values, n):
    """n values from across the list, not in the list's order."""
    step = max(1, len(values) // n)
    return list(reversed(values[::step][:n]))


def queries():
    records = SANDBOX.data("pipedrive", "persons")
    persons = [p["id"] for p in records]
    # An incremental read: what changed in the 30 days before the newest change.
    newest = max(datetime.datetime.fromisoformat(p["update_time"].replace("Z", "+00:00"))
                 for p in records)
    recent = (newest - datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    conversations = [c["id"] for c in SANDBOX.data("helpscout", "conversations")]
    ids = ", ".join(str(i) for i in spread(persons, 50))
    conv = ", ".join(str(i) for i in spread(conversations, 20))
    return [
        ("IN-list of 50 persons", "pipedrive", "BASIC", "", 1,
         f"SELECT * FROM pipedrive.persons WHERE id IN ({ids})"),
        ("WHERE id IN (1,2,3,4,5)", "pipedrive", "BASIC", "", 1,
         "SELECT * FROM pipedrive.persons WHERE id IN (1, 2, 3, 4, 5)"),
        ("threads of 20 conversations", "helpscout", "OAUTH_CLIENT", "", 1,
         f"SELECT * FROM helpscout.threads WHERE conversation_id IN ({conv})"),
        # Persons page by cursor (API v2): each page is named by the one before, so only the
        # conversion overlaps. Notes page by offset (v1): pages go out together.
        ("SELECT * persons (cursor), Pagesize=100", "pipedrive", "BASIC", "Pagesize=100", 1,
         "SELECT * FROM pipedrive.persons"),
        ("SELECT * notes (offset), Pagesize=100", "pipedrive", "BASIC", "Pagesize=100", 1,
         "SELECT * FROM pipedrive.notes"),
        ("persons changed in the last 30 days", "pipedrive", "BASIC", "", 1,
         f"SELECT * FROM pipedrive.persons WHERE update_time >= TIMESTAMP '{recent}'"),
        ("self-join of persons, Pagesize=100", "pipedrive", "BASIC", "Pagesize=100", 1,
         "SELECT count(*) FROM pipedrive.persons a JOIN pipedrive.persons b ON a.id = b.id"),
        ("deals WHERE person_id = 17", "pipedrive", "BASIC", "", 1,
         "SELECT * FROM pipedrive.deals WHERE person_id = 17"),
        ("SELECT * persons x3, CacheTTL=300", "pipedrive", "BASIC", "CacheTTL=300", 3,
         "SELECT * FROM pipedrive.persons"),
    ]


def run(service, kind, extra, sql, times):
    conn = pyodbc.connect(connection_string(service, kind, extra), autocommit=True)
    SANDBOX.reset()
    started = time.perf_counter()
    for _ in range(times):
        rows = [tuple(r) for r in conn.cursor().execute(sql).fetchall()]
    wall = time.perf_counter() - started
    return rows, len(SANDBOX.stats()), wall


def main():
    print(f"  {'query':<36} {'MaxConcurrentRequests':<22} {'rows':>6} {'requests':>9}"
          f" {'wall s':>8} {'floor s':>8} {'wall/floor':>10}")
    for label, service, kind, extra, times, sql in queries():
        seen = None
        for setting in ("1", "default (8)"):
            props = extra + (";MaxConcurrentRequests=1" if setting == "1" else "")
            if setting == "1" and "CacheTTL" in extra:
                # The baseline is the driver before the cache: every repetition asks again.
                props = extra.replace("CacheTTL=300", "CacheTTL=0") + ";MaxConcurrentRequests=1"
            rows, requests, wall = run(service, kind, props, sql, times)
            # Without ORDER BY a filtered query's rows may come in another order (the engine
            # filters on two partitions): compare them as sets.
            if seen is not None and sorted(map(repr, rows)) != sorted(map(repr, seen)):
                raise SystemExit(f"{label}: rows differ between MaxConcurrentRequests=1 and default")
            seen = rows
            floor = requests * LATENCY
            print(f"  {label:<36} {setting:<22} {len(rows):>6} {requests:>9}"
                  f" {wall:>8.2f} {floor:>8.2f} {wall / floor if floor else 0:>10.2f}")


main()

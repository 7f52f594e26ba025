"""Processes that read one account share its rate budget: four pyodbc processes scanning the
same Pipedrive account against a sandbox that allows 20 requests per 2 s get every row and draw
no 429, because each request waits for the budget the API's headers announced (kept in the
state file under XDG_STATE_HOME). The state file is private and holds no credential or URL.

Run by `cargo xtask test` (step pytest); elsewhere
`APIODBC_SANDBOX_BIN=target/debug/apiodbc-sandbox pytest tests/clients/python/test_rate_budget.py`.
"""

import json
import os
import stat
import subprocess
import sys
import time

import pytest

from sandbox_proc import Sandbox, sandbox_binary

LIMIT = 20
WINDOW_SECONDS = 2
PROCESSES = 4
RECORDS = 100
PAGESIZE = 5

# One process: scan the table, print its ids and how long it took.
CHILD = r"""
import json, sys, time, pyodbc
conn = pyodbc.connect(sys.argv[1], autocommit=True)
started = time.monotonic()
ids = sorted(row[0] for row in conn.cursor().execute("SELECT id FROM persons").fetchall())
print(json.dumps({"ids": ids, "seconds": time.monotonic() - started}))
"""


@pytest.fixture(scope="module")
def limited():
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("no sandbox: set APIODBC_SANDBOX_BIN, or build the workspace")
    sb = Sandbox.start(binary, "--rate-limit", str(LIMIT), records=RECORDS)
    yield sb
    sb.stop()


def scan_in_processes(sb, state_home, extra=""):
    """Starts PROCESSES scans of one account at once; their results, in order."""
    cs = sb.connstr("pipedrive") + f";Pagesize={PAGESIZE}" + extra
    env = dict(os.environ, XDG_STATE_HOME=str(state_home))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, cs],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(PROCESSES)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode("utf-8", "replace")
        results.append(json.loads(out))
    return results


def test_processes_scanning_one_account_draw_no_429_and_get_every_row(limited, tmp_path):
    want = sorted(r["id"] for r in limited.data("pipedrive", "persons"))
    limited.reset()
    started = time.monotonic()
    results = scan_in_processes(limited, tmp_path)
    elapsed = time.monotonic() - started
    for r in results:
        assert r["ids"] == want
    statuses = [r["status"] for r in limited.stats()]
    # Enough requests that the limit had to hold several times over.
    assert len(statuses) >= PROCESSES * RECORDS // PAGESIZE > 3 * LIMIT
    assert statuses.count(429) == 0, f"{statuses.count(429)} of {len(statuses)} requests drew 429"
    # What the limit allows: every full window but the last must pass before the last requests.
    allowed = (len(statuses) - 1) // LIMIT * WINDOW_SECONDS
    print(f"\n{PROCESSES} processes, {len(statuses)} requests, limit {LIMIT} per "
          f"{WINDOW_SECONDS} s: {elapsed:.1f} s, the limit allows {allowed} s at best")

    # One file per account: the processes shared one account, so one file.
    states = list((tmp_path / "apiodbc" / "rate-budget").iterdir())
    assert len(states) == 1, states
    state = states[0]
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.parent.stat().st_mode) == 0o700
    text = state.read_text()
    token = limited.manifest["services"]["pipedrive"]["credentials"]["api_token"]
    assert token not in text and "127.0.0.1" not in text and "http" not in text
    assert json.loads(text)["limit"] == LIMIT, "the state file holds no learned limit"

"""Rate-limit soak: 8 processes query one Pipedrive account for 60 s against a sandbox that allows
20 requests per 2 s, sharing the account's budget through the state file.

Run by `cargo xtask test` (step rate-soak) and, with the control run, by `cargo xtask bench`. Not
a pytest file: a standalone script that prints a summary line and exits non-zero on failure.
By hand, after `cargo build --workspace` and `cargo xtask test --only odbc-env`:

    ODBCSYSINI=target/odbc-test target/venv/bin/python tests/clients/python/soak_rate_budget.py

Environment:
    APIODBC_SANDBOX_BIN         the sandbox binary (default target/debug/apiodbc-sandbox)
    APIODBC_SOAK_SECONDS        how long the workers run (default 60)
    APIODBC_SOAK_WORKERS        how many worker processes (default 8)
    APIODBC_RATE_SHARING        RateLimitSharing of the workers (default MACHINE); PROCESS is the
                                control: each process keeps its own budget, and 429s are expected
    APIODBC_DRIVER              the DRIVER= value (default {apiodbc})

What it proves (issue 11, "must hold"): no query failed or returned other rows than the
sandbox holds, and the sandbox's rate limiter answered no request with 429. It prints the
requests sent per second beside what the limit allows (20 per 2 s: 10 per second).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sandbox_proc import Sandbox, sandbox_binary  # noqa: E402

LIMIT = 20
WINDOW_SECONDS = 2
RECORDS = 100

# One worker: queries round the tables until the time is up; prints what it saw.
WORKER = r"""
import json, sys, time, pyodbc
connstr, until, expected = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
queries = failures = wrong = 0
errors = []
tables = sorted(expected)
while time.time() < until:
    table = tables[queries % len(tables)]
    queries += 1
    try:
        conn = pyodbc.connect(connstr, autocommit=True)
        ids = sorted(r[0] for r in conn.cursor().execute(f"SELECT id FROM {table}").fetchall())
        conn.close()
        if ids != expected[table]:
            wrong += 1
    except pyodbc.Error as e:
        failures += 1
        errors.append(str(e)[:300])
print(json.dumps({"queries": queries, "failures": failures, "wrong": wrong, "errors": errors[:3]}))
"""


def main():
    seconds = float(os.environ.get("APIODBC_SOAK_SECONDS", "60"))
    workers = int(os.environ.get("APIODBC_SOAK_WORKERS", "8"))
    sharing = os.environ.get("APIODBC_RATE_SHARING", "MACHINE").upper()
    binary = sandbox_binary()
    if binary is None:
        print("RATE SOAK FAIL: no sandbox binary (APIODBC_SANDBOX_BIN)")
        return 1
    sb = Sandbox.start(binary, "--rate-limit", str(LIMIT), records=RECORDS)
    try:
        expected = {
            t: sorted(r["id"] for r in sb.data("pipedrive", t))
            for t in ("persons", "deals", "organizations")
        }
        connstr = sb.connstr("pipedrive") + f";Pagesize=10;RateLimitSharing={sharing}"
        with tempfile.TemporaryDirectory() as state:
            env = dict(os.environ, XDG_STATE_HOME=state)
            sb.reset()
            started = time.time()
            until = started + seconds
            procs = [
                subprocess.Popen(
                    [sys.executable, "-c", WORKER, connstr, str(until), json.dumps(expected)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env,
                )
                for _ in range(workers)
            ]
            results = []
            for p in procs:
                out, err = p.communicate(timeout=seconds + 600)
                if p.returncode != 0:
                    print(err.decode("utf-8", "replace")[-2000:])
                    results.append({"queries": 0, "failures": 1, "wrong": 0, "errors": ["crashed"]})
                else:
                    results.append(json.loads(out))
            elapsed = time.time() - started
        statuses = [r["status"] for r in sb.stats()]
    finally:
        sb.stop()
    queries = sum(r["queries"] for r in results)
    failures = sum(r["failures"] for r in results)
    wrong = sum(r["wrong"] for r in results)
    refused = statuses.count(429)
    rate = len(statuses) / elapsed
    allowed = LIMIT / WINDOW_SECONDS
    for r in results:
        for e in r["errors"]:
            print(f"  error: {e}")
    summary = (
        f"{workers} processes, {elapsed:.0f} s, RateLimitSharing={sharing}: {queries} queries, "
        f"{failures} failed, {wrong} with wrong rows; {len(statuses)} requests, {refused} answered 429; "
        f"{rate:.2f} requests/s where the limit allows {allowed:.0f}/s ({rate / allowed:.0%})"
    )
    ok = failures == 0 and wrong == 0 and refused == 0 and queries > 0
    print(f"RATE SOAK {'PASS' if ok else 'FAIL'}: {summary}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

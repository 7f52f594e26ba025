"""The result cache kept on disk (CacheLocation): a second process of the same account reuses the
first one's answers within CacheTTL and sends no request, gets the same rows, and finds only
private files that hold no credential and no URL. NO_CACHE still reaches the API.

Run by `cargo xtask test` (step pytest); elsewhere
`APIODBC_SANDBOX_BIN=target/debug/apiodbc-sandbox pytest tests/clients/python/test_cache_location.py`.
"""

import json
import os
import stat
import subprocess
import sys

import pytest

from sandbox_proc import Sandbox, sandbox_binary

# One process: run the query, print its rows.
CHILD = r"""
import json, sys, pyodbc
conn = pyodbc.connect(sys.argv[1], autocommit=True)
rows = conn.cursor().execute(sys.argv[2]).fetchall()
print(json.dumps([[str(v) for v in r] for r in rows]))
"""

QUERY = "SELECT id, name, update_time FROM persons ORDER BY id"


@pytest.fixture(scope="module")
def sandbox():
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("no sandbox: set APIODBC_SANDBOX_BIN, or build the workspace")
    sb = Sandbox.start(binary, records=60)
    yield sb
    sb.stop()


def run(connstr, sql):
    out = subprocess.run(
        [sys.executable, "-c", CHILD, connstr, sql],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")
    return json.loads(out.stdout)


def test_a_second_process_reuses_the_first_ones_answers(sandbox, tmp_path):
    folder = tmp_path / "cache"
    # Without the connect-time request (VerifyConnection), which is never answered from the cache.
    cs = (
        sandbox.connstr("pipedrive")
        + f";Pagesize=20;CacheTTL=600;CacheLocation={folder};VerifyConnection=FALSE"
    )
    sandbox.reset()
    first = run(cs, QUERY)
    sent = len(sandbox.stats())
    assert len(first) == 60 and sent >= 3
    sandbox.reset()
    assert run(cs, QUERY) == first
    assert sandbox.stats() == [], "the second process asked the API"

    # Another process without the folder asks the API, and so does a NO_CACHE statement.
    plain = sandbox.connstr("pipedrive") + ";Pagesize=20;CacheTTL=600;VerifyConnection=FALSE"
    assert run(plain, QUERY) == first
    assert len(sandbox.stats()) >= 3
    sandbox.reset()
    assert run(cs, QUERY.replace("SELECT", "SELECT /*+ NO_CACHE */")) == first
    assert len(sandbox.stats()) >= 3

    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    token = sandbox.manifest["services"]["pipedrive"]["credentials"]["api_token"]
    files = list(folder.iterdir())
    assert files
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        data = f.read_bytes()
        assert token.encode() not in data and b"127.0.0.1" not in data, f
        assert token not in f.name and "persons" not in f.name


def test_a_folder_other_users_can_write_to_is_refused_at_connect(sandbox, tmp_path):
    folder = tmp_path / "open"
    folder.mkdir()
    os.chmod(folder, 0o777)
    cs = sandbox.connstr("pipedrive") + f";CacheTTL=600;CacheLocation={folder}"
    out = subprocess.run(
        [sys.executable, "-c", CHILD, cs, "SELECT 1"],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=300,
    )
    err = out.stderr.decode("utf-8", "replace")
    assert out.returncode != 0 and "can be written by other users" in err, err

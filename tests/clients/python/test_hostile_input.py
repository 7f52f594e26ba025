"""Hostile or broken input as a pyodbc application meets it: whatever an API sends and whatever
file a connection string names, the application gets a clear error and keeps its memory.

- An endless response body stops at MaxResponseSize; the process's peak RSS stays bounded.
- One page of 200,000 records is converted as it arrives: peak memory stays a small multiple of
  a batch, not of the page's parsed JSON.
- A profile file that is a FIFO, a device or 100 MB is refused at once, never read whole or waited on.

Run by `cargo xtask test` (step pytest), in the private ODBC configuration it writes.
"""

import http.server
import os
import subprocess
import sys
import textwrap
import threading

import pyodbc
import pytest

DRIVER = os.environ.get("APIODBC_DRIVER", "{apiodbc}")

PROFILE = """
name = "endless"
base_url = "{base}"
[auth]
schemes = ["NONE"]
[pagination]
kind = "none"
[[table]]
name = "items"
path = "/items"
records = "data"
[[table.column]]
name = "id"
type = "int64"
[[table.column]]
name = "name"
type = "text"
[[table.column]]
name = "email"
type = "text"
[[table.column]]
name = "notes"
type = "text"
"""

BIG_PAGE_RECORDS = 200_000


class Endless(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a JSON array that never ends (no Content-Length), until the client
    hangs up."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b'{"id":1},' * 8192
        try:
            self.wfile.write(b'{"data":[')
            while True:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def big_page():
    """One page of BIG_PAGE_RECORDS records of about 200 bytes each, built once."""
    parts = [b'{"data":[']
    for i in range(BIG_PAGE_RECORDS):
        if i:
            parts.append(b",")
        parts.append(
            b'{"id":%d,"name":"Person %d","email":"person%d@example.com","notes":"%s","extra":{"a":[1,2,3],"b":"x"}}'
            % (i, i, i, b"n" * 80)
        )
    parts.append(b'],"additional_data":{}}')
    return b"".join(parts)


class BigPage(http.server.BaseHTTPRequestHandler):
    body = None

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BigPage.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(BigPage.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def serve(handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def big_page_api():
    BigPage.body = big_page()
    server = serve(BigPage)
    yield f"http://127.0.0.1:{server.server_address[1]}", len(BigPage.body)
    server.shutdown()


@pytest.fixture(scope="module")
def endless_api():
    server = serve(Endless)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# Runs in a fresh Python so that its peak RSS is the query's own. The peak is VmHWM, the new
# process image's own high-water mark: getrusage's ru_maxrss carries over the parent's peak
# through fork and exec, so under pytest it reported pytest's memory, not the query's.
CHILD = """
    import sys, pyodbc
    def peak_kb():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    try:
        c = pyodbc.connect(sys.argv[1])
        cur = c.cursor().execute(sys.argv[2])
        count, last = 0, None
        while True:
            rows = cur.fetchmany(10000)
            if not rows:
                break
            count += len(rows)
            last = tuple(rows[-1])
        print("ROWS", repr((count, last)))
    except pyodbc.Error as e:
        print("ERROR", e.args[0], e.args[1])
    print("MAXRSS_KB", peak_kb())
"""


def test_an_endless_body_stops_at_max_response_size_with_bounded_memory(endless_api, tmp_path):
    profile = tmp_path / "endless.toml"
    profile.write_text(PROFILE.replace("{base}", endless_api))
    connstr = f"DRIVER={DRIVER};Profile={profile};MaxResponseSize=32M"
    lines = run_child(connstr, "SELECT count(*) FROM endless.items")
    assert "ERROR" in lines, lines
    assert "MaxResponseSize (32 MiB)" in lines["ERROR"], lines["ERROR"]
    assert "/items" in lines["ERROR"], lines["ERROR"]
    peak_mb = int(lines["MAXRSS_KB"]) / 1024
    # The driver and its engine take some 100-200 MB; the body may add its 32 MiB a few times
    # over (buffer growth), never the gigabytes an unbounded read reaches.
    assert peak_mb < 700, f"peak RSS {peak_mb:.0f} MB"
    print(f"peak RSS {peak_mb:.0f} MB")


def run_child(connstr, sql):
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), connstr, sql],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ,
    )
    assert out.returncode == 0, out.stderr
    return dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)


def test_a_200000_record_page_is_converted_as_it_arrives(big_page_api, tmp_path):
    base, size = big_page_api
    profile = tmp_path / "endless.toml"
    profile.write_text(PROFILE.replace("{base}", base))
    # A plain scan: what is measured is the driver's reading of the page, not an aggregate's
    # buffers.
    lines = run_child(f"DRIVER={DRIVER};Profile={profile}", "SELECT id, email FROM endless.items")
    n = BIG_PAGE_RECORDS
    assert lines.get("ROWS") == repr((n, (n - 1, f"person{n - 1}@example.com"))), lines
    peak_mb = int(lines["MAXRSS_KB"]) / 1024
    # The same connection answering one row: the driver, its engine and pyodbc, without the page.
    idle = run_child(f"DRIVER={DRIVER};Profile={profile}", "SELECT 1")
    idle_mb = int(idle["MAXRSS_KB"]) / 1024
    page_mb = size / 1e6
    print(f"page {page_mb:.0f} MB, peak RSS {peak_mb:.0f} MB, {idle_mb:.0f} MB for one row")
    # Holding the page's body whole would add its size, and its parsed JSON several times that;
    # converted as it arrives, the scan adds only a few batches.
    assert peak_mb - idle_mb < page_mb, (
        f"the scan added {peak_mb - idle_mb:.0f} MB for a {page_mb:.0f} MB page"
    )


def profile_error(path):
    with pytest.raises(pyodbc.Error) as e:
        pyodbc.connect(f"DRIVER={DRIVER};Profile={path}")
    return e.value.args[0], e.value.args[1]


def test_a_fifo_as_profile_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "profile.toml"
    os.mkfifo(fifo)
    state, text = profile_error(fifo)
    assert state == "08001"
    assert "FIFO" in text, text


def test_a_device_as_profile_is_refused():
    state, text = profile_error("/dev/zero")
    assert state == "08001"
    assert "device" in text, text


def test_a_100_mb_profile_is_refused_unread(tmp_path):
    big = tmp_path / "big.toml"
    with open(big, "wb") as f:
        f.truncate(100 << 20)
    state, text = profile_error(big)
    assert state == "08001"
    assert "larger than" in text, text

"""The OAuth settings file and its lock as a pyodbc user meets them, against apiodbc-sandbox.

- A settings file or lock that is a symbolic link, belongs to another user or is writable by
  others, and a folder others can write in (without /tmp's sticky bit), are refused with 28000 and
  a message that says what to fix; nothing is written through them.
- The default location is kept per token endpoint: the same profile and client against a second
  token server (here a second sandbox on another port) simply works.
- A process killed after its refresh reached the server, before the rotated tokens were stored,
  leaves a record in the file: the next connection says the refresh token was spent by an
  interrupted refresh and how to authorize again.

Run by `cargo xtask test` (step pytest).
"""

import http.client
import http.server
import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse

import pyodbc
import pytest

from sandbox_proc import Sandbox, sandbox_binary, set_prop
from soak_oauth import web_flow

HTTP_TIMEOUT = 30


def start_sandbox(*flags):
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("no apiodbc-sandbox binary (set APIODBC_SANDBOX_BIN or build the workspace)")
    return Sandbox.start(binary, "--auto-approve", *flags)


@pytest.fixture(scope="module")
def sandbox():
    sb = start_sandbox("--token-lifetime", "3600")
    yield sb
    sb.stop()


def talkdesk(sb, **props):
    """Client credentials: a token is fetched and stored at connect, no browser involved."""
    return sb.oauth_string("talkdesk", "OAUTH_CLIENT", InitiateOAuth="REFRESH", **props)


def count_users(cs):
    conn = pyodbc.connect(cs, timeout=HTTP_TIMEOUT)
    try:
        return conn.cursor().execute("SELECT COUNT(*) FROM talkdesk.users").fetchval()
    finally:
        conn.close()


def refused(cs):
    with pytest.raises(pyodbc.Error) as e:
        count_users(cs)
    return e.value.args[0], e.value.args[1]


def test_unsafe_files_and_folders_are_refused_saying_what_to_fix(sandbox, tmp_path):
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    real = folder / "OAuthSettings.txt"
    assert count_users(talkdesk(sandbox, OAuthSettingsLocation=str(real))) > 0
    before = real.read_bytes()

    link = folder / "link.txt"
    link.symlink_to(real)
    state, text = refused(talkdesk(sandbox, OAuthSettingsLocation=str(link)))
    assert state == "28000" and "symbolic link" in text and "readlink" in text, text
    assert link.is_symlink(), "the link was replaced"

    real.chmod(0o666)
    state, text = refused(talkdesk(sandbox, OAuthSettingsLocation=str(real)))
    assert state == "28000" and "writable by other users" in text and "chmod 600" in text, text
    real.chmod(0o600)

    lock = folder / "OAuthSettings.txt.lock"
    lock.unlink(missing_ok=True)
    target = tmp_path / "planted"
    lock.symlink_to(target)
    state, text = refused(talkdesk(sandbox, OAuthSettingsLocation=str(real)))
    assert state == "28000" and "lock file" in text and "symbolic link" in text, text
    assert not target.exists(), "the driver created the lock link's target"
    lock.unlink()

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    state, text = refused(talkdesk(sandbox, OAuthSettingsLocation=str(shared / "s.txt")))
    assert state == "28000" and "settings folder" in text and "chmod go-w" in text, text
    assert not (shared / "s.txt").exists()

    if os.geteuid() == 0:
        theirs = tmp_path / "theirs"
        theirs.mkdir(mode=0o700)
        other = theirs / "OAuthSettings.txt"
        other.write_bytes(before)
        other.chmod(0o600)
        os.chown(other, 65534, 65534)
        state, text = refused(talkdesk(sandbox, OAuthSettingsLocation=str(other)))
        assert state == "28000" and "belongs to user id 65534" in text, text

    # Untouched by all of the above, and still good.
    assert real.read_bytes() == before
    assert count_users(talkdesk(sandbox, OAuthSettingsLocation=str(real))) > 0


# Connects to one sandbox with the default settings location (no OAuthSettingsLocation).
DEFAULT_LOCATION_CHILD = """
    import sys, pyodbc
    for cs in sys.argv[1:]:
        c = pyodbc.connect(cs, timeout=30)
        print(c.cursor().execute("SELECT COUNT(*) FROM talkdesk.users").fetchval())
        c.close()
"""


def test_a_second_token_server_works_with_the_default_location(sandbox, tmp_path):
    other = start_sandbox("--token-lifetime", "3600")
    try:
        env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
        strings = [talkdesk(sandbox), talkdesk(other), talkdesk(sandbox)]
        out = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(DEFAULT_LOCATION_CHILD), *strings],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    finally:
        other.stop()
    assert out.returncode == 0, out.stderr[-2000:]
    counts = [int(n) for n in out.stdout.split()]
    assert len(counts) == 3 and all(n > 0 for n in counts), out.stdout
    files = list((tmp_path / "config" / "apiodbc").rglob("OAuthSettings.txt"))
    assert len(files) == 2, files


class StallingProxy:
    """Passes token requests to the sandbox; once `stall` is set, passes the next one on, keeps
    the sandbox's answer to itself and never replies, and sets `forwarded`."""

    def __init__(self, upstream):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.stall = threading.Event()
        self.forwarded = threading.Event()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "connection", "content-length")
                }
                up = proxy.upstream
                conn = http.client.HTTPConnection(up.hostname, up.port, timeout=HTTP_TIMEOUT)
                conn.request("POST", self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                if proxy.stall.is_set():
                    proxy.forwarded.set()
                    time.sleep(60)
                    return
                self.send_response(resp.status)
                self.send_header("Content-Type", resp.getheader("Content-Type") or "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Quiet:
    def add(self, *secrets):
        pass


REFRESH_CHILD = """
    import sys, pyodbc
    pyodbc.connect(sys.argv[1], timeout=30).cursor().execute("SELECT COUNT(*) FROM keap.contacts")
"""


def test_an_interrupted_refresh_is_explained_to_the_next_connection(tmp_path):
    # Keap rotates its refresh token on every refresh; 2-second access tokens.
    sb = start_sandbox("--token-lifetime", "2")
    proxy = StallingProxy(sb.url)
    try:
        settings = tmp_path / "keap-settings.txt"
        token_url = proxy.url + "/keap/token"
        base = sb.oauth_string(
            "keap", OAuthAccessTokenURL=token_url, OAuthRefreshTokenURL=token_url
        )
        web_flow(pyodbc, base, settings, Quiet())
        time.sleep(3)  # the access token has expired: the next connection refreshes
        refreshing = set_prop(
            set_prop(base, "InitiateOAuth", "REFRESH"), "OAuthSettingsLocation", str(settings)
        )
        proxy.stall.set()
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(REFRESH_CHILD), refreshing],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert proxy.forwarded.wait(120), "the refresh never reached the token endpoint"
        finally:
            child.kill()  # after the server rotated the token, before the driver could store it
            child.wait()
        proxy.stall.clear()
        with pytest.raises(pyodbc.Error) as e:
            conn = pyodbc.connect(refreshing, timeout=HTTP_TIMEOUT)
            conn.cursor().execute("SELECT COUNT(*) FROM keap.contacts")
        state, text = e.value.args[0], e.value.args[1]
        assert state == "28000", text
        assert "spent by a refresh that never finished" in text, text
        assert "Authorize again" in text, text
    finally:
        proxy.stop()
        sb.stop()

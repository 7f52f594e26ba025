"""Every OAuth flow of apiodbc, end to end through pyodbc, against apiodbc-sandbox's imitations of
the services' OAuth servers, for every built-in profile that supports the flow.

What it proves (docs/oauth.md is the user's guide to each flow):

- Desktop (AuthScheme=OAUTH, InitiateOAuth=GETANDREFRESH): `$BROWSER` is opened at the
  authorization URL (PKCE S256 and a state), the loopback listener takes the redirect and shows
  "you can close this window", the code is exchanged once, and later connections reuse the
  stored tokens. With a scripted browser for Pipedrive, Help Scout, Keap and Talkdesk, and once
  with real headless Chromium (skipped, with the reason, where no Chromium is installed).
  Callbacks with a wrong or no state get a 400 and their codes are never exchanged. Without
  `$BROWSER` and without a display, the connection fails at once with 28000 and the headless
  steps. GetOAuthAccessToken AuthMode=APP runs the same flow from SQL.
- Web (the stored procedures): GetOAuthAuthorizationURL returns URL, State and PKCEVerifier;
  GetOAuthAccessToken AuthMode=WEB exchanges the code with the pending values kept in the token
  store, or with State and PKCEVerifier passed back on another connection; RefreshOAuthAccessToken
  returns new tokens (a rotated refresh token for Keap, whose old one is then dead). Every call
  syntax ({call}, {? = call}, EXEC/EXECUTE with named, @named and positional arguments, CALL) with
  literals and with bound `?` parameters. SQLProcedures, SQLProcedureColumns and the `sys` tables
  list the three procedures with their parameters.
- InitiateOAuth=REFRESH: from the token store; with OAuthAccessToken/OAuthRefreshToken given in
  the string; headless option 1 (OAuthVerifier at connect, with the pending verifier or with
  PKCEVerifier carried over); headless option 2 (the settings file copied to another path with the
  same client id and secret works; for Keap the copy is a move: after one copy refreshes, the other
  gets 28000 telling how to authorize again). Tokens are refreshed ahead of expiry, once per
  expiry, on the same connection and on new ones; a dead refresh token gives 28000 telling how to
  authorize again, and GETANDREFRESH then opens the browser again.
- InitiateOAuth=OFF sends OAuthAccessToken as given and never refreshes it.
- Client credentials (AuthScheme=OAUTH_CLIENT: Talkdesk, Help Scout) and the password grant
  (LeadDesk with AuthScheme=OAUTH plus User and Password, and AuthScheme=OAUTH_PASSWORD).
- Per-service quirks: the sandbox refuses a token request whose client authentication is not the
  service's (Pipedrive and Talkdesk Basic, Help Scout body, Keap body for the code and Basic for
  the refresh, LeadDesk either), so every successful grant below also proves the driver's choice;
  Pipedrive's API base comes from the token response's `api_domain`.
- Safety: settings files are mode 0600 and hold no token, code, verifier or secret in plain text;
  none of those appears in a Verbosity=5 log, in an error message, or in a `sys` table; a damaged
  settings file gives a clear 28000 and is left byte for byte as it was.

Expectations come from the sandbox (`/_sandbox/manifest` for credentials, endpoints, row counts,
token lifetimes and rotation; `/_sandbox/stats` for what its token endpoints issued, refused and
detected), from the profiles in `profiles/*.toml` and from docs/oauth.md, never from the driver.

Run by hand, after `cargo build --workspace` and `cargo xtask test --only odbc-env` (which writes
target/odbc-test/odbcinst.ini naming the driver `apiodbc`):

    ODBCSYSINI=target/odbc-test APIODBC_SANDBOX_BIN=target/debug/apiodbc-sandbox \\
        target/venv/bin/python -m pytest -v -rxXs -p no:cacheprovider \\
        tests/clients/python/test_oauth.py

APIODBC_DRIVER overrides the `DRIVER=` value (default `{apiodbc}`). The tests start their own
sandboxes (one with hour-long access tokens, one whose tokens live 2 s), talk to 127.0.0.1 only,
and keep every file in pytest's per-test temporary folders.
"""

import base64
import collections
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import stat
import sys
import time
import tomllib
import urllib.parse

import pyodbc
import pytest

from sandbox_proc import (
    HTTP_TIMEOUT,
    REPO,
    Sandbox,
    redirect_location,
    sandbox_binary,
    set_prop,
)
from soak_oauth import TokenProxy

# The built-in profiles per grant; test_every_oauth_profile_is_covered checks these lists against
# profiles/*.toml and the sandbox's manifest, so a new profile or grant cannot go untested.
AUTHORIZATION_CODE = ("pipedrive", "helpscout", "keap", "talkdesk")
CLIENT_CREDENTIALS = ("talkdesk", "helpscout")
PASSWORD = ("leaddesk",)

# A small top-level table per service (Talkdesk's first table, `calls`, is a report job).
TABLE = {
    "pipedrive": "users",
    "helpscout": "users",
    "keap": "users",
    "talkdesk": "users",
    "leaddesk": "agents",
}

# The short-lived sandbox's access-token lifetime, in seconds.
LIFETIME = 2

# docs/oauth.md, "Web application (the stored procedures)": inputs in positional order, and the
# result columns.
PROCEDURES = {
    "GetOAuthAuthorizationURL": (
        ["CallbackURL", "Scope", "State"],
        ["URL", "State", "PKCEVerifier"],
    ),
    "GetOAuthAccessToken": (
        ["AuthMode", "Verifier", "CallbackURL", "State", "PKCEVerifier", "Scope"],
        ["OAuthAccessToken", "OAuthRefreshToken", "ExpiresIn"],
    ),
    "RefreshOAuthAccessToken": (
        ["OAuthRefreshToken"],
        ["OAuthAccessToken", "OAuthRefreshToken", "ExpiresIn"],
    ),
}

SQL_PARAM_INPUT = 1
SQL_RESULT_COL = 3
CHARACTER_TYPES = {1, 12, -1, -8, -9, -10}  # SQL_(W)CHAR, SQL_(W)VARCHAR, SQL_(W)LONGVARCHAR

# RFC 7636 §4.1.
PKCE_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")

DONE_PAGE = "you can close this window"
REFUSED_CALLBACK_PAGE = "not the answer to the authorization in progress"

# ---------------------------------------------------------------------------------------------
# Sandboxes


def _start(*flags):
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("no sandbox: set APIODBC_SANDBOX_BIN, or build the workspace")
    return Sandbox.start(binary, *flags)


@pytest.fixture(scope="module")
def sandbox():
    """Auto-approving OAuth servers whose access tokens live an hour: no test here sees one
    expire unless it means to."""
    sb = _start("--auto-approve")
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def expiring_sandbox():
    """Access tokens that live LIFETIME seconds, for the tests about expiry and refresh."""
    sb = _start("--auto-approve", "--token-lifetime", str(LIFETIME))
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def private_environment(monkeypatch, tmp_path):
    """The driver reads BROWSER, DISPLAY and WAYLAND_DISPLAY from this process's environment when
    it opens a browser: removing them means no test can open a real browser on a developer's
    desktop (a test that wants a browser sets BROWSER to its own script). It also reads
    XDG_CONFIG_HOME for the default settings file (the procedures and OAuthSettingsLocation-less
    connections use it): pointing it into the test's folder keeps the user's own
    ~/.config/apiodbc out of reach and gives every test a default store of its own."""
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


# ---------------------------------------------------------------------------------------------
# Connection strings, connections, counters


def prop(connstr, key):
    m = re.search(rf"(?:^|;){key}=([^;]*)", connstr, re.IGNORECASE)
    return m.group(1) if m else None


def oauth_info(sb, service):
    return sb.manifest["services"][service]["oauth"]


def credentials(sb, service):
    return sb.manifest["services"][service]["credentials"]


def connect(connstr):
    return pyodbc.connect(connstr, autocommit=True, timeout=HTTP_TIMEOUT)


def assert_rows(conn, sb, service):
    """COUNT(*) of the service's small table equals the sandbox's row count."""
    table = TABLE[service]
    got = conn.cursor().execute(f'SELECT COUNT(*) FROM "{service}"."{table}"').fetchone()[0]
    assert got == sb.manifest["services"][service]["tables"][table]["rows"], (service, table)


def connect_and_count(connstr, sb, service):
    conn = connect(connstr)
    try:
        assert_rows(conn, sb, service)
    finally:
        conn.close()


def odbc_error(excinfo):
    """(SQLSTATE, message) of a pyodbc exception, as an application sees them."""
    e = excinfo.value
    return e.args[0], " ".join(str(a) for a in e.args[1:])


class OAuthCounters:
    """What the sandbox's token endpoints did since this object was made: tokens issued per grant
    type, `refresh_reuse_detected` and `invalid_grant`, as a Counter (zero entries left out)."""

    def __init__(self, sb):
        self.sb = sb
        self.start = self._read()

    def _read(self):
        stats = self.sb.oauth_stats()
        c = collections.Counter(stats["issued"])
        c["refresh_reuse_detected"] = stats["refresh_reuse_detected"]
        c["invalid_grant"] = stats["invalid_grant"]
        return c

    def since(self):
        now = self._read()
        now.subtract(self.start)
        return +now


def requests_to(sb, path):
    """The sandbox's log of requests whose path is `path`."""
    return [r for r in sb.stats() if r["path"] == path]


def sleep_past_expiry():
    """Sleeps until the access tokens issued so far have expired, then into the start of the next
    wall-clock second. The driver keeps expiry in whole seconds, so a token refreshed early in a
    second looks valid to the driver for nearly all of its LIFETIME: the connections that follow
    in the test adopt it instead of refreshing again."""
    time.sleep(LIFETIME + 1.2)
    fraction = time.time() % 1
    if fraction > 0.2:
        time.sleep(1.02 - fraction)


def leaked(text, secrets):
    """The secrets (shortened) that occur in `text`."""
    return [s[:6] + "…" for s in secrets if s and len(s) >= 8 and s in text]


def assert_settings_file_safe(path, secrets):
    """Mode 0600 and none of `secrets` in the bytes (docs/oauth.md, "Where tokens are kept")."""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
    blob = path.read_bytes().decode("latin-1")
    assert not leaked(blob, secrets)


def sys_tables_text(conn):
    """Every row of every table in the `sys` schema, as text."""
    cur = conn.cursor()
    names = [
        r[0]
        for r in cur.execute(
            "SELECT \"TableName\" FROM sys.sys_tables WHERE \"SchemaName\" = 'sys'"
        ).fetchall()
    ]
    assert "sys_connection_props" in names and "sys_procedures" in names, names
    return "\n".join(repr(cur.execute(f'SELECT * FROM sys."{n}"').fetchall()) for n in names)


# ---------------------------------------------------------------------------------------------
# The user at the authorization server


def query_of(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def s256(verifier):
    """BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize(url):
    """GETs the authorization URL of the auto-approving sandbox without following its redirect:
    the `code` and `state` of the Location, as the user's browser would bring them back."""
    status, location, body = redirect_location(url)
    assert status == 302 and location, (status, body[:300])
    params = query_of(location)
    assert "code" in params, location
    return params["code"], params.get("state")


def assert_authorization_url(sb, service, url, state=None, pkce=None):
    """The URL goes to the service's authorize endpoint with the app's client id, a state, and a
    PKCE S256 challenge (computed here from the verifier when the caller has it)."""
    info = oauth_info(sb, service)
    assert url.startswith(info["authorization_url"] + "?"), url
    q = query_of(url)
    assert q["client_id"] == credentials(sb, service)["client_id"]
    assert q.get("code_challenge_method") == "S256", url
    assert len(q.get("code_challenge", "")) == 43, url
    assert q.get("state"), url
    if state is not None:
        assert q["state"] == state
    if pkce is not None:
        assert PKCE_VERIFIER.fullmatch(pkce), pkce
        assert q["code_challenge"] == s256(pkce)
    return q


def web_flow(sb, service, settings):
    """docs/oauth.md's web flow with the EXEC forms, on an InitiateOAuth=OFF connection whose token
    store is `settings`: URL, authorize, exchange with the pending values. Returns what the user
    handled."""
    conn = connect(sb.oauth_string(service, InitiateOAuth="OFF", OAuthSettingsLocation=settings))
    try:
        cur = conn.cursor()
        url, state, pkce = cur.execute("EXEC GetOAuthAuthorizationURL").fetchone()
        assert_authorization_url(sb, service, url, state, pkce)
        code, returned_state = authorize(url)
        assert returned_state == state
        access, refresh, expires_in = cur.execute(
            f"EXEC GetOAuthAccessToken AuthMode='WEB', Verifier='{code}'"
        ).fetchone()
        sys_text = sys_tables_text(conn)
    finally:
        conn.close()
    assert access and refresh
    assert expires_in == str(oauth_info(sb, service)["access_token_lifetime"])
    flow = dict(url=url, state=state, pkce=pkce, code=code, access=access, refresh=refresh)
    flow["secrets"] = [code, pkce, access, refresh, credentials(sb, service)["client_secret"]]
    assert not leaked(sys_text, flow["secrets"])
    return flow


# ---------------------------------------------------------------------------------------------
# Browsers: the program the driver starts with the authorization URL as its last argument


# Follows the authorization URL and its redirects to the driver's loopback listener like a
# browser, then appends what it saw to the record file (argv[1]) as one JSON line per launch.
SCRIPTED_BROWSER = r"""
import json, sys, urllib.error, urllib.request
record, url = sys.argv[1], sys.argv[-1]
seen = {"url": url}
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(url, timeout=60) as resp:
        seen.update(status=resp.status, final_url=resp.geturl(),
                    body=resp.read().decode("utf-8", "replace"))
except urllib.error.HTTPError as e:
    seen.update(status=e.code, final_url=e.geturl(), body=e.read().decode("utf-8", "replace"))
except Exception as e:
    seen.update(error=repr(e))
with open(record, "a") as f:
    f.write(json.dumps(seen) + "\n")
"""

# Approves the same authorization request three times (three different codes), then brings the
# first code back to the listener with a wrong state, the second with no state, and only the third
# as the server sent it. Records the listener's three answers as one JSON line.
STATE_PROBING_BROWSER = r"""
import http.client, json, sys, urllib.parse
record, url = sys.argv[1], sys.argv[-1]

def get(u):
    p = urllib.parse.urlsplit(u)
    conn = http.client.HTTPConnection(p.hostname, p.port, timeout=30)
    conn.request("GET", p.path + ("?" + p.query if p.query else ""))
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    conn.close()
    return resp.status, resp.getheader("Location"), body

def with_state(location, state):
    p = urllib.parse.urlsplit(location)
    q = [(k, v) for k, v in urllib.parse.parse_qsl(p.query) if k != "state"]
    if state is not None:
        q.append(("state", state))
    return urllib.parse.urlunsplit(p._replace(query=urllib.parse.urlencode(q)))

def query(u):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(u).query))

locations = [get(url)[1] for _ in range(3)]
right = query(locations[2])["state"]
wrong = right[:-1] + ("A" if right[-1] != "A" else "B")
attempts = [
    ("wrong", with_state(locations[0], wrong)),
    ("missing", with_state(locations[1], None)),
    ("right", locations[2]),
]
answers = []
for label, u in attempts:
    status, _, body = get(u)
    answers.append({"label": label, "status": status, "body": body, "code": query(u).get("code")})
with open(record, "a") as f:
    f.write(json.dumps(answers) + "\n")
"""


def browser_command(tmp_path, script_text, name):
    """BROWSER for a Python browser script: interpreter, script and record file (the driver splits
    BROWSER on whitespace and appends the URL). Returns (command, record path)."""
    script = tmp_path / f"{name}.py"
    script.write_text(script_text)
    record = tmp_path / f"{name}.jsonl"
    return f"{sys.executable} {script} {record}", record


def launches(record, expected, timeout=30):
    """The browser's records once `expected` launches have written theirs (the browser may still
    be writing after the connection returned)."""
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        # Complete lines only: a launch may be halfway through writing its own.
        lines = record.read_text().split("\n")[:-1] if record.exists() else []
        if len(lines) >= expected:
            break
        time.sleep(0.05)
    return [json.loads(line) for line in lines]


def assert_loopback_redirect(url):
    """The redirect_uri the driver sent is a plain http loopback address on a real port (its path
    is the driver's choice and not asserted)."""
    redirect = urllib.parse.urlsplit(query_of(url)["redirect_uri"])
    assert redirect.scheme == "http" and redirect.hostname in ("127.0.0.1", "::1", "localhost")
    assert redirect.port and redirect.port > 0, redirect.geturl()


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


# ---------------------------------------------------------------------------------------------
# Coverage: every built-in profile that supports a flow is in the lists above


def _profile_grants():
    out = {}
    for path in sorted((REPO / "profiles").glob("*.toml")):
        with open(path, "rb") as f:
            p = tomllib.load(f)
        oauth = p.get("auth", {}).get("oauth")
        if oauth:
            out[p["name"]] = (set(oauth.get("grants", [])), bool(oauth.get("authorization_url")))
    return out


def test_every_oauth_profile_is_covered(sandbox):
    grants = _profile_grants()
    code = {n for n, (g, url) in grants.items() if "authorization_code" in g and url}
    assert code == set(AUTHORIZATION_CODE)
    assert {n for n, (g, _) in grants.items() if "client_credentials" in g} == set(
        CLIENT_CREDENTIALS
    )
    assert {n for n, (g, _) in grants.items() if "password" in g} == set(PASSWORD)
    services = sandbox.manifest["services"]
    strings = {n: set(s["connection_strings"]) for n, s in services.items()}
    assert {n for n, k in strings.items() if "OAUTH" in k} == set(AUTHORIZATION_CODE)
    assert {n for n, k in strings.items() if "OAUTH_CLIENT" in k} == set(CLIENT_CREDENTIALS)
    assert {n for n, k in strings.items() if "OAUTH_PASSWORD" in k} == set(PASSWORD)


# ---------------------------------------------------------------------------------------------
# Desktop: InitiateOAuth=GETANDREFRESH with a browser


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_desktop_flow_with_a_scripted_browser(sandbox, service, tmp_path, monkeypatch):
    # The manifest's string as it is: no OAuthSettingsLocation, so the default settings file.
    cs = sandbox.oauth_string(service)
    assert prop(cs, "InitiateOAuth") == "GETANDREFRESH"
    assert prop(cs, "OAuthSettingsLocation") is None
    command, record = browser_command(tmp_path, SCRIPTED_BROWSER, "browser")
    monkeypatch.setenv("BROWSER", command)
    authorize_path = urllib.parse.urlsplit(oauth_info(sandbox, service)["authorization_url"]).path
    visits = len(requests_to(sandbox, authorize_path))
    counters = OAuthCounters(sandbox)

    connect_and_count(cs, sandbox, service)

    (seen,) = launches(record, 1)
    assert len(requests_to(sandbox, authorize_path)) == visits + 1
    assert_authorization_url(sandbox, service, seen["url"])
    assert_loopback_redirect(seen["url"])
    assert seen["status"] == 200 and DONE_PAGE in seen["body"], seen
    code = query_of(seen["final_url"])["code"]
    assert counters.since() == collections.Counter(authorization_code=1)
    # $XDG_CONFIG_HOME/apiodbc/<profile>/<hash of the client id>/<hash of the token URL>/
    # OAuthSettings.txt
    (settings,) = (tmp_path / "xdg-config" / "apiodbc" / service).glob("*/*/OAuthSettings.txt")
    assert_settings_file_safe(settings, [code, credentials(sandbox, service)["client_secret"]])

    # The next connection uses the stored token: no browser (there is none now), no new grant.
    monkeypatch.delenv("BROWSER")
    connect_and_count(cs, sandbox, service)
    assert counters.since() == collections.Counter(authorization_code=1)
    assert len(launches(record, 1)) == 1


def test_desktop_flow_with_headless_chromium(sandbox, tmp_path, monkeypatch):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no chromium, chromium-browser or google-chrome on PATH")
    service = "helpscout"
    dom, pidfile = tmp_path / "dom.html", tmp_path / "browser.pid"
    # The driver runs the browser detached in its own process group; the wrapper records that
    # group's id so the test can end it if Chromium outlives the page.
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--dump-dom",
    ]
    wrapper = tmp_path / "chromium-browser.sh"
    wrapper.write_text(
        "#!/bin/sh\n"
        f"echo $$ > {shlex.quote(str(pidfile))}\n"
        f"exec {shlex.quote(chromium)} {' '.join(shlex.quote(f) for f in flags)} \"$1\" "
        f"> {shlex.quote(str(dom))} 2> {shlex.quote(str(tmp_path / 'chromium.log'))}\n"
    )
    wrapper.chmod(0o700)
    monkeypatch.setenv("BROWSER", str(wrapper))
    settings = tmp_path / "OAuthSettings.txt"
    counters = OAuthCounters(sandbox)
    try:
        connect_and_count(
            sandbox.oauth_string(service, OAuthSettingsLocation=settings), sandbox, service
        )
        # --dump-dom writes the page the redirects ended on: the listener's answer.
        deadline = time.monotonic() + 60
        while DONE_PAGE not in (dom.read_text() if dom.exists() else ""):
            assert time.monotonic() < deadline, "Chromium never wrote the listener's page"
            time.sleep(0.1)
    finally:
        _end_process_group(pidfile)
    assert counters.since() == collections.Counter(authorization_code=1)
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600


def _end_process_group(pidfile, grace=20):
    """Waits for the browser started through `pidfile`'s wrapper to exit; ends its process group
    (ours: the driver started it for this test) if it is still there after `grace` seconds."""
    try:
        pgid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        pass


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_desktop_callbacks_with_a_wrong_or_missing_state_are_refused(
    sandbox, service, tmp_path, monkeypatch
):
    command, record = browser_command(tmp_path, STATE_PROBING_BROWSER, "state-browser")
    monkeypatch.setenv("BROWSER", command)
    counters = OAuthCounters(sandbox)

    connect_and_count(
        sandbox.oauth_string(service, OAuthSettingsLocation=tmp_path / "s.txt"), sandbox, service
    )

    (answers,) = launches(record, 1)
    assert [a["label"] for a in answers] == ["wrong", "missing", "right"]
    assert [a["status"] for a in answers] == [400, 400, 200], answers
    assert REFUSED_CALLBACK_PAGE in answers[0]["body"]
    assert REFUSED_CALLBACK_PAGE in answers[1]["body"]
    assert DONE_PAGE in answers[2]["body"]
    assert len({a["code"] for a in answers}) == 3
    # Three codes reached the listener; only the one with the right state was exchanged.
    assert counters.since() == collections.Counter(authorization_code=1)


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_getandrefresh_without_a_browser_fails_at_once_with_the_headless_steps(
    sandbox, service, tmp_path
):
    # no_real_browser removed BROWSER, DISPLAY and WAYLAND_DISPLAY.
    counters = OAuthCounters(sandbox)
    authorize_path = urllib.parse.urlsplit(oauth_info(sandbox, service)["authorization_url"]).path
    before = len(requests_to(sandbox, authorize_path))
    with pytest.raises(pyodbc.Error) as ei:
        connect(sandbox.oauth_string(service, OAuthSettingsLocation=tmp_path / "s.txt"))
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    # The message, not a listener timeout: says no browser can be opened, then the headless steps.
    assert "needs a browser" in message, message
    for step in ("Option 1", "GetOAuthAuthorizationURL", "OAuthVerifier", "Option 2"):
        assert step in message, (step, message)
    assert counters.since() == collections.Counter()
    assert len(requests_to(sandbox, authorize_path)) == before
    assert not leaked(message, [credentials(sandbox, service)["client_secret"]])


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_get_oauth_access_token_app_mode_runs_the_desktop_flow(
    sandbox, service, tmp_path, monkeypatch
):
    settings = tmp_path / "OAuthSettings.txt"
    off = sandbox.oauth_string(service, InitiateOAuth="OFF", OAuthSettingsLocation=settings)
    command, record = browser_command(tmp_path, SCRIPTED_BROWSER, "browser")
    monkeypatch.setenv("BROWSER", command)
    counters = OAuthCounters(sandbox)

    conn = connect(off)
    access, refresh, expires_in = conn.cursor().execute(
        "EXEC GetOAuthAccessToken AuthMode='APP'"
    ).fetchone()
    conn.close()

    (seen,) = launches(record, 1)
    assert_authorization_url(sandbox, service, seen["url"])
    assert DONE_PAGE in seen["body"]
    assert access and refresh
    assert expires_in == str(oauth_info(sandbox, service)["access_token_lifetime"])
    assert counters.since() == collections.Counter(authorization_code=1)
    # The returned token works as given, and the stored one without a new grant.
    connect_and_count(
        sandbox.oauth_string(service, InitiateOAuth="OFF", OAuthAccessToken=access),
        sandbox,
        service,
    )
    connect_and_count(set_prop(off, "InitiateOAuth", "REFRESH"), sandbox, service)
    assert counters.since() == collections.Counter(authorization_code=1)
    assert_settings_file_safe(settings, [access, refresh])


# ---------------------------------------------------------------------------------------------
# Web: the stored procedures


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_web_flow_through_the_stored_procedures(sandbox, service, tmp_path):
    settings = tmp_path / "user42.oauth"
    counters = OAuthCounters(sandbox)

    flow = web_flow(sandbox, service, settings)

    q = query_of(flow["url"])
    # The redirect the URL names is the connection's CallbackURL, byte for byte.
    assert q["redirect_uri"] == prop(sandbox.oauth_string(service), "CallbackURL")
    assert counters.since() == collections.Counter(authorization_code=1)
    assert_settings_file_safe(settings, flow["secrets"])
    # The access token works as given (OFF), and the stored tokens with REFRESH: no new grant.
    connect_and_count(
        sandbox.oauth_string(service, InitiateOAuth="OFF", OAuthAccessToken=flow["access"]),
        sandbox,
        service,
    )
    connect_and_count(
        sandbox.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=settings),
        sandbox,
        service,
    )
    assert counters.since() == collections.Counter(authorization_code=1)


# Each case: how GetOAuthAuthorizationURL, GetOAuthAccessToken and RefreshOAuthAccessToken are
# called, as (sql, parameters) built from what the earlier steps returned; and whether the
# exchange runs on another connection with another token store, where no pending values exist
# and CallbackURL, State and PKCEVerifier must be passed back (the connection strings here have
# no CallbackURL, so every step is given it or takes it from the pending values).
CALL_SYNTAXES = {
    "odbc-escape-bound": dict(
        url=lambda cb, st: ("{call GetOAuthAuthorizationURL(?, ?, ?)}", [cb, None, st]),
        token=lambda code, cb, st, v: ("{call GetOAuthAccessToken(?, ?)}", ["WEB", code]),
        refresh=lambda r: ("{call RefreshOAuthAccessToken(?)}", [r]),
        elsewhere=False,
    ),
    "odbc-escape-return-value": dict(
        url=lambda cb, st: ("{? = call GetOAuthAuthorizationURL(?)}", [None, cb]),
        token=lambda code, cb, st, v: (
            "{?= call GetOAuthAccessToken(?, ?, ?, ?, ?)}",
            [None, "WEB", code, cb, st, v],
        ),
        refresh=lambda r: ("{? = call RefreshOAuthAccessToken(?)}", [None, r]),
        elsewhere=True,
    ),
    "exec-named-literals": dict(
        url=lambda cb, st: (f"EXEC GetOAuthAuthorizationURL CallbackURL='{cb}', State='{st}'", []),
        token=lambda code, cb, st, v: (
            f"EXEC GetOAuthAccessToken AuthMode='WEB', Verifier='{code}'",
            [],
        ),
        refresh=lambda r: (f"EXEC RefreshOAuthAccessToken OAuthRefreshToken='{r}'", []),
        elsewhere=False,
    ),
    "exec-at-named-bound": dict(
        url=lambda cb, st: ("EXEC GetOAuthAuthorizationURL @CallbackURL=?", [cb]),
        token=lambda code, cb, st, v: (
            "EXEC GetOAuthAccessToken @AuthMode='WEB', @Verifier=?, @CallbackURL=?, @State=?, "
            "@PKCEVerifier=?",
            [code, cb, st, v],
        ),
        refresh=lambda r: ("EXEC RefreshOAuthAccessToken @OAuthRefreshToken=?", [r]),
        elsewhere=True,
    ),
    "execute-positional": dict(
        url=lambda cb, st: ("EXECUTE GetOAuthAuthorizationURL ?, NULL, ?", [cb, st]),
        token=lambda code, cb, st, v: ("EXECUTE GetOAuthAccessToken 'WEB', ?", [code]),
        refresh=lambda r: ("EXECUTE RefreshOAuthAccessToken ?", [r]),
        elsewhere=False,
    ),
    "call-positional": dict(
        url=lambda cb, st: (f"CALL GetOAuthAuthorizationURL('{cb}')", []),
        token=lambda code, cb, st, v: (
            "CALL GetOAuthAccessToken('WEB', ?, ?, ?, ?)",
            [code, cb, st, v],
        ),
        refresh=lambda r: ("CALL RefreshOAuthAccessToken(?)", [r]),
        elsewhere=True,
    ),
}


@pytest.mark.parametrize("syntax", list(CALL_SYNTAXES))
def test_procedure_call_syntaxes(sandbox, syntax, tmp_path):
    case = CALL_SYNTAXES[syntax]
    service = "pipedrive"
    callback = prop(sandbox.oauth_string(service), "CallbackURL")
    my_state = f"state-{syntax}"
    off = sandbox.oauth_string(service, InitiateOAuth="OFF", CallbackURL=None)
    counters = OAuthCounters(sandbox)

    conn = connect(set_prop(off, "OAuthSettingsLocation", tmp_path / "browser-side.oauth"))
    sql, params = case["url"](callback, my_state)
    url, state, pkce = conn.cursor().execute(sql, *params).fetchone()
    assert_authorization_url(sandbox, service, url, state, pkce)
    assert query_of(url)["redirect_uri"] == callback
    if my_state in sql or my_state in params:
        assert state == my_state
    code, returned_state = authorize(url)
    assert returned_state == state

    if case["elsewhere"]:
        conn.close()
        conn = connect(set_prop(off, "OAuthSettingsLocation", tmp_path / "server-side.oauth"))
    sql, params = case["token"](code, callback, state, pkce)
    access, refresh, expires_in = conn.cursor().execute(sql, *params).fetchone()
    assert expires_in == str(oauth_info(sandbox, service)["access_token_lifetime"])
    connect_and_count(set_prop(off, "OAuthAccessToken", access), sandbox, service)

    sql, params = case["refresh"](refresh)
    new_access, new_refresh, expires_in = conn.cursor().execute(sql, *params).fetchone()
    conn.close()
    assert new_access and new_access != access
    assert expires_in == str(oauth_info(sandbox, service)["access_token_lifetime"])
    assert not oauth_info(sandbox, service)["rotates_refresh_tokens"]
    assert new_refresh == refresh
    connect_and_count(set_prop(off, "OAuthAccessToken", new_access), sandbox, service)
    assert counters.since() == collections.Counter(authorization_code=1, refresh_token=1)


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_procedures_are_listed_with_their_parameters(sandbox, service):
    conn = connect(sandbox.oauth_string(service, InitiateOAuth="OFF"))
    cur = conn.cursor()

    listed = {r.procedure_name for r in cur.procedures()}
    assert set(PROCEDURES) <= listed, listed
    for name, (inputs, results) in PROCEDURES.items():
        cols = list(cur.procedureColumns(procedure=name))
        assert [c.column_name for c in cols if c.column_type == SQL_PARAM_INPUT] == inputs
        assert [c.column_name for c in cols if c.column_type == SQL_RESULT_COL] == results
        assert all(c.data_type in CHARACTER_TYPES for c in cols), [
            (c.column_name, c.data_type) for c in cols
        ]

    names = {
        r[0] for r in cur.execute('SELECT "ProcedureName" FROM sys.sys_procedures').fetchall()
    }
    assert set(PROCEDURES) <= names
    rows = cur.execute(
        'SELECT "ProcedureName", "ColumnName", "Direction", "DataTypeName", "Ordinal" '
        "FROM sys.sys_procedureparameters"
    ).fetchall()
    conn.close()
    for name, (inputs, results) in PROCEDURES.items():
        mine = sorted((r for r in rows if r[0] == name), key=lambda r: r[4])
        assert [r[1] for r in mine if r[2] == "INPUT"] == inputs
        assert [r[1] for r in mine if r[2] == "RESULT"] == results
        assert all("CHAR" in r[3].upper() for r in mine), mine


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_refresh_procedure_returns_new_tokens(sandbox, service, tmp_path):
    flow = web_flow(sandbox, service, tmp_path / "s.oauth")
    rotates = oauth_info(sandbox, service)["rotates_refresh_tokens"]
    off = sandbox.oauth_string(service, InitiateOAuth="OFF")
    counters = OAuthCounters(sandbox)

    conn = connect(off)
    cur = conn.cursor()
    access, refresh, expires_in = cur.execute(
        "EXEC RefreshOAuthAccessToken OAuthRefreshToken=?", flow["refresh"]
    ).fetchone()
    assert access and access != flow["access"]
    assert expires_in == str(oauth_info(sandbox, service)["access_token_lifetime"])
    connect_and_count(set_prop(off, "OAuthAccessToken", access), sandbox, service)
    assert counters.since() == collections.Counter(refresh_token=1)

    if rotates:
        # Keap: a new refresh token, and the old one is dead from this moment.
        assert refresh and refresh != flow["refresh"]
        with pytest.raises(pyodbc.Error) as ei:
            cur.execute("EXEC RefreshOAuthAccessToken OAuthRefreshToken=?", flow["refresh"])
        sqlstate, message = odbc_error(ei)
        assert sqlstate == "28000", message
        assert "authorize again" in message, message
        assert not leaked(message, flow["secrets"] + [refresh, access])
        assert counters.since() == collections.Counter(
            refresh_token=1, refresh_reuse_detected=1, invalid_grant=1
        )
    else:
        assert refresh == flow["refresh"]
    conn.close()


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_refresh_procedure_with_a_dead_refresh_token_says_authorize_again(sandbox, service):
    bogus = "not-a-refresh-token-4711-abcdef"
    conn = connect(sandbox.oauth_string(service, InitiateOAuth="OFF"))
    counters = OAuthCounters(sandbox)
    with pytest.raises(pyodbc.Error) as ei:
        conn.cursor().execute(f"EXEC RefreshOAuthAccessToken OAuthRefreshToken='{bogus}'")
    conn.close()
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    assert "authorize again" in message, message
    assert not leaked(message, [bogus, credentials(sandbox, service)["client_secret"]])
    assert counters.since() == collections.Counter(invalid_grant=1)


def test_missing_procedure_inputs_name_what_is_missing(sandbox):
    service = "pipedrive"
    # No CallbackURL in the string either, so nothing supplies it.
    conn = connect(sandbox.oauth_string(service, InitiateOAuth="OFF", CallbackURL=None))
    cur = conn.cursor()
    cases = {
        "EXEC GetOAuthAuthorizationURL": ("28000", "needs CallbackURL"),
        "EXEC GetOAuthAccessToken AuthMode='WEB'": ("28000", "needs Verifier"),
        "EXEC RefreshOAuthAccessToken": (None, "OAuthRefreshToken"),
        "EXEC GetOAuthAccessToken AuthMode='CONSOLE', Verifier='x'": (None, "WEB or APP"),
    }
    for sql, (want_state, want_text) in cases.items():
        with pytest.raises(pyodbc.Error) as ei:
            cur.execute(sql)
        sqlstate, message = odbc_error(ei)
        assert want_state is None or sqlstate == want_state, (sql, message)
        assert want_text in message, (sql, message)
    conn.close()


def test_no_secret_in_a_procedure_call_syntax_error(sandbox, tmp_path):
    service = "helpscout"
    conn = connect(
        sandbox.oauth_string(service, InitiateOAuth="OFF", OAuthSettingsLocation=tmp_path / "s")
    )
    cur = conn.cursor()
    url, _, _ = cur.execute("EXEC GetOAuthAuthorizationURL").fetchone()
    code, _ = authorize(url)
    # A typo: the comma between the arguments is missing.
    with pytest.raises(pyodbc.Error) as ei:
        cur.execute(f"CALL GetOAuthAccessToken('WEB' '{code}')")
    conn.close()
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "42000", message
    assert not leaked(message, [code])


# ---------------------------------------------------------------------------------------------
# InitiateOAuth=REFRESH: headless option 1 (exchange a code), tokens given in the string


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_headless_option_1a_code_exchanged_at_connect(sandbox, service, tmp_path):
    settings = tmp_path / "server.oauth"
    counters = OAuthCounters(sandbox)
    # 1. On the server: the URL, whose verifier stays in the server's token store.
    off = sandbox.oauth_string(service, InitiateOAuth="OFF", OAuthSettingsLocation=settings)
    conn = connect(off)
    url, state, pkce = conn.cursor().execute("EXEC GetOAuthAuthorizationURL").fetchone()
    conn.close()
    # 2. Anywhere: log in and approve, copy the code.
    code, _ = authorize(url)
    # 3. On the server: connect once with the code.
    refresh = sandbox.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=settings
    )
    conn = connect(set_prop(refresh, "OAuthVerifier", code))
    assert_rows(conn, sandbox, service)
    assert not leaked(sys_tables_text(conn), [code, pkce])
    conn.close()
    assert counters.since() == collections.Counter(authorization_code=1)
    # 4. From then on, without OAuthVerifier.
    connect_and_count(refresh, sandbox, service)
    assert counters.since() == collections.Counter(authorization_code=1)
    secret = credentials(sandbox, service)["client_secret"]
    assert_settings_file_safe(settings, [code, pkce, secret])


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_headless_option_1b_pkce_verifier_carried_to_the_server(sandbox, service, tmp_path):
    counters = OAuthCounters(sandbox)
    # On the desktop: the URL, and its State and PKCEVerifier columns.
    conn = connect(
        sandbox.oauth_string(service, InitiateOAuth="OFF", OAuthSettingsLocation=tmp_path / "desktop.oauth"
        )
    )
    url, state, pkce = conn.cursor().execute("EXEC GetOAuthAuthorizationURL").fetchone()
    conn.close()
    code, _ = authorize(url)
    # On the server, another token store: the code and the verifier in the string.
    server = tmp_path / "server" / "etl.oauth"
    server.parent.mkdir()
    refresh = sandbox.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=server)
    conn = connect(set_prop(set_prop(refresh, "OAuthVerifier", code), "PKCEVerifier", pkce))
    assert_rows(conn, sandbox, service)
    sys_text = sys_tables_text(conn)
    conn.close()
    assert not leaked(sys_text, [code, pkce])
    assert counters.since() == collections.Counter(authorization_code=1)
    connect_and_count(refresh, sandbox, service)
    assert counters.since() == collections.Counter(authorization_code=1)
    assert_settings_file_safe(server, [code, pkce])


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_headless_option_1b_without_the_pkce_verifier_is_refused(sandbox, service, tmp_path):
    conn = connect(
        sandbox.oauth_string(service, InitiateOAuth="OFF", OAuthSettingsLocation=tmp_path / "desktop.oauth"
        )
    )
    url, _, pkce = conn.cursor().execute("EXEC GetOAuthAuthorizationURL").fetchone()
    conn.close()
    code, _ = authorize(url)
    counters = OAuthCounters(sandbox)
    cs = sandbox.oauth_string(service,
        InitiateOAuth="REFRESH",
        OAuthSettingsLocation=tmp_path / "server.oauth",
        OAuthVerifier=code,
    )
    with pytest.raises(pyodbc.Error) as ei:
        connect(cs)
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    assert "invalid_grant" in message, message
    # The remedy for a refused code names what must match: the PKCE verifier.
    assert "PKCE verifier" in message or "PKCEVerifier" in message, message
    assert not leaked(message, [code, pkce, credentials(sandbox, service)["client_secret"]])
    assert counters.since() == collections.Counter(invalid_grant=1)


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_refresh_with_tokens_given_in_the_connection_string(sandbox, service, tmp_path):
    first = web_flow(sandbox, service, "memory://given-" + tmp_path.name)
    counters = OAuthCounters(sandbox)

    # Both tokens: the access token is stored and used as it is, no grant.
    stored = tmp_path / "both.oauth"
    cs = sandbox.oauth_string(service,
        InitiateOAuth="REFRESH",
        OAuthSettingsLocation=stored,
        OAuthAccessToken=first["access"],
        OAuthRefreshToken=first["refresh"],
    )
    conn = connect(cs)
    assert_rows(conn, sandbox, service)
    props = conn.cursor().execute(
        'SELECT "Name", "Value", "IsSensitive" FROM sys.sys_connection_props'
    ).fetchall()
    sys_text = sys_tables_text(conn)
    conn.close()
    masked = {r[0]: (r[1], r[2]) for r in props}
    for name in ("OAuthAccessToken", "OAuthRefreshToken", "OAuthClientSecret"):
        assert masked[name][1] is True and masked[name][0] == "********", (name, masked[name])
    assert not leaked(sys_text, first["secrets"])
    assert counters.since() == collections.Counter()
    assert_settings_file_safe(stored, first["secrets"])
    # The file alone now suffices.
    connect_and_count(
        sandbox.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=stored),
        sandbox,
        service,
    )
    assert counters.since() == collections.Counter()

    # Only a refresh token: the driver refreshes with it at connect, and stores the result.
    second = web_flow(sandbox, service, "memory://given2-" + tmp_path.name)
    counters = OAuthCounters(sandbox)
    only_refresh = tmp_path / "refresh-only.oauth"
    connect_and_count(
        sandbox.oauth_string(service,
            InitiateOAuth="REFRESH",
            OAuthSettingsLocation=only_refresh,
            OAuthRefreshToken=second["refresh"],
        ),
        sandbox,
        service,
    )
    assert counters.since() == collections.Counter(refresh_token=1)
    connect_and_count(
        sandbox.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=only_refresh),
        sandbox,
        service,
    )
    assert counters.since() == collections.Counter(refresh_token=1)
    assert_settings_file_safe(only_refresh, second["secrets"])


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_refresh_with_an_empty_token_store_lists_the_headless_steps(sandbox, service, tmp_path):
    counters = OAuthCounters(sandbox)
    with pytest.raises(pyodbc.Error) as ei:
        connect(
            sandbox.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=tmp_path / "none"
            )
        )
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    for step in ("Option 1", "GetOAuthAuthorizationURL", "OAuthVerifier", "Option 2"):
        assert step in message, (step, message)
    assert counters.since() == collections.Counter()


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_dead_refresh_token_says_authorize_again_then_getandrefresh_opens_the_browser(
    sandbox, service, tmp_path, monkeypatch
):
    bogus = "dead-refresh-token-0123456789"
    settings = tmp_path / "OAuthSettings.txt"
    counters = OAuthCounters(sandbox)
    with pytest.raises(pyodbc.Error) as ei:
        connect(
            sandbox.oauth_string(service,
                InitiateOAuth="REFRESH",
                OAuthSettingsLocation=settings,
                OAuthRefreshToken=bogus,
            )
        )
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    assert "authorize again" in message, message
    assert not leaked(message, [bogus, credentials(sandbox, service)["client_secret"]])
    assert counters.since() == collections.Counter(invalid_grant=1)

    # GETANDREFRESH on the same store: the dead refresh token sends the user to the browser.
    command, record = browser_command(tmp_path, SCRIPTED_BROWSER, "browser")
    monkeypatch.setenv("BROWSER", command)
    connect_and_count(
        sandbox.oauth_string(service, OAuthSettingsLocation=settings), sandbox, service
    )
    assert len(launches(record, 1)) == 1
    assert counters.since() == collections.Counter(invalid_grant=2, authorization_code=1)


def test_pipedrive_takes_the_api_base_from_the_token_response(sandbox, tmp_path):
    service = "pipedrive"
    settings = tmp_path / "pipedrive.oauth"
    web_flow(sandbox, service, settings)
    table_path = urllib.parse.urlsplit(sandbox.url).path + f"/{service}/api/v1/{TABLE[service]}"
    before = len(requests_to(sandbox, table_path))
    # No BaseURL and no CompanyDomain: the only way to the sandbox is the stored api_domain.
    cs = sandbox.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=settings, BaseURL=None
    )
    assert prop(cs, "CompanyDomain") is None
    connect_and_count(cs, sandbox, service)
    answered = requests_to(sandbox, table_path)[before:]
    assert answered and all(r["status"] == 200 for r in answered), answered


# ---------------------------------------------------------------------------------------------
# Headless option 2: the settings file copied to another machine


def test_copied_settings_file_needs_the_same_client_id_and_secret(sandbox, tmp_path):
    service = "helpscout"
    desktop = tmp_path / "desktop" / "OAuthSettings.txt"
    desktop.parent.mkdir()
    web_flow(sandbox, service, desktop)
    server = tmp_path / "server" / "OAuthSettings.txt"
    server.parent.mkdir()
    shutil.copy2(desktop, server)
    original = server.read_bytes()
    refresh = sandbox.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=server)
    cases = {
        "cannot be decrypted": set_prop(refresh, "OAuthClientSecret", "another-secret-0123456789"),
        "belongs to another OAuthClientId": set_prop(refresh, "OAuthClientId", "another-client"),
    }
    for expected, cs in cases.items():
        with pytest.raises(pyodbc.Error) as ei:
            connect(cs)
        sqlstate, message = odbc_error(ei)
        assert sqlstate == "28000", message
        assert expected in message and str(server) in message, message
        assert server.read_bytes() == original
    # With the same id and secret, the copy works.
    connect_and_count(refresh, sandbox, service)


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_copied_settings_file_after_expiry(expiring_sandbox, service, tmp_path):
    """Both copies keep working where the service keeps its refresh tokens; where it rotates them
    (Keap) the copy was a move: the copy that refreshes second gets 28000 and how to authorize
    again, and the sandbox sees the reuse."""
    sb = expiring_sandbox
    desktop = tmp_path / "desktop" / "OAuthSettings.txt"
    desktop.parent.mkdir()
    flow = web_flow(sb, service, desktop)
    server = tmp_path / "server" / "OAuthSettings.txt"
    server.parent.mkdir()
    shutil.copy2(desktop, server)

    def on(settings):
        return sb.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=settings)

    sleep_past_expiry()
    counters = OAuthCounters(sb)

    connect_and_count(on(server), sb, service)
    assert counters.since() == collections.Counter(refresh_token=1)

    if oauth_info(sb, service)["rotates_refresh_tokens"]:
        with pytest.raises(pyodbc.Error) as ei:
            connect_and_count(on(desktop), sb, service)
        sqlstate, message = odbc_error(ei)
        assert sqlstate == "28000", message
        assert "authorize again" in message, message
        assert not leaked(message, flow["secrets"])
        assert counters.since() == collections.Counter(
            refresh_token=1, refresh_reuse_detected=1, invalid_grant=1
        )
    else:
        connect_and_count(on(desktop), sb, service)
        assert counters.since() == collections.Counter(refresh_token=2)


# ---------------------------------------------------------------------------------------------
# Refresh ahead of expiry


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_refresh_ahead_of_expiry_once_per_expiry(expiring_sandbox, service, tmp_path):
    sb = expiring_sandbox
    settings = tmp_path / "OAuthSettings.txt"
    web_flow(sb, service, settings)
    cs = sb.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=settings)
    first, second = connect(cs), connect(cs)
    assert_rows(first, sb, service)
    assert_rows(second, sb, service)
    sleep_past_expiry()
    counters = OAuthCounters(sb)

    # The same connection, past expiry: one refresh.
    assert_rows(first, sb, service)
    assert counters.since() == collections.Counter(refresh_token=1)
    # Another open connection and a new one adopt the refreshed token from the file.
    assert_rows(second, sb, service)
    connect_and_count(cs, sb, service)
    first.close()
    second.close()
    assert counters.since() == collections.Counter(refresh_token=1)

    # And the next expiry, on a new connection: one more refresh.
    sleep_past_expiry()
    connect_and_count(cs, sb, service)
    assert counters.since() == collections.Counter(refresh_token=2)


@pytest.mark.parametrize("service", AUTHORIZATION_CODE)
def test_initiate_oauth_off_sends_the_token_as_given(expiring_sandbox, service, tmp_path):
    sb = expiring_sandbox
    flow = web_flow(sb, service, "memory://off-" + tmp_path.name)
    # A refresh token is given too: OFF still never refreshes.
    off = sb.oauth_string(service,
        InitiateOAuth="OFF",
        OAuthAccessToken=flow["access"],
        OAuthRefreshToken=flow["refresh"],
    )
    counters = OAuthCounters(sb)
    conn = connect(off)
    assert_rows(conn, sb, service)
    sleep_past_expiry()
    with pytest.raises(pyodbc.Error) as ei:
        assert_rows(conn, sb, service)
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    assert "RefreshOAuthAccessToken" in message, message
    assert not leaked(message, flow["secrets"])
    assert counters.since() == collections.Counter()

    # The remedy the message names: refresh by hand, reconnect with the new token.
    access = conn.cursor().execute(
        "EXEC RefreshOAuthAccessToken OAuthRefreshToken=?", flow["refresh"]
    ).fetchone()[0]
    conn.close()
    connect_and_count(set_prop(off, "OAuthAccessToken", access), sb, service)
    assert counters.since() == collections.Counter(refresh_token=1)


def test_initiate_oauth_off_without_a_token_says_how_to_get_one(sandbox):
    service = "helpscout"
    conn = connect(sandbox.oauth_string(service, InitiateOAuth="OFF"))
    with pytest.raises(pyodbc.Error) as ei:
        assert_rows(conn, sandbox, service)
    conn.close()
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    assert "OAuthAccessToken" in message and "GetOAuthAuthorizationURL" in message, message


# ---------------------------------------------------------------------------------------------
# Client credentials and the password grant


@pytest.mark.parametrize("service", CLIENT_CREDENTIALS)
def test_client_credentials(expiring_sandbox, service, tmp_path):
    sb = expiring_sandbox
    store = "memory://cc-" + tmp_path.name
    cs = sb.oauth_string(service, "OAUTH_CLIENT", OAuthSettingsLocation=store)
    counters = OAuthCounters(sb)
    first = connect(cs)
    assert_rows(first, sb, service)
    assert counters.since() == collections.Counter(client_credentials=1)
    # REFRESH works as well (no browser is involved), with the token the store already has.
    second = connect(set_prop(cs, "InitiateOAuth", "REFRESH"))
    assert_rows(second, sb, service)
    assert counters.since() == collections.Counter(client_credentials=1)

    # Past expiry: a new token by the same grant (there is no refresh token), once.
    sleep_past_expiry()
    assert_rows(first, sb, service)
    assert_rows(second, sb, service)
    first.close()
    second.close()
    assert counters.since() == collections.Counter(client_credentials=2)


@pytest.mark.parametrize("scheme", ["OAUTH", "OAUTH_PASSWORD"])
def test_password_grant_leaddesk(expiring_sandbox, scheme, tmp_path):
    sb = expiring_sandbox
    service = "leaddesk"
    cs = sb.oauth_string(service,
        "OAUTH_PASSWORD",
        AuthScheme=scheme,
        OAuthSettingsLocation=tmp_path / "leaddesk.oauth",
    )
    counters = OAuthCounters(sb)
    conn = connect(cs)
    assert_rows(conn, sb, service)
    assert counters.since() == collections.Counter(password=1)
    creds = credentials(sb, service)
    assert_settings_file_safe(
        tmp_path / "leaddesk.oauth", [creds["password"], creds["client_secret"]]
    )

    # Past expiry: one token request (a refresh, or the password grant again), and no error.
    sleep_past_expiry()
    assert_rows(conn, sb, service)
    conn.close()
    got = counters.since()
    assert got["password"] + got["refresh_token"] == 2 and got["invalid_grant"] == 0, got


def test_password_grant_errors_name_the_missing_login_and_hide_the_password(sandbox):
    service = "leaddesk"
    creds = credentials(sandbox, service)
    cs = sandbox.oauth_string(service, "OAUTH_PASSWORD", OAuthSettingsLocation="memory://pw-err")
    with pytest.raises(pyodbc.Error) as ei:
        connect(set_prop(set_prop(cs, "User", None), "Password", None))
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    assert "needs User and Password" in message, message

    wrong = "wrong-password-0123456789"
    counters = OAuthCounters(sandbox)
    with pytest.raises(pyodbc.Error) as ei:
        connect(set_prop(set_prop(cs, "Password", wrong), "OAuthSettingsLocation", "memory://pw2"))
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    assert not leaked(message, [wrong, creds["password"], creds["client_secret"]])
    assert counters.since() == collections.Counter(invalid_grant=1)


# ---------------------------------------------------------------------------------------------
# Damaged settings files


def _flip_a_ciphertext_byte(data):
    i = len(data) - 20  # inside the ciphertext, before the authentication tag's end
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]


# How the file is spoiled, and the messages of docs/oauth.md that may describe it (a file cut
# inside its ciphertext fails authentication like an edited one).
DAMAGE = {
    "tampered": (_flip_a_ciphertext_byte, ("was changed after apiodbc wrote it",)),
    "truncated": (
        lambda data: data[: len(data) // 2],
        ("is truncated or damaged", "was changed after apiodbc wrote it"),
    ),
    "truncated-header": (lambda data: data[:12], ("is truncated or damaged",)),
    "foreign": (
        lambda data: b"[Settings]\ntoken=hello\n",
        ("is not an apiodbc OAuth settings file",),
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_settings_file_gives_a_clear_error_and_is_kept(
    sandbox, damage, tmp_path, monkeypatch
):
    service = "helpscout"
    settings = tmp_path / "OAuthSettings.txt"
    web_flow(sandbox, service, settings)
    spoil, expected = DAMAGE[damage]
    settings.write_bytes(spoil(settings.read_bytes()))
    damaged = settings.read_bytes()
    counters = OAuthCounters(sandbox)

    refresh = sandbox.oauth_string(service, InitiateOAuth="REFRESH", OAuthSettingsLocation=settings
    )
    with pytest.raises(pyodbc.Error) as ei:
        connect(refresh)
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000", message
    assert any(e in message for e in expected) and str(settings) in message, message
    assert "delete it and authorize again" in message, message
    assert settings.read_bytes() == damaged

    # Even GETANDREFRESH with a browser at hand does not authorize over the damaged file.
    command, record = browser_command(tmp_path, SCRIPTED_BROWSER, "browser")
    monkeypatch.setenv("BROWSER", command)
    with pytest.raises(pyodbc.Error) as ei:
        connect(set_prop(refresh, "InitiateOAuth", "GETANDREFRESH"))
    sqlstate, message = odbc_error(ei)
    assert sqlstate == "28000" and any(e in message for e in expected), message
    assert settings.read_bytes() == damaged
    assert not record.exists()
    assert counters.since() == collections.Counter()


# ---------------------------------------------------------------------------------------------
# The Verbosity=5 log


def test_no_secret_in_the_verbosity_5_log(sandbox, tmp_path, monkeypatch):
    """Every flow once with Logfile and Verbosity=5, the token endpoints behind a recording proxy
    so that every token, code, verifier and secret that crossed them (rotated ones included) is
    searched for in the log. The driver's log sink is process-wide and stays open, so later
    lines may be added; what this test's flows wrote is in it either way."""
    log = tmp_path / "apiodbc.log"
    proxy = TokenProxy(sandbox.url)
    secrets = []

    def through_proxy(cs):
        token_url = prop(cs, "OAuthAccessTokenURL")
        proxied = token_url.replace(sandbox.url, proxy.url)
        cs = set_prop(cs, "OAuthAccessTokenURL", proxied)
        if prop(cs, "OAuthRefreshTokenURL"):
            cs = set_prop(cs, "OAuthRefreshTokenURL", proxied)
        return set_prop(set_prop(cs, "Logfile", log), "Verbosity", "5")

    try:
        for service in sandbox.manifest["services"]:
            creds = credentials(sandbox, service)
            secrets += [v for k, v in creds.items() if k != "client_id" and k != "username"]

        # The web flow (Keap: body credentials for the code, Basic and rotation for the refresh),
        # the code as a named literal in the SQL text (statements are logged), the refresh token
        # bound. Positional literals: test_no_secret_in_the_log_from_positional_literals.
        settings = tmp_path / "keap.oauth"
        off = through_proxy(
            sandbox.oauth_string("keap", InitiateOAuth="OFF", OAuthSettingsLocation=settings)
        )
        conn = connect(off)
        cur = conn.cursor()
        url, state, pkce = cur.execute("EXEC GetOAuthAuthorizationURL").fetchone()
        code, _ = authorize(url)
        access, refresh, _ = cur.execute(
            f"EXEC GetOAuthAccessToken AuthMode='WEB', Verifier='{code}'"
        ).fetchone()
        rotated = cur.execute("{call RefreshOAuthAccessToken(?)}", refresh).fetchone()
        conn.close()
        secrets += [code, pkce, access, refresh, *rotated[:2]]
        connect_and_count(set_prop(off, "InitiateOAuth", "REFRESH"), sandbox, "keap")

        # Headless option 1b with the code and verifier in the string.
        conn = connect(through_proxy(sandbox.oauth_string("pipedrive", InitiateOAuth="OFF")))
        url, _, pkce = conn.cursor().execute("EXEC GetOAuthAuthorizationURL").fetchone()
        conn.close()
        code, _ = authorize(url)
        secrets += [code, pkce]
        connect_and_count(
            through_proxy(
                sandbox.oauth_string("pipedrive",
                    InitiateOAuth="REFRESH",
                    OAuthSettingsLocation=tmp_path / "pipedrive.oauth",
                    OAuthVerifier=code,
                    PKCEVerifier=pkce,
                )
            ),
            sandbox,
            "pipedrive",
        )

        # The desktop flow (the browser's redirect carries the code through the listener).
        command, record = browser_command(tmp_path, SCRIPTED_BROWSER, "browser")
        monkeypatch.setenv("BROWSER", command)
        connect_and_count(
            through_proxy(
                sandbox.oauth_string("talkdesk", OAuthSettingsLocation=tmp_path / "td.oauth")
            ),
            sandbox,
            "talkdesk",
        )
        (seen,) = launches(record, 1)
        secrets.append(query_of(seen["final_url"])["code"])
        monkeypatch.delenv("BROWSER")

        # Client credentials, the password grant, and a refused refresh token.
        connect_and_count(
            through_proxy(
                sandbox.oauth_string("helpscout", "OAUTH_CLIENT", OAuthSettingsLocation="memory://log-cc"
                )
            ),
            sandbox,
            "helpscout",
        )
        connect_and_count(
            through_proxy(
                sandbox.oauth_string("leaddesk", "OAUTH_PASSWORD", OAuthSettingsLocation="memory://log-pw"
                )
            ),
            sandbox,
            "leaddesk",
        )
        bogus = "dead-refresh-token-for-the-log-42"
        secrets.append(bogus)
        with pytest.raises(pyodbc.Error):
            connect(
                through_proxy(
                    sandbox.oauth_string("helpscout",
                        InitiateOAuth="REFRESH",
                        OAuthSettingsLocation=tmp_path / "dead.oauth",
                        OAuthRefreshToken=bogus,
                    )
                )
            )
    finally:
        proxy.stop()

    text = log.read_text(errors="replace")
    # Not vacuous: the log is there, and shows each token request's grant type.
    for grant in ("authorization_code", "refresh_token", "client_credentials", "password"):
        assert grant in text, f"the Verbosity=5 log never mentions {grant}"
    all_secrets = sorted(set(secrets) | set(proxy.secrets()))
    assert len(all_secrets) >= 15
    assert not leaked(text, all_secrets)


def test_no_secret_in_the_log_from_positional_literals(sandbox, tmp_path):
    """docs/oauth.md's own forms `CALL GetOAuthAccessToken('WEB', '<code>')` and
    `{call RefreshOAuthAccessToken('<refresh token>')}`, at Verbosity=5."""
    log = tmp_path / "apiodbc.log"
    service = "helpscout"
    off = sandbox.oauth_string(service,
        InitiateOAuth="OFF",
        OAuthSettingsLocation=tmp_path / "s.oauth",
        Logfile=log,
        Verbosity="5",
    )
    conn = connect(off)
    cur = conn.cursor()
    url, _, pkce = cur.execute("EXEC GetOAuthAuthorizationURL").fetchone()
    code, _ = authorize(url)
    access, refresh, _ = cur.execute(f"CALL GetOAuthAccessToken('WEB', '{code}')").fetchone()
    new_access = cur.execute(f"{{call RefreshOAuthAccessToken('{refresh}')}}").fetchone()[0]
    conn.close()
    text = log.read_text(errors="replace")
    assert "GetOAuthAccessToken" in text and "RefreshOAuthAccessToken" in text
    assert not leaked(text, [code, pkce, access, refresh, new_access])

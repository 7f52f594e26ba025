"""The OAuth client's defences as a pyodbc user meets them, against apiodbc-sandbox.

- Mix-up (RFC 9700 §4.4, RFC 9207): without a CallbackURL the desktop flow listens on the
  profile's own path; an authorization response whose `iss` names another server is refused and
  its code never reaches a token endpoint.
- A pasted redirect URL works as GetOAuthAccessToken's Verifier and as OAuthVerifier, and its
  `state` is checked before the code is used.
- OAuthBrowserTimeout bounds the wait for the browser; an IPv6 loopback CallbackURL works.
- OAuthSettingsPassphrase encrypts the settings file of an application without a client secret,
  and is masked like every secret.

Run by `cargo xtask test` (step pytest). By hand, after `cargo build --workspace` and
`cargo xtask test --only odbc-env`:

    ODBCSYSINI=target/odbc-test target/venv/bin/python -m pytest \
        tests/clients/python/test_oauth_defences.py

What the server saw is read from the sandbox's `/_sandbox/stats` counters, never from the driver.
"""

import os
import socket
import stat
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request

import pyodbc
import pytest

from sandbox_proc import DRIVER, Sandbox, redirect_location, sandbox_binary

SERVICE = "pipedrive"
TABLE = "persons"
HTTP_TIMEOUT = 30


@pytest.fixture(scope="module")
def sandbox():
    binary = sandbox_binary()
    if binary is None:
        pytest.skip("no apiodbc-sandbox binary (set APIODBC_SANDBOX_BIN or build the workspace)")
    # Long-lived tokens: nothing here is about refreshing.
    sb = Sandbox.start(binary, "--auto-approve", "--token-lifetime", "3600")
    yield sb
    sb.stop()


def issued_codes(sb):
    return sb.oauth_stats()["issued"].get("authorization_code", 0)


def sqlstate(exc):
    return exc.args[0] if exc.args else ""


def write_browser(tmp_path, body):
    """An executable $BROWSER: the venv's python running `body` with the URL as sys.argv[1]."""
    script = tmp_path / "browser.py"
    script.write_text(textwrap.dedent(body))
    launcher = tmp_path / "browser.sh"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" "$1"\n')
    launcher.chmod(0o700)
    return str(launcher)


# Follows the authorization URL to the sandbox's redirect, records both, then delivers the
# redirect to the loopback listener (with `iss` added when ISS is set), as a browser would.
BROWSER_BODY = """
    import sys, urllib.error, urllib.parse, urllib.request
    url = sys.argv[1]
    open({record!r}, "w").write(url)

    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(Stop).open(url, timeout=30)
        sys.exit("the authorization URL did not redirect")
    except urllib.error.HTTPError as e:
        location = e.headers["Location"]
    iss = {iss!r}
    if iss:
        location += "&iss=" + urllib.parse.quote(iss, safe="")
    try:
        urllib.request.urlopen(location, timeout=30).read()
    except urllib.error.HTTPError:
        pass
"""


def browser(tmp_path, iss=None):
    record = tmp_path / "opened-url.txt"
    return write_browser(tmp_path, BROWSER_BODY.format(record=str(record), iss=iss)), record


@pytest.fixture
def browser_env(monkeypatch):
    """Sets $BROWSER for the driver, which reads it from this process at connect time."""

    def use(command):
        monkeypatch.setenv("BROWSER", command)

    return use


def count(conn):
    return conn.cursor().execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0]


def expected_count(sb):
    return len(sb.data(SERVICE, TABLE))


def test_desktop_flow_listens_on_the_profiles_own_path(sandbox, tmp_path, browser_env):
    command, record = browser(tmp_path)
    browser_env(command)
    cs = sandbox.oauth_string(SERVICE, CallbackURL=None, OAuthSettingsLocation=str(tmp_path / "tokens.txt"),
    )
    with pyodbc.connect(cs, autocommit=True, timeout=HTTP_TIMEOUT) as conn:
        assert count(conn) == expected_count(sandbox)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(record.read_text()).query)
    redirect = urllib.parse.urlsplit(query["redirect_uri"][0])
    assert (redirect.scheme, redirect.hostname, redirect.path) == (
        "http",
        "127.0.0.1",
        f"/{SERVICE}/callback",
    )
    assert redirect.port


def test_a_response_naming_another_issuer_is_refused_unexchanged(sandbox, tmp_path, browser_env):
    command, _ = browser(tmp_path, iss="https://evil.example")
    browser_env(command)
    before = issued_codes(sandbox)
    settings = tmp_path / "tokens.txt"
    cs = sandbox.oauth_string(SERVICE, CallbackURL=None, OAuthSettingsLocation=str(settings))
    with pytest.raises(pyodbc.Error) as err:
        pyodbc.connect(cs, autocommit=True, timeout=HTTP_TIMEOUT)
    message = str(err.value)
    assert sqlstate(err.value) == "28000", message
    assert "mix-up" in message and "https://evil.example" in message, message
    assert sandbox.url in message, message  # the server the user was really sent to
    assert issued_codes(sandbox) == before, "the code was exchanged"
    assert not settings.exists()


def test_a_response_naming_the_right_issuer_is_accepted(sandbox, tmp_path, browser_env):
    # The sandbox publishes no issuer, so the one to expect is its authorization URL's origin.
    command, _ = browser(tmp_path, iss=sandbox.url + "/")
    browser_env(command)
    cs = sandbox.oauth_string(SERVICE, CallbackURL=None, OAuthSettingsLocation=str(tmp_path / "tokens.txt"),
    )
    with pyodbc.connect(cs, autocommit=True, timeout=HTTP_TIMEOUT) as conn:
        assert count(conn) == expected_count(sandbox)


def test_browser_timeout_is_a_property(sandbox, tmp_path, browser_env):
    browser_env("true")  # a browser that never comes back
    before = issued_codes(sandbox)
    cs = sandbox.oauth_string(SERVICE, CallbackURL=None, OAuthSettingsLocation=str(tmp_path / "tokens.txt"),
        OAuthBrowserTimeout="1",
    )
    with pytest.raises(pyodbc.Error) as err:
        pyodbc.connect(cs, autocommit=True, timeout=HTTP_TIMEOUT)
    assert sqlstate(err.value) == "28000"
    assert "within 1 s" in str(err.value) and "OAuthBrowserTimeout" in str(err.value)
    assert issued_codes(sandbox) == before


def test_browser_timeout_rejects_nonsense():
    with pytest.raises(pyodbc.Error) as err:
        pyodbc.connect(f"DRIVER={DRIVER};OAuthBrowserTimeout=0", timeout=HTTP_TIMEOUT)
    assert sqlstate(err.value) == "08001"
    assert "OAuthBrowserTimeout" in str(err.value) and "1 to 86400" in str(err.value)


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not has_ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_desktop_flow_on_an_ipv6_loopback_callback(sandbox, tmp_path, browser_env):
    command, record = browser(tmp_path)
    browser_env(command)
    cs = sandbox.oauth_string(SERVICE, CallbackURL="http://[::1]/callback",
        OAuthSettingsLocation=str(tmp_path / "tokens.txt"),
    )
    with pyodbc.connect(cs, autocommit=True, timeout=HTTP_TIMEOUT) as conn:
        assert count(conn) == expected_count(sandbox)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(record.read_text()).query)
    assert urllib.parse.urlsplit(query["redirect_uri"][0]).hostname == "::1"


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As the driver binds (tokio sets SO_REUSEADDR): a port left in TIME_WAIT by an earlier
        # flow is free for it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


@pytest.mark.skipif(not has_ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_localhost_callback_is_answered_on_ipv6_too(sandbox, tmp_path, browser_env):
    # The commercial driver's docs register http://localhost:33333; a browser may resolve
    # `localhost` to ::1, so the listener must answer there as well as on 127.0.0.1.
    if not port_is_free(33333):
        pytest.skip("port 33333 is taken on this machine")
    body = BROWSER_BODY.replace(
        "    iss = {iss!r}", '    location = location.replace("//localhost:", "//[::1]:", 1)\n    iss = {iss!r}'
    )
    command = write_browser(tmp_path, body.format(record=str(tmp_path / "url.txt"), iss=None))
    browser_env(command)
    cs = sandbox.oauth_string(SERVICE, CallbackURL="http://localhost:33333/callback",
        OAuthSettingsLocation=str(tmp_path / "tokens.txt"),
        OAuthBrowserTimeout="30",  # without the IPv6 listener, fail in 30 s rather than 120
    )
    before = issued_codes(sandbox)
    with pyodbc.connect(cs, autocommit=True, timeout=HTTP_TIMEOUT) as conn:
        assert count(conn) == expected_count(sandbox)
    assert issued_codes(sandbox) == before + 1


def redirect_of(url):
    """The sandbox's redirect after (auto-)approval: the address a user would copy."""
    status, location, _ = redirect_location(url)
    assert status == 302 and location, f"{url} did not redirect"
    return location


def web_connection(sb, settings, **extra):
    return pyodbc.connect(
        sb.oauth_string(SERVICE, InitiateOAuth="OFF", OAuthSettingsLocation=str(settings), **extra),
        autocommit=True,
        timeout=HTTP_TIMEOUT,
    )


def test_pasted_redirect_url_is_a_verifier_with_its_state_checked(sandbox, tmp_path):
    settings = tmp_path / "tokens.txt"
    with web_connection(sandbox, settings) as conn:
        cur = conn.cursor()
        url, state, _ = cur.execute("{call GetOAuthAuthorizationURL}").fetchone()
        pasted = redirect_of(url)
        assert f"state={urllib.parse.quote(state, safe='')}" in pasted or state in pasted

        before = issued_codes(sandbox)
        forged = pasted.replace("state=", "state=x", 1)
        with pytest.raises(pyodbc.Error) as err:
            cur.execute("EXEC GetOAuthAccessToken AuthMode='WEB', Verifier=?", forged).fetchall()
        assert sqlstate(err.value) == "28000"
        assert "state" in str(err.value)
        assert issued_codes(sandbox) == before, "a code with a foreign state was exchanged"

        access, refresh, expires_in = cur.execute(
            "EXEC GetOAuthAccessToken AuthMode='WEB', Verifier=?", pasted
        ).fetchone()
        assert access and refresh and int(expires_in) > 0
        assert issued_codes(sandbox) == before + 1


def test_headless_option_1_with_the_copied_address(sandbox, tmp_path):
    settings = tmp_path / "tokens.txt"
    with web_connection(sandbox, settings) as conn:
        url = conn.cursor().execute("EXEC GetOAuthAuthorizationURL").fetchone()[0]
    pasted = redirect_of(url)
    cs = sandbox.oauth_string(SERVICE, InitiateOAuth="REFRESH",
        OAuthSettingsLocation=str(settings),
        OAuthVerifier="{" + pasted + "}",
    )
    with pyodbc.connect(cs, autocommit=True, timeout=HTTP_TIMEOUT) as conn:
        assert count(conn) == expected_count(sandbox)
    # Later connections need no verifier: the tokens are in the file.
    cs = sandbox.oauth_string(SERVICE, InitiateOAuth="REFRESH", OAuthSettingsLocation=str(settings))
    with pyodbc.connect(cs, autocommit=True, timeout=HTTP_TIMEOUT) as conn:
        assert count(conn) == expected_count(sandbox)


PASSPHRASE = "correct horse battery staple"


def public_client(sb, settings, passphrase=None, logfile=None):
    """A connection of an application without a client secret (InitiateOAuth=OFF)."""
    extra = {"OAuthSettingsLocation": str(settings)}
    if passphrase is not None:
        extra["OAuthSettingsPassphrase"] = passphrase
    if logfile is not None:
        extra.update(Logfile=str(logfile), Verbosity="5")
    return pyodbc.connect(
        sb.oauth_string(SERVICE, OAuthClientSecret=None, InitiateOAuth="OFF", **extra),
        autocommit=True,
        timeout=HTTP_TIMEOUT,
    )


def test_passphrase_encrypts_a_public_clients_settings_file(sandbox, tmp_path):
    settings = tmp_path / "tokens.txt"
    log = tmp_path / "driver.log"
    with public_client(sandbox, settings, PASSPHRASE, logfile=log) as conn:
        cur = conn.cursor()
        _, state, verifier = cur.execute("EXEC GetOAuthAuthorizationURL").fetchone()
        props = dict(
            cur.execute('SELECT "Name", "Value" FROM sys.sys_connection_props').fetchall()
        )
    assert props["OAuthSettingsPassphrase"] == "********"
    body = settings.read_bytes()
    assert stat.S_IMODE(os.stat(settings).st_mode) == 0o600
    for secret in (state, verifier, PASSPHRASE):
        assert secret.encode() not in body
        assert secret not in log.read_text(errors="replace")

    # The right passphrase reads the file back: the pending state is found and checked.
    with public_client(sandbox, settings, PASSPHRASE) as conn:
        with pytest.raises(pyodbc.Error) as err:
            conn.cursor().execute(
                "EXEC GetOAuthAccessToken AuthMode='WEB', Verifier=?",
                "http://127.0.0.1/callback?code=c&state=not-the-pending-one",
            ).fetchall()
    assert sqlstate(err.value) == "28000" and "state" in str(err.value), str(err.value)

    for wrong in ("another passphrase", None):
        with public_client(sandbox, settings, wrong) as conn:
            with pytest.raises(pyodbc.Error) as err:
                conn.cursor().execute(
                    "EXEC GetOAuthAccessToken AuthMode='WEB', Verifier='unused'"
                ).fetchall()
        assert sqlstate(err.value) == "28000", str(err.value)
        assert str(settings) in str(err.value)
        assert "passphrase" in str(err.value)
    assert settings.read_bytes() == body, "a file it could not read was overwritten"


def test_a_pasted_redirect_away_from_its_settings_file_needs_its_state(sandbox, tmp_path):
    with web_connection(sandbox, tmp_path / "desktop.txt") as desktop:
        url, state, pkce = desktop.cursor().execute("EXEC GetOAuthAuthorizationURL").fetchone()
    pasted = redirect_of(url)
    before = issued_codes(sandbox)
    # Another machine: no pending authorization to check the redirect's state against.
    with web_connection(sandbox, tmp_path / "server.txt") as server:
        cur = server.cursor()
        with pytest.raises(pyodbc.Error) as err:
            cur.execute(
                "EXEC GetOAuthAccessToken AuthMode='WEB', Verifier=?, PKCEVerifier=?", pasted, pkce
            ).fetchall()
        assert sqlstate(err.value) == "28000" and "pass the State" in str(err.value)
        assert issued_codes(sandbox) == before
        access, _, _ = cur.execute(
            "EXEC GetOAuthAccessToken AuthMode='WEB', Verifier=?, State=?, PKCEVerifier=?",
            pasted,
            state,
            pkce,
        ).fetchone()
        assert access
    assert issued_codes(sandbox) == before + 1

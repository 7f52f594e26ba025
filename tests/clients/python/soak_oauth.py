"""OAuth soak: 8 processes share one encrypted settings file while access tokens live 2 s.

Run by `cargo xtask test` (step oauth-soak). Not a pytest file (its name does not start with
`test_`): it is a standalone script that prints a PASS/FAIL summary and exits non-zero on failure.
By hand, after `cargo build --workspace` and `cargo xtask test --only odbc-env`:

    ODBCSYSINI=target/odbc-test target/venv/bin/python tests/clients/python/soak_oauth.py

Environment:
    APIODBC_SANDBOX_BIN   the sandbox binary (default target/debug/apiodbc-sandbox)
    APIODBC_SOAK_SECONDS  how long the workers run (default 60)
    APIODBC_SOAK_WORKERS  how many worker processes (default 8)
    APIODBC_DRIVER        the DRIVER= value (default {apiodbc})

What it proves (issue 4, "must hold"):
  1. One Keap token family is obtained through the web procedures (GetOAuthAuthorizationURL, the
     sandbox's auto-approving authorize endpoint, GetOAuthAccessToken AuthMode=WEB) into one
     settings file.
  2. N worker processes open connections with InitiateOAuth=REFRESH on that file for the soak
     period, each running SELECT COUNT(*) FROM contacts. Keap rotates its refresh token on every
     refresh and revokes the whole family when a rotated one is replayed, so any double refresh
     or replay shows up as refresh_reuse_detected / invalid_grant and as failed queries.
  3. No query failed; the sandbox saw no reuse and no invalid_grant; at most one refresh per
     token lifetime (refresh grants <= elapsed / lifetime + 2).
  4. The settings file is mode 0600 and holds none of the tokens, codes, PKCE verifiers or the
     client secret in plain text (every one of them is recorded by a small proxy in front of the
     token endpoint, so the check covers the rotated tokens too).
  5. A connection with Logfile and Verbosity=5 that refreshes writes none of those strings to its
     log.

Workers are separate processes started with subprocess (never fork: the driver runs a tokio
runtime whose threads a forked child would not have).
"""

import http.client
import http.server
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DRIVER = os.environ.get("APIODBC_DRIVER", "{apiodbc}")
LIFETIME = 2
HTTP_TIMEOUT = 30
SERVICE = "keap"
TABLE = "contacts"


# ---------------------------------------------------------------------------------------------
# Worker process


def worker_main(connstr, deadline, out_path):
    """Connect, count, close until `deadline` (epoch seconds); write a JSON tally to out_path."""
    import pyodbc

    ok = 0
    errors = []
    while time.time() < deadline:
        try:
            conn = pyodbc.connect(connstr, autocommit=True, timeout=HTTP_TIMEOUT)
            try:
                row = conn.cursor().execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()
                if row is None or int(row[0]) <= 0:
                    raise RuntimeError(f"SELECT COUNT(*) FROM {TABLE} gave {row!r}")
            finally:
                conn.close()
            ok += 1
        except Exception as e:  # noqa: BLE001 - every failure is a soak failure, recorded
            errors.append(f"{type(e).__name__}: {e}")
    Path(out_path).write_text(json.dumps({"ok": ok, "errors": errors}))


# ---------------------------------------------------------------------------------------------
# The sandbox


class Sandbox:
    def __init__(self, binary):
        args = [str(binary), "--listen", "127.0.0.1:0", "--records", "60", "--seed", "7"]
        args += ["--token-lifetime", str(LIFETIME), "--auto-approve"]
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        line = self.proc.stdout.readline().decode("utf-8", "replace")
        m = re.search(r"listening on (http://\S+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"{binary} printed {line!r} instead of `listening on http://...`")
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.url = m.group(1).rstrip("/")

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=HTTP_TIMEOUT) as resp:
            return json.load(resp)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------------------------------------
# A recording proxy in front of the token endpoint: every secret that crosses it is remembered,
# so the settings file and the log can be searched for all of them, rotated tokens included.


class TokenProxy:
    def __init__(self, upstream):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.seen = set()
        self.lock = threading.Lock()
        self.requests = 0
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
                path = self.path
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                proxy.record(body, data)
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def record(self, request_body, response_body):
        found = []
        try:
            form = urllib.parse.parse_qs(request_body.decode("utf-8", "replace"))
        except ValueError:
            form = {}
        for key in ("code", "code_verifier", "refresh_token", "client_secret", "password"):
            found += form.get(key, [])
        try:
            doc = json.loads(response_body)
        except ValueError:
            doc = {}
        if isinstance(doc, dict):
            for key in ("access_token", "refresh_token"):
                if isinstance(doc.get(key), str):
                    found.append(doc[key])
        with self.lock:
            self.requests += 1
            self.seen.update(s for s in found if len(s) >= 8)

    def add(self, *secrets):
        with self.lock:
            self.seen.update(s for s in secrets if s and len(s) >= 8)

    def secrets(self):
        with self.lock:
            return sorted(self.seen)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------------------------------------
# The soak


class Checks:
    def __init__(self):
        self.results = []

    def check(self, name, ok, detail=""):
        self.results.append((name, bool(ok), detail))
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        return ok

    @property
    def failed(self):
        return [r for r in self.results if not r[1]]


def set_prop(connstr, key, value):
    """`connstr` with property `key` set to `value` (replaced where present, else appended)."""
    parts = [p for p in connstr.split(";") if p and p.split("=", 1)[0].strip().lower() != key.lower()]
    parts.append(f"{key}={value}")
    return ";".join(parts)


def authorize(url):
    """GETs the authorization URL without following its redirect; the `code` of its Location."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=HTTP_TIMEOUT)
    conn.request("GET", u.path + ("?" + u.query if u.query else ""))
    resp = conn.getresponse()
    resp.read()
    location = resp.getheader("Location") or ""
    conn.close()
    if resp.status not in (301, 302, 303, 307, 308) or not location:
        raise RuntimeError(f"the authorize endpoint answered {resp.status}, not a redirect")
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    if "code" not in params:
        raise RuntimeError(f"the redirect carries no code (error={params.get('error')})")
    return params["code"][0]


def web_flow(pyodbc, base, settings, proxy):
    """GetOAuthAuthorizationURL → authorize → GetOAuthAccessToken AuthMode=WEB into `settings`."""
    cs = set_prop(base, "InitiateOAuth", "OFF")
    cs = set_prop(cs, "OAuthSettingsLocation", str(settings))
    conn = pyodbc.connect(cs, autocommit=True, timeout=HTTP_TIMEOUT)
    try:
        cur = conn.cursor()
        url, state, pkce = cur.execute("EXEC GetOAuthAuthorizationURL").fetchone()[:3]
        if "code_challenge_method=S256" not in url or "state=" not in url:
            raise RuntimeError("the authorization URL lacks PKCE S256 or state")
        code = authorize(url)
        proxy.add(code, pkce)
        row = cur.execute("EXEC GetOAuthAccessToken AuthMode='WEB', Verifier=?", code).fetchone()
        access, refresh, expires_in = row[0], row[1], row[2]
        proxy.add(access, refresh)
        if str(expires_in) != str(LIFETIME):
            raise RuntimeError(f"ExpiresIn is {expires_in!r}, expected {LIFETIME}")
        if not refresh:
            raise RuntimeError("GetOAuthAccessToken returned no refresh token")
    finally:
        conn.close()


def run_workers(connstr, seconds, count, tmp):
    deadline = time.time() + seconds
    env = dict(os.environ, APIODBC_SOAK_CONNSTR=connstr)
    procs = []
    for i in range(count):
        out = tmp / f"worker-{i}.json"
        procs.append(
            (
                out,
                subprocess.Popen(
                    [sys.executable, __file__, "--worker", str(deadline), str(out)],
                    env=env,
                    stdin=subprocess.DEVNULL,
                ),
            )
        )
    tallies = []
    for out, proc in procs:
        try:
            rc = proc.wait(timeout=seconds + 300)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
            tallies.append({"ok": 0, "errors": ["worker hung past the deadline + 300 s"]})
            continue
        if rc != 0 or not out.is_file():
            tallies.append({"ok": 0, "errors": [f"worker exited with {rc} and no tally"]})
            continue
        tallies.append(json.loads(out.read_text()))
    return tallies


def leaks(text, secrets):
    """The secrets (shortened) that occur in `text`."""
    return [s[:6] + "…" for s in secrets if s in text]


def main():
    import pyodbc

    seconds = float(os.environ.get("APIODBC_SOAK_SECONDS", "60"))
    workers = int(os.environ.get("APIODBC_SOAK_WORKERS", "8"))
    given = os.environ.get("APIODBC_SANDBOX_BIN")
    binary = Path(given) if given else REPO / "target" / "debug" / "apiodbc-sandbox"
    if not binary.is_file():
        print(f"FAIL: no sandbox binary at {binary} (cargo build --workspace builds it)")
        return 1

    checks = Checks()
    sandbox = Sandbox(binary)
    proxy = None
    tmp = None
    try:
        manifest = sandbox.get("/_sandbox/manifest")
        svc = manifest["services"][SERVICE]
        base = svc["connection_strings"]["OAUTH"]
        token_url = sandbox.url + "/keap/token"
        if token_url not in base:
            raise RuntimeError(f"the manifest's Keap OAUTH string does not use {token_url}")
        proxy = TokenProxy(sandbox.url)
        base = base.replace(token_url, proxy.url + "/keap/token")
        base = f"DRIVER={DRIVER};{base}"
        secret = re.search(r"OAuthClientSecret=([^;]+)", base).group(1)
        proxy.add(secret)

        tmp = Path(tempfile.mkdtemp(prefix="apiodbc-soak-"))
        settings = tmp / "OAuthSettings.txt"

        # 1. One token family in one settings file, through the web procedures.
        web_flow(pyodbc, base, settings, proxy)
        checks.check("web flow stored tokens", settings.is_file(), str(settings))
        refresh_cs = set_prop(base, "InitiateOAuth", "REFRESH")
        refresh_cs = set_prop(refresh_cs, "OAuthSettingsLocation", str(settings))

        # 2. Verbosity 5: one connection that has to refresh (the token is past its lifetime).
        time.sleep(LIFETIME + 1.2)
        before = sandbox.get("/_sandbox/stats")["oauth"]["issued"].get("refresh_token", 0)
        log = tmp / "verbosity5.log"
        conn = pyodbc.connect(
            set_prop(set_prop(refresh_cs, "Logfile", str(log)), "Verbosity", "5"),
            autocommit=True,
            timeout=HTTP_TIMEOUT,
        )
        conn.cursor().execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()
        conn.close()
        after = sandbox.get("/_sandbox/stats")["oauth"]["issued"].get("refresh_token", 0)
        checks.check("verbosity-5 connection refreshed", after > before, f"{before} → {after}")
        log_text = log.read_text(errors="replace") if log.is_file() else ""
        checks.check("verbosity-5 log written", len(log_text) > 0, f"{len(log_text)} bytes")

        # 3. The soak.
        start_stats = sandbox.get("/_sandbox/stats")["oauth"]
        start_refresh = start_stats["issued"].get("refresh_token", 0)
        print(f"soak: {workers} processes for {seconds:g} s, tokens live {LIFETIME} s", flush=True)
        t0 = time.monotonic()
        tallies = run_workers(refresh_cs, seconds, workers, tmp)
        elapsed = time.monotonic() - t0
        stats = sandbox.get("/_sandbox/stats")["oauth"]

        queries = sum(t["ok"] for t in tallies)
        errors = [e for t in tallies for e in t["errors"]]
        checks.check(
            "no failed query",
            not errors,
            f"{queries} queries, {len(errors)} failed"
            + (f"; first: {errors[0][:300]}" if errors else ""),
        )
        checks.check(
            "every worker queried",
            all(t["ok"] > 0 for t in tallies),
            ", ".join(str(t["ok"]) for t in tallies),
        )
        checks.check(
            "refresh_reuse_detected == 0",
            stats["refresh_reuse_detected"] == 0,
            str(stats["refresh_reuse_detected"]),
        )
        checks.check("invalid_grant == 0", stats["invalid_grant"] == 0, str(stats["invalid_grant"]))
        refreshes = stats["issued"].get("refresh_token", 0) - start_refresh
        bound = int(elapsed / LIFETIME) + 2
        checks.check(
            "at most one refresh per token lifetime",
            0 < refreshes <= bound,
            f"{refreshes} refreshes in {elapsed:.1f} s (bound {bound})",
        )

        # 4. The settings file at rest.
        mode = stat.S_IMODE(settings.stat().st_mode)
        checks.check("settings file mode 0600", mode == 0o600, oct(mode))
        secrets = proxy.secrets()
        blob = settings.read_bytes().decode("latin-1")
        found = leaks(blob, secrets)
        checks.check(
            "no token, code, verifier or secret in the settings file",
            not found,
            f"searched {len(secrets)} strings" + (f"; found {found}" if found else ""),
        )
        found = leaks(log_text, secrets)
        checks.check(
            "no token, code, verifier or secret in the Verbosity=5 log",
            not found,
            f"searched {len(secrets)} strings" + (f"; found {found}" if found else ""),
        )
    except Exception as e:  # noqa: BLE001 - a setup failure is a FAIL line, not a traceback
        checks.check("setup", False, f"{type(e).__name__}: {e}")
    finally:
        if proxy is not None:
            proxy.stop()
        sandbox.stop()

    failed = checks.failed
    passed = len(checks.results) - len(failed)
    if tmp is not None:
        if failed:
            print(f"kept for inspection: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if failed:
        print(f"OAUTH SOAK FAIL: {len(failed)} of {len(checks.results)} checks failed "
              f"({', '.join(f[0] for f in failed)})")
        return 1
    print(f"OAUTH SOAK PASS: all {passed} checks passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker_main(os.environ["APIODBC_SOAK_CONNSTR"], float(sys.argv[2]), sys.argv[3])
        sys.exit(0)
    sys.exit(main())

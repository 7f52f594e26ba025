"""apiodbc-sandbox for the pyodbc suites: started as a child process (or reached at a URL somebody
else runs), with its manifest, data and stats endpoints.

Shared by test_rest.py and test_oauth.py. Not a test file itself (its name does not start with
`test_`).
"""

import http.client
import json
import os
import re
import subprocess
import threading
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DRIVER = os.environ.get("APIODBC_DRIVER", "{apiodbc}")
HTTP_TIMEOUT = 30


class Sandbox:
    """One apiodbc-sandbox: a child process of ours, or one somebody else runs (url given)."""

    def __init__(self, url, proc=None):
        self.url = url.rstrip("/")
        self.proc = proc
        self._manifest = None

    @classmethod
    def start(cls, binary, *flags, records=60, seed=7):
        args = [str(binary), "--listen", "127.0.0.1:0", "--records", str(records)]
        args += ["--seed", str(seed), *flags]
        proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        line = proc.stdout.readline().decode("utf-8", "replace")
        m = re.search(r"listening on (http://\S+)", line)
        if not m:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"{binary} printed {line!r} instead of `listening on http://...`")
        # Keep draining stdout so a chatty sandbox never blocks on a full pipe.
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        return cls(m.group(1), proc)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=HTTP_TIMEOUT) as resp:
            return json.load(resp)

    @property
    def manifest(self):
        if self._manifest is None:
            self._manifest = self.get("/_sandbox/manifest")
        return self._manifest

    def data(self, service, table):
        return self.get(f"/_sandbox/data/{service}/{table}")

    def reset(self):
        req = urllib.request.Request(self.url + "/_sandbox/reset", method="POST", data=b"")
        urllib.request.urlopen(req, timeout=HTTP_TIMEOUT).read()

    def stats(self):
        """The API requests the sandbox answered: method, path, query, status."""
        return self.get("/_sandbox/stats")["requests"]

    def oauth_stats(self):
        """`{"issued": {"<grant type>": N}, "refresh_reuse_detected": N, "invalid_grant": N}`."""
        return self.get("/_sandbox/stats")["oauth"]

    def oauth_string(self, service, scheme="OAUTH", **props):
        """The manifest's connection string for `scheme`, with `props` set (None removes one)."""
        cs = f"DRIVER={DRIVER};" + self.manifest["services"][service]["connection_strings"][scheme]
        for key, value in props.items():
            cs = set_prop(cs, key, value)
        return cs

    def connstr(self, service, scheme=None):
        """The manifest's connection string for `scheme`, or else the first one that needs no
        OAuth flow (a token, an API key): these tests are about data, not about getting tokens."""
        strings = self.manifest["services"][service]["connection_strings"]
        if scheme:
            value = strings[scheme]
        else:
            static = [v for v in strings.values() if "initiateoauth=getandrefresh" not in v.lower()]
            value = (static or list(strings.values()))[0]
        return f"DRIVER={DRIVER};{value}"


def sandbox_binary():
    """APIODBC_SANDBOX_BIN, else the debug build's binary; None when neither is there."""
    given = os.environ.get("APIODBC_SANDBOX_BIN")
    path = Path(given) if given else REPO / "target" / "debug" / "apiodbc-sandbox"
    return path if path.is_file() else None


def set_prop(connstr, key, value):
    """`connstr` with property `key` set to `value` (replaced where present, else appended), or
    removed when `value` is None."""
    parts = [
        p for p in connstr.split(";") if p and p.split("=", 1)[0].strip().lower() != key.lower()
    ]
    if value is not None:
        parts.append(f"{key}={value}")
    return ";".join(parts)


def redirect_location(url):
    """GETs `url` without following its redirect, as the first hop of a browser would: the
    status, the Location header and the body."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=HTTP_TIMEOUT)
    try:
        conn.request("GET", u.path + ("?" + u.query if u.query else ""))
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, resp.getheader("Location") or "", body
    finally:
        conn.close()

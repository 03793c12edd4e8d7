"""The one way a device-signed request is read: :func:`device_signed`.

Every endpoint a phone signs for (a registration, a batch, a changes request, a push
subscription) wraps its view in ``@device_signed(type, schema)``, which in this order:

1. reads the body (core/http.py: size, gzip, JSON) and parses the envelope, once;
2. for a ``device-registration``: counts the address against ``rate_limit_register``,
   loads the message and checks it is signed by the key it registers; for every other
   type: looks the device up by ``signed.device_id``, checks the type and the signature
   and that the device is not revoked, then counts it against ``rate_limit_device`` and
   loads the message through ``schema``;
3. calls the view with a :class:`Signed`: the device, the loaded message and its digest.

The view never sees the envelope; nothing after it parses or checks the message again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import current_app
from marshmallow import Schema

from ..core import ratelimit
from ..core.http import load, parse_json, raw_body
from .devices import authenticate, envelope_parts, limit_device, read_registration
from .models import Device
from .service import message_hash

REGISTRATION = "device-registration"


@dataclass(frozen=True)
class Signed:
    """A device-signed request once every check passed."""

    #: The device that signed it (None for a registration: the device may be new).
    device: Device | None
    #: ``signed``, loaded through the endpoint's schema.
    message: dict
    #: sha256 (hex) of the canonical signed bytes: what a batch's receipt is stored under.
    digest: str


def read_signed(message_type: str, schema: Callable[[], Schema]) -> Signed:
    """Return the request's envelope of ``message_type`` checked and loaded (see the module).

    Raises the refusals of core/http.py and sync/devices.py, and ``rate-limited``.
    """
    if message_type == REGISTRATION:
        limit = current_app.config["XUEDIAN"].rate_limit_register
        ratelimit.hit("register-address", ratelimit.client_address(), limit)
        signed, signature = envelope_parts(parse_json(raw_body()))
        registration, message = read_registration(signed, signature, schema)
        return Signed(None, registration, message_hash(message))
    signed, signature = envelope_parts(parse_json(raw_body()))
    device, message = authenticate(signed, signature, message_type)
    limit_device(device)
    return Signed(device, load(schema(), signed), message_hash(message))


def device_signed(message_type: str, schema: Callable[[], Schema]):
    """Decorate a view that answers a device-signed ``message_type`` loaded by ``schema``:
    the view is called with a :class:`Signed` first, then the route's own arguments."""

    def decorate(view):
        @wraps(view)
        def endpoint(*args, **kwargs):
            return view(read_signed(message_type, schema), *args, **kwargs)

        return endpoint

    return decorate

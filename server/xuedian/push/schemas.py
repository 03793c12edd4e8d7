"""push's wire formats: the device-signed ``push-subscription`` messages a phone sends to
subscribe or unsubscribe, and an inbox message as the changes feed sends it
(docs/protocol.md)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.wirefields import Strict, Text, Timestamp, device_id_field

_B64URL = validate.Regexp(r"^[A-Za-z0-9_-]+=*\Z", error="Not base64url.")


class SubscriptionKeys(Schema):
    p256dh = Text(120, 80, required=True, validate=_B64URL)
    auth = Text(40, 16, required=True, validate=_B64URL)


class SubscriptionInfo(Schema):
    """The browser's ``PushSubscription.toJSON()`` (expirationTime and the like ignored)."""

    class Meta:
        unknown = "exclude"

    endpoint = Text(2000, 8, required=True)
    keys = fields.Nested(SubscriptionKeys, required=True)


class Subscribe(Strict):
    """``signed`` of a ``push-subscription`` envelope that subscribes."""

    type = Text(40, required=True, validate=validate.Equal("push-subscription"))
    device_id = device_id_field()
    created = Timestamp(required=True)
    subscription = fields.Nested(SubscriptionInfo, required=True)


class Unsubscribe(Strict):
    """``signed`` of a ``push-subscription`` envelope that unsubscribes (one endpoint, or
    every one of the device when none is named)."""

    type = Text(40, required=True, validate=validate.Equal("push-subscription"))
    device_id = device_id_field()
    created = Timestamp(required=True)
    endpoint = Text(2000, load_default=None)


class LocalizedText(Schema):
    zh_cn = fields.String(data_key="zh-CN", attribute="zh-CN")
    en = fields.String()


class InboxMessageItem(Schema):
    id = fields.Integer()
    created = fields.String()
    title = fields.Nested(LocalizedText)
    body = fields.Nested(LocalizedText)


def feed_fields() -> dict:
    """push's part of a changes-feed page (hook ``feed-fields``): the inbox."""
    return {"messages": fields.List(fields.Nested(InboxMessageItem))}

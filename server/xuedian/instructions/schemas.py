"""instructions' wire format: a remote instruction as the changes feed sends it to a phone
(docs/protocol.md)."""

from __future__ import annotations

from marshmallow import Schema, fields


class InstructionItem(Schema):
    """A remote instruction: ``resync``, or ``update-pack`` with pack, version?, by_date?."""

    id = fields.Integer()
    kind = fields.String()
    created = fields.String()
    pack = fields.String()
    version = fields.Integer(allow_none=True)
    by_date = fields.String(allow_none=True)


def feed_fields() -> dict:
    """instructions' part of a changes-feed page (hook ``feed-fields``)."""
    return {"instructions": fields.List(fields.Nested(InstructionItem))}

"""Staff forms go through marshmallow schemas, like the API's JSON bodies. A form's errors
are word keys (core/words.py) instead of English sentences, so a page shows them in its own
language, as the app does with the API's error codes. Owns no data.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load

from .wirefields import date_in_range, db_id


class FormSchema(Schema):
    """A posted HTML form: other fields (the CSRF token) are ignored, an empty field is a
    field not given, and the fields named in ``STRIP`` lose their surrounding spaces."""

    STRIP: tuple[str, ...] = ()

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _blank_is_missing(self, data, **_kwargs) -> dict:
        form = {k: v.strip() if k in self.STRIP else v for k, v in dict(data).items()}
        return {k: v for k, v in form.items() if v != ""}


class FormId(fields.Field):
    """A database id typed into or chosen in a form (``core.wirefields.db_id``)."""

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        found = db_id(value.strip()) if isinstance(value, str) else None
        if found is None:
            raise self.make_error("invalid")
        return found


class FormDay(fields.Field):
    """A ``YYYY-MM-DD`` date inside the wire range (``core.wirefields.date_in_range``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        found = date_in_range(value) if isinstance(value, str) else None
        if found is None:
            raise self.make_error("invalid")
        return found


class FormRefused(Exception):
    """A form refused before reaching a service; ``key`` is a word key, ``values`` fill it."""

    def __init__(self, key: str, **values) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def read_form(schema: Schema, form) -> dict:
    """``form`` loaded by ``schema``; its first error raised as a :class:`FormRefused`."""
    data, errors = load_form(schema, form)
    if errors:
        raise FormRefused(errors[0])
    return data


def word_errors(key: str) -> dict[str, str]:
    """``error_messages`` that name one word key whatever went wrong with the field."""
    return {"required": key, "invalid": key, "null": key, "validator_failed": key}


def load_form(schema: Schema, form) -> tuple[dict, list[str]]:
    """``(values, [])``, or ``(what loaded, the error word keys in order)``."""
    try:
        return schema.load(form.to_dict() if hasattr(form, "to_dict") else dict(form)), []
    except ValidationError as error:
        return error.valid_data or {}, _keys(error.messages)


def _keys(messages) -> list[str]:
    if isinstance(messages, dict):
        return [key for value in messages.values() for key in _keys(value)]
    if isinstance(messages, list):
        return [key for value in messages for key in _keys(value)]
    return [str(messages)]

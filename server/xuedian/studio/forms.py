"""The studio's staff forms (core/forms.py): a publisher, an author account, a pack's
details and a lesson with its quiz. Each loads to what pack.yaml or a lesson's front matter
holds; the packs' own source schemas (packs/schemas.py) then check it as the builder does.
Owns no data.
"""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from ..core.forms import FormId, FormSchema, word_errors
from ..org.models import PUBLISHER_KINDS
from ..packs.schemas import CATEGORIES, CHOICES, MAX_QUIZ_QUESTIONS, QuizQuestion

HERITAGE_LEVELS = ("national", "province", "city", "county")


def _text(key: str, most: int, required: bool = True) -> fields.String:
    kwargs = {"required": True} if required else {"load_default": ""}
    return fields.String(
        validate=validate.Length(max=most), error_messages=word_errors(key), **kwargs
    )


class PublisherForm(FormSchema):
    STRIP = ("code", "name", "name_en")
    code = fields.String(load_default="")
    name = fields.String(load_default="")
    name_en = fields.String(load_default="")
    kind = fields.String(
        required=True,
        validate=validate.OneOf(PUBLISHER_KINDS),
        error_messages=word_errors("err_choose"),
    )
    area_id = FormId(required=True, error_messages=word_errors("err_choose"))


class AuthorForm(FormSchema):
    STRIP = ("username",)
    username = fields.String(load_default="")
    password = fields.String(load_default="")
    publisher_id = FormId(required=True, error_messages=word_errors("err_choose"))


class PackForm(FormSchema):
    """A pack's details; loads to pack.yaml's fields (without id, version, date, publisher)."""

    STRIP = ("title_zh", "title_en", "license", "heritage_item", "heritage_bearer")
    title_zh = _text("studio.err_title", 120)
    title_en = _text("studio.err_title", 200)
    description_zh = _text("studio.err_description", 2000)
    description_en = _text("studio.err_description", 4000)
    category = fields.String(
        required=True, validate=validate.OneOf(CATEGORIES), error_messages=word_errors("err_choose")
    )
    credit_hours = fields.Float(
        required=True,
        validate=validate.Range(min=0, max=1000),
        error_messages=word_errors("studio.err_credit_hours"),
    )
    license = _text("studio.err_license", 100)
    authors = _text("studio.err_authors", 1000)
    heritage_item = _text("studio.err_heritage", 120, required=False)
    heritage_bearer = _text("studio.err_heritage", 120, required=False)
    heritage_region = _text("studio.err_heritage", 120, required=False)
    heritage_level = fields.String(
        load_default="",
        validate=validate.OneOf(("", *HERITAGE_LEVELS)),
        error_messages=word_errors("err_choose"),
    )


class NewPackForm(PackForm):
    STRIP = ("id", *PackForm.STRIP)
    id = fields.String(required=True, error_messages=word_errors("studio.err_pack_id"))
    publisher_id = FormId(load_default=None, error_messages=word_errors("err_choose"))


def pack_yaml(form: dict) -> dict:
    """pack.yaml's fields from a loaded :class:`PackForm`."""
    pack = {"id": form["id"]} if "id" in form else {}
    pack.update(
        {
            "title": {"zh-CN": form["title_zh"], "en": form["title_en"]},
            "description": {"zh-CN": form["description_zh"], "en": form["description_en"]},
            "category": form["category"],
            "credit_hours": form["credit_hours"],
            "license": form["license"],
            "authors": [a.strip() for a in form["authors"].splitlines() if a.strip()],
        }
    )
    heritage = {
        name: form[f"heritage_{name}"].strip()
        for name in ("item", "bearer", "region", "level")
        if form[f"heritage_{name}"].strip()
    }
    if heritage:
        pack["heritage"] = heritage
    return pack


class LessonForm(FormSchema):
    STRIP = ("title_zh", "title_en")
    title_zh = _text("studio.err_title", 120)
    title_en = _text("studio.err_title", 200)
    body = _text("studio.err_body", 100_000)
    body_en = _text("studio.err_body", 100_000, required=False)
    #: A recording in the draft's media/ to play instead of the synthesised narration.
    audio = fields.String(load_default="")


def quiz_from_form(form) -> tuple[list[dict], list[str]]:
    """The quiz questions typed into a lesson form (``q<n>_…`` fields; a question with
    an empty prompt is no question), checked by the builder's :class:`QuizQuestion`.
    Returns (questions, error word keys)."""
    questions, errors = [], []
    for n in range(MAX_QUIZ_QUESTIONS):
        prompt = {"zh-CN": form.get(f"q{n}_prompt_zh", ""), "en": form.get(f"q{n}_prompt_en", "")}
        if not any(v.strip() for v in prompt.values()):
            continue
        choices, kept = [], {}
        for c in range(CHOICES[1]):
            choice = {"zh-CN": form.get(f"q{n}_c{c}_zh", ""), "en": form.get(f"q{n}_c{c}_en", "")}
            if any(v.strip() for v in choice.values()):
                kept[str(c)] = len(choices)  # blank rows between choices close up
                choices.append(choice)
        question = {
            "prompt": prompt,
            "choices": choices,
            "answer": kept.get(form.get(f"q{n}_answer", ""), -1),
            "explanation": {
                "zh-CN": form.get(f"q{n}_explain_zh", ""),
                "en": form.get(f"q{n}_explain_en", ""),
            },
        }
        try:
            questions.append(QuizQuestion().load(question))
        except ValidationError:
            errors.append("studio.err_quiz")
    return questions, errors

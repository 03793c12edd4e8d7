"""The one word catalog of the server's pages: every word a staff page, a report, an
export header, the volunteer page or the kiosk's pages show, in zh-CN (the default,
``words_zh.py``) and English (``words_en.py``), one flat dict per language (the credits,
points, events, studio, kiosk relay and LRS words are in their own files,
``words_credits.py``, ``words_events.py``, ``words_points_*.py``, ``words_studio_*.py``,
``words_relay_*.py`` and ``words_lrs.py``, for length alone).

Everything reads it through :func:`translate` (templates: ``t(key, **values)``, or
``say(key, ...)`` on the pages that show both languages). A key means one thing and has one
wording wherever it appears; ``tests/server/core/test_words.py`` checks that both languages
hold every key with the same placeholders, and that every key the code and the templates
look up exists. Feature words are namespaced where a bare word would be ambiguous
(``jobs.``, ``ins.``, ``audit.``, ``reason.``, ``relay.``). The page language is
``?lang=en`` or ``?lang=zh-CN``, remembered in the session.
"""

from __future__ import annotations

from flask import has_request_context, request, session

from . import words_accounts, words_credits, words_events, words_lrs, words_province
from .words_en import WORDS as EN
from .words_points_en import WORDS as POINTS_EN
from .words_points_zh import WORDS as POINTS_ZH
from .words_relay_en import WORDS as RELAY_EN
from .words_relay_zh import WORDS as RELAY_ZH
from .words_studio_en import WORDS as STUDIO_EN
from .words_studio_zh import WORDS as STUDIO_ZH
from .words_zh import WORDS as ZH

LANGS = ("zh-CN", "en")
DEFAULT = "zh-CN"
# One catalog per language; the credits, points, studio, relay and province words live in
# their own files only to keep each file short.
WORDS: dict[str, dict[str, str]] = {
    "zh-CN": ZH
    | words_credits.ZH
    | words_accounts.ZH
    | words_events.ZH
    | POINTS_ZH
    | STUDIO_ZH
    | RELAY_ZH
    | words_province.ZH
    | words_lrs.ZH,
    "en": EN
    | words_credits.EN
    | words_accounts.EN
    | words_events.EN
    | POINTS_EN
    | STUDIO_EN
    | RELAY_EN
    | words_province.EN
    | words_lrs.EN,
}


def current_lang() -> str:
    """``?lang=`` if given, else the language remembered in the session, else zh-CN."""
    if not has_request_context():
        return DEFAULT
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    remembered = session.get("lang")
    return remembered if remembered in LANGS else DEFAULT


def translate(key: str, lang: str | None = None, **values) -> str:
    """The words of ``key`` in ``lang`` (default: the page's), with ``values`` filled in;
    a key missing in English falls back to Chinese, an unknown key shows itself."""
    words = WORDS[lang or current_lang()].get(key) or WORDS[DEFAULT].get(key, key)
    return words.format(**values) if values else words


def sentence(lines, lang: str | None = None) -> str:
    """``(key, values)`` pairs as one text in ``lang``, joined by spaces. A value given as
    ``{lang: text}`` is taken per language (a refusal's reason, :func:`refusal`)."""
    lang = lang or current_lang()

    def pick(values: dict) -> dict:
        return {n: v[lang] if isinstance(v, dict) else v for n, v in values.items()}

    return " ".join(translate(key, lang, **pick(values)) for key, values in lines)


def catalog(lang: str | None = None) -> dict[str, str]:
    """The whole catalog of one language, for code that indexes it (report tables)."""
    return WORDS[lang or current_lang()]


def refusal(code: str | None, message: str | None, lang: str) -> str:
    """Why a file was refused, in ``lang``: Chinese from the catalog (``reason.<code>``),
    English as the error's own message with its code (the most precise words we have)."""
    if lang == "en" and message:
        return f"{message} ({code})" if code else message
    key = f"reason.{code}"
    return translate(key if key in WORDS[lang] else "reason.fallback", lang)


def reasons(code: str | None, message: str | None) -> dict[str, str]:
    """:func:`refusal` in every language, for a page that shows both."""
    return {lang: refusal(code, message, lang) for lang in LANGS}


def size_text(size: int | None) -> str:
    """Return ``3.4 MB`` or ``180 KB``."""
    size = size or 0
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"

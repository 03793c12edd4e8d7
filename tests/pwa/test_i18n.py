"""The PWA's message catalogs are complete: every key has zh-CN and en text, every key the
source uses exists, and both languages fill in the same placeholders.

Parses pwa/src/lib/messages/{zh-CN,en}.js, {zh-CN,en}-errors.js and {zh-CN,en}-credits.js
(the `zh`/`zhErrors`/`zhCredits` and `en`/`enErrors`/`enCredits` object literals, which
lib/i18n.js joins) and every `t('key')`, `t("key")`, template `t(`prefix.${x}`)` and
literal `errorText('code')` in pwa/src. Error codes the server sends are checked in
tests/docs/test_docs.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "pwa" / "src"
MESSAGES = SRC / "lib" / "messages"
CATALOG_FILES = {
    "zh": {
        "zh": MESSAGES / "zh-CN.js",
        "zhErrors": MESSAGES / "zh-CN-errors.js",
        "zhCredits": MESSAGES / "zh-CN-credits.js",
    },
    "en": {
        "en": MESSAGES / "en.js",
        "enErrors": MESSAGES / "en-errors.js",
        "enCredits": MESSAGES / "en-credits.js",
    },
}

KEY_LINE = re.compile(r"""^\s*(['"])(?P<key>[^'"]+)\1\s*:\s*(?P<value>.*?),?\s*$""")
T_LITERAL = re.compile(r"""\bt\(\s*(['"])(?P<key>[^'"\n]+)\1\s*\)""")
T_TEMPLATE = re.compile(r"""\bt\(\s*`(?P<key>[^`\n]+)`\s*\)""")
ERROR_LITERAL = re.compile(r"""\berrorText\(\s*(['"])(?P<code>[a-z0-9-]+)\1""")
PLACEHOLDER = re.compile(r"\{[a-z]+\}")


def catalog(name: str) -> dict[str, str]:
    """The keys and raw values of one language's ``export const <part> = { ... };`` literals
    in its messages files."""
    entries: dict[str, str] = {}
    for part, path in CATALOG_FILES[name].items():
        text = path.read_text("utf-8")
        match = re.search(rf"^export const {part} = \{{\n(?P<body>.*?)^\}};", text, re.M | re.S)
        assert match, f"no `export const {part} = {{` catalog in {path}"
        for line in match.group("body").splitlines():
            if not line.strip() or line.strip().startswith("//"):
                continue
            found = KEY_LINE.match(line)
            assert found, f"cannot read catalog line (one 'key': 'text' per line): {line!r}"
            key = found.group("key")
            assert key not in entries, f"{name}: key {key!r} appears twice"
            entries[key] = found.group("value")
    return entries


def sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.js") if p.parent != MESSAGES)


ZH = catalog("zh")
EN = catalog("en")


def test_catalogs_are_parsed():
    assert len(ZH) > 100
    assert "app.name" in ZH and "app.name" in EN


def test_every_key_has_both_languages():
    assert sorted(set(ZH) - set(EN)) == [], "keys missing in the en catalog"
    assert sorted(set(EN) - set(ZH)) == [], "keys missing in the zh-CN catalog"


def test_no_text_is_empty():
    empty = [k for k, v in {**ZH, **EN}.items() if re.fullmatch(r"""(['"`])\1""", v)]
    assert empty == []


@pytest.mark.parametrize("key", sorted(set(ZH) & set(EN)))
def test_both_languages_use_the_same_placeholders(key):
    assert sorted(PLACEHOLDER.findall(ZH[key])) == sorted(PLACEHOLDER.findall(EN[key]))


def test_every_key_used_exists():
    missing = []
    for path in sources():
        text = path.read_text("utf-8")
        rel = path.relative_to(SRC)
        for m in T_LITERAL.finditer(text):
            if m.group("key") not in ZH or m.group("key") not in EN:
                missing.append(f"{rel}: t('{m.group('key')}')")
        for m in T_TEMPLATE.finditer(text):
            # `dl.${state}` must match at least one key in each catalog.
            parts = re.split(r"\$\{[^}]*\}", m.group("key"))
            pattern = re.compile(".+".join(re.escape(p) for p in parts) + r"\Z")
            if not any(pattern.match(k) for k in ZH) or not any(pattern.match(k) for k in EN):
                missing.append(f"{rel}: t(`{m.group('key')}`)")
        for m in ERROR_LITERAL.finditer(text):
            key = f"err.{m.group('code')}"
            if key not in ZH or key not in EN:
                missing.append(f"{rel}: errorText('{m.group('code')}')")
    assert missing == [], "add these keys to both catalogs in pwa/src/lib/messages/"


def test_the_checker_sees_uses():
    """Guard against a regex that silently matches nothing."""
    uses = sum(len(T_LITERAL.findall(p.read_text("utf-8"))) for p in sources())
    assert uses > 50

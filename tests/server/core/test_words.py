"""The one word catalog (core/words.py): both languages hold every key with the same
placeholders, and every key a template or the code looks up exists. Keys are found by
reading the templates and the Python (``ast``), so a key added later is checked too."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import xuedian
from xuedian.audit.service import ACTIONS
from xuedian.core.words import LANGS, WORDS, refusal, sentence, translate
from xuedian.errors import CODES
from xuedian.instructions.models import KINDS
from xuedian.jobs.models import STATUSES
from xuedian.learners.models import AGE_BANDS
from xuedian.org.models import LEVELS, ROLES
from xuedian.reports.tables import FRESH_KEYS

ROOT = Path(xuedian.__file__).parent
#: t("key"), say("key"), zh("key") and tr("key", ...) in templates.
TEMPLATE_CALL = re.compile(r"""\b(?:t|say|zh|tr)\(\s*["']([\w.+-]+)["']""")
#: {% for name in ['a', 'b'] %} ... t(name): the list's items are keys.
TEMPLATE_LOOP = re.compile(r"{%\s*for (\w+) in \[([^\]]*)\]\s*%}")
#: Python calls whose first argument is a key.
KEY_CALLS = {"translate", "t", "FormError", "word_errors", "sentence"}
#: Keyword arguments of render_page whose value is a key (or a list of keys).
KEY_KEYWORDS = {"title", "back", "brand", "footer", "notes"}
#: Keys made at run time from a prefix and a closed set of values.
DYNAMIC = {
    "status.": STATUSES,
    "kind.": KINDS,
    "action.": ACTIONS,
    "age_": (*AGE_BANDS, "unknown"),
    "level_": LEVELS,
    "role_": ROLES,
    "done_": ("added", "active", "password"),
}
#: A key, not a prefix of keys made at run time (t("action." ~ a)).
KEY = re.compile(r"^[a-z][\w.+-]*[a-z0-9+]$")
#: Python modules that look words up (others hold strings of other kinds).
WORD_USER = re.compile(r"core\.words|core\.htmlpage|\.text import|FormError|\btext\[")


def test_both_languages_have_every_key():
    assert set(LANGS) == set(WORDS)
    assert set(WORDS["zh-CN"]) == set(WORDS["en"])
    assert all(value.strip() for words in WORDS.values() for value in words.values())


def test_placeholders_match_between_languages():
    fields = re.compile(r"{(\w+)}")
    for key, zh in WORDS["zh-CN"].items():
        assert set(fields.findall(zh)) == set(fields.findall(WORDS["en"][key])), key


def _strings(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple):
        return [s for item in node.elts for s in _strings(item)]
    return []


def _tuple_keys(node: ast.Tuple) -> list[str]:
    """("result_ok", {...}) is a receipt line; ("too-large", "too_large_body", {...}) a
    receipt's warning: the string before the values is a key."""
    if len(node.elts) in (2, 3) and isinstance(node.elts[-1], ast.Dict):
        return _strings(node.elts[-2])
    return []


def _call_keys(node: ast.Call) -> list[str]:
    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
    found = _strings(node.args[0]) if name in KEY_CALLS and node.args else []
    for keyword in node.keywords:
        if keyword.arg in KEY_KEYWORDS:
            found += _strings(keyword.value)
    return found


def _python_keys(tree) -> set[str]:
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            used |= set(_call_keys(node))
        elif isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "text":
            used |= set(_strings(node.slice))
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {getattr(t, "id", "") for t in targets}
            if any(n == "keys" or n.endswith("_KEYS") for n in names):
                used |= set(_strings(node.value))
        elif isinstance(node, ast.Tuple):
            used |= set(_tuple_keys(node))
        elif isinstance(node, ast.Constant) and str(node.value).startswith(("err.", "err_")):
            used.add(node.value)
    return used


def used_keys() -> set[str]:
    used = set()
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text("utf-8")
        used |= set(TEMPLATE_CALL.findall(text))
        for var, items in TEMPLATE_LOOP.findall(text):
            if re.search(rf"\bt\({var}\)", text):
                used |= set(re.findall(r"""["']([\w.+-]+)["']""", items))
    for path in ROOT.rglob("*.py"):
        source = path.read_text("utf-8")
        if WORD_USER.search(source):
            used |= _python_keys(ast.parse(source))
    for prefix, values in DYNAMIC.items():
        used |= {prefix + value for value in values}
    used |= set(FRESH_KEYS)  # the freshness columns, made from the day limits
    return {key for key in used if KEY.match(key)}


def test_every_used_key_exists():
    used = used_keys()
    # The scan must see each kind of use, or it proves nothing.
    for sample in ("brand", "reports_title", "jobs.title", "audit.title", "err.target"):
        assert sample in used, sample
    for sample in ("err_choose", "result_refused", "custody_title", "over60", "received"):
        assert sample in used, sample
    assert sorted(used - set(WORDS["en"])) == []


def test_one_key_one_wording_on_every_page():
    # "Unsent" (point page) and "Unsent on phones" (reports) were one figure under two names.
    assert translate("backlog", "en") == "Unsent on phones"
    assert translate("backlog", "zh-CN") == "手机上待上传"


def test_refusal_reasons_exist_for_the_codes_they_name(app):
    import xuedian.relay.service  # noqa: F401  (registers the kiosk's own codes)

    for key in WORDS["en"]:
        if key.startswith("reason.") and key != "reason.fallback":
            assert key.removeprefix("reason.") in CODES, key
    assert refusal("no-such-code", None, "zh-CN") == translate("reason.fallback", "zh-CN")
    assert refusal("bundle-invalid", "Not gzip.", "en") == "Not gzip. (bundle-invalid)"


def test_sentence_takes_per_language_values():
    lines = [("result_refused", {"reason": {"zh-CN": "坏了", "en": "broken"}})]
    assert sentence(lines, "en") == "Refused: broken"
    assert sentence(lines, "zh-CN") == "没有收下：坏了"


#: A Chinese character (CJK Unified Ideographs), as `grep -P "[\x{4e00}-\x{9fff}]"` finds.
HAN = re.compile("[\u4e00-\u9fff]")


def test_no_template_holds_chinese_words_inline():
    # Every word a page shows comes from the catalog (say, t, tr, zh), so it exists in
    # both languages; a template's own Chinese would have no English beside it.
    templates = sorted(ROOT.rglob("*.html"))
    assert ROOT / "relay/templates/relay/index.html" in templates  # the scan sees them
    inline = {
        f"{path.relative_to(ROOT)}:{n}": line.strip()
        for path in templates
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if HAN.search(line)
    }
    assert inline == {}

"""Listening in real Chromium: on a phone with a voice for the app's language, every screen
has a "听" button reading its main text (a quiz's question and answers included) and
Settings offers read-aloud; on a phone without one (no voice at all, or only an English
one), Settings does not offer the switch, a lesson's "朗读本页" plays the lesson's narration
instead and says so, and says plainly when the lesson has no narration either."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from support.browser import wait_for_controller
from support.phone import PACK, download_pack

from .screens import idb_all, idb_put

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

# A phone with a Mandarin voice: what it is asked to say goes to window.__spoken.
FAKE_VOICE = """
(() => {
  const voices = [{ name: 'Test Mandarin', lang: 'zh-CN', default: true, voiceURI: 'x' }];
  const fake = new EventTarget();
  window.__spoken = [];
  fake.getVoices = () => voices;
  fake.speak = (u) => { window.__spoken.push(u.text); setTimeout(() => u.onend && u.onend(), 50); };
  fake.cancel = () => {};
  fake.speaking = false;
  Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: fake });
  // Real utterances take only real voices; this one takes the fake's.
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
})();
"""
# A phone whose browser can synthesise speech but has no voice at all.
NO_VOICE = """
(() => {
  const fake = new EventTarget();
  window.__spoken = [];
  fake.getVoices = () => [];
  fake.speak = (u) => { window.__spoken.push(u.text); };
  fake.cancel = () => {};
  Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: fake });
})();
"""
# The common case: a phone whose only voice speaks English, none Mandarin.
ENGLISH_ONLY = NO_VOICE.replace(
    "fake.getVoices = () => [];",
    "fake.getVoices = () => [{ name: 'English', lang: 'en-US', default: true, voiceURI: 'e' }];",
)


def installed(page, base):
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)


def test_every_screen_can_be_heard_where_the_phone_has_a_voice(live_server, page):
    page.add_init_script(FAKE_VOICE)
    base = live_server.url
    installed(page, base)
    for hash_, ready in [
        ("#/", "home-sync"),
        ("#/learning", "learning-chart"),
        ("#/settings", "setting-text"),
        (f"#/quiz/{PACK}/01-welcome", "quiz-question"),
    ]:
        page.goto(base + "/" + hash_, timeout=20_000)
        expect(page.get_by_test_id(ready)).to_be_visible(timeout=15_000)
        # The button toggles: pressed while the last reading still ends, it would stop.
        expect(page.get_by_test_id("listen")).to_have_attribute("aria-pressed", "false")
        page.get_by_test_id("listen").click()
        page.wait_for_function("() => window.__spoken.length > 0", timeout=10_000)
        said = page.evaluate("() => window.__spoken.pop()")
        shown = page.get_by_test_id(ready).inner_text().strip().splitlines()[0]
        assert shown in said, (hash_, shown, said[:200])
    # The quiz's question and its answers are read out.
    prompt = page.get_by_test_id("quiz-question").inner_text()
    expect(page.get_by_test_id("listen")).to_have_attribute("aria-pressed", "false", timeout=10_000)
    page.get_by_test_id("listen").click()
    page.wait_for_function("() => window.__spoken.length > 0", timeout=10_000)
    said = page.evaluate("() => window.__spoken.pop()")
    assert prompt.splitlines()[0] in said
    assert page.get_by_test_id("quiz-choice-0").inner_text().strip() in said
    # Settings offers read-aloud.
    page.goto(base + "/#/settings", timeout=20_000)
    expect(page.get_by_test_id("setting-read-aloud")).to_be_visible(timeout=10_000)


@pytest.mark.parametrize("voices", [NO_VOICE, ENGLISH_ONLY], ids=["no-voice", "english-only"])
def test_without_a_voice_read_aloud_plays_the_narration_and_says_so(live_server, page, voices):
    page.add_init_script(voices)
    base = live_server.url
    installed(page, base)
    page.goto(base + "/#/settings", timeout=20_000)
    expect(page.get_by_test_id("read-aloud-missing")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("setting-read-aloud")).to_have_count(0)
    expect(page.get_by_test_id("listen")).to_have_count(0)

    # Turned on before (or on another phone's settings): the lesson falls back to its narration.
    page.evaluate(
        "(s) => localStorage.setItem('xuedian-settings', s)", json.dumps({"readAloud": True})
    )
    page.goto(f"{base}/#/lesson/{PACK}/02-offline", timeout=20_000)
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).not_to_be_empty(timeout=15_000)
    page.get_by_test_id("read-aloud").click()
    expect(page.get_by_test_id("read-aloud-note")).to_contain_text("录音", timeout=10_000)
    expect(page.get_by_test_id("audio-play")).to_have_attribute(
        "data-playing", "true", timeout=10_000
    )
    assert page.evaluate("() => window.__spoken.length") == 0


def test_without_a_voice_or_a_recording_read_aloud_says_so(live_server, page):
    """Every built lesson has narration (espeak-ng at the least); a phone can still lack it,
    as when a lesson's audio was never stored: the stored manifest here has none."""
    page.add_init_script(NO_VOICE)
    base = live_server.url
    installed(page, base)
    (row,) = [r for r in idb_all(page, "packs") if r["pack_id"] == PACK]
    for lesson in row["manifest"]["lessons"]:
        lesson.pop("audio", None)
    idb_put(page, "packs", row)
    page.evaluate(
        "(s) => localStorage.setItem('xuedian-settings', s)", json.dumps({"readAloud": True})
    )
    page.goto(f"{base}/#/lesson/{PACK}/02-offline", timeout=20_000)
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).not_to_be_empty(timeout=15_000)
    expect(page.get_by_test_id("audio-play")).to_have_count(0)
    page.get_by_test_id("read-aloud").click()
    expect(page.get_by_test_id("read-aloud-note")).to_contain_text("也没有录音", timeout=10_000)

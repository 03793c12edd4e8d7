"""Take phone-sized (360×740) zh-CN screenshots of the main screens into docs/screenshots/,
at 100% text and, into docs/screenshots/200/, at 200% text (the app's largest text size);
and of the studio's draft and lesson editor (with narration recorded from Chromium's fake
microphone and about to be trimmed).

Run with `make screenshots`. It serves a temporary demo instance on a free loopback port.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, XUEDIAN, demo_instance, served  # noqa: E402
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from xuedian.org.demo import ADMIN  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PACK = "jianzhu-keyuedu"
LESSON = "01-heyuan-tianjing"
SHOTS = (
    "catalog",
    "pack",
    "lesson",
    "home",
    "quiz",
    "learning",
    "import",
    "profiles",
    "settings",
    "inbox",
    "request",
)
#: The studio's pages, at 100% only.
STUDIO_SHOTS = ("studio-draft", "studio-lesson")
#: Chromium answers getUserMedia with a fake microphone, unasked (the studio's recorder).
MIC_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
# A message as the changes feed stores it (lib/transport/feed.js), for the messages screen.
MESSAGE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('xuedian');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('inbox', 'readwrite');
    tx.objectStore('inbox').put({
      id: 1, created: new Date().toISOString(), read: false,
      title: { 'zh-CN': '周三下午有志愿者', en: 'A volunteer on Wednesday' },
      body: { 'zh-CN': '村学习点周三下午两点有志愿者，帮您下载课程、解答问题。',
              en: 'A volunteer is at the learning point on Wednesday at 2 pm.' },
    });
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def first_pass(page, url: str) -> None:
    """At 100%: make the demo state (a course installed, a lesson done, a profile, a message,
    a request) while taking each screen."""
    out = OUT
    page.goto(url + "/#/catalog", timeout=20_000)
    page.get_by_test_id(f"pack-{PACK}").wait_for(timeout=15_000)
    page.screenshot(path=out / "catalog.png")
    page.get_by_test_id(f"download-{PACK}").click()
    page.get_by_test_id(f"installed-{PACK}").wait_for(timeout=60_000)
    shoot_pack(page, url, out)
    shoot_lesson(page, url, out)
    page.get_by_test_id("complete-lesson").click()
    page.get_by_test_id("lesson-saved").wait_for(timeout=10_000)
    shoot_home(page, url, out)
    shoot_quiz(page, url, out)
    shoot_learning(page, url, out)
    shoot_import(page, url, out)
    page.goto(f"{url}/#/profiles", timeout=20_000)
    page.get_by_test_id("add-name").fill("奶奶", timeout=10_000)
    page.get_by_test_id("add-pin").fill("2468")
    page.get_by_test_id("add-age").select_option("70+")
    page.get_by_test_id("add-save").click()
    shoot_profiles(page, url, out, go=False)
    shoot_settings(page, url, out)
    page.evaluate(MESSAGE)
    shoot_inbox(page, url, out)
    page.goto(f"{url}/#/request", timeout=20_000)
    page.get_by_test_id("request-topic").fill("怎样用手机挂号看病", timeout=10_000)
    page.get_by_test_id("request-category").select_option("health")
    page.get_by_test_id("request-send").click()
    shoot_request(page, url, out, go=False)


def large_pass(page, url: str) -> None:
    """The same screens, same state, at 200% text (Settings → 字号, `textScale` 2)."""
    out = OUT / "200"
    out.mkdir(exist_ok=True)
    page.evaluate("localStorage.setItem('xuedian-settings', JSON.stringify({textScale: 2}))")
    # A new document, so the app starts again with the setting (a hash change would not).
    page.goto("about:blank")
    page.goto(url + "/#/catalog", timeout=20_000)
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.documentElement).fontSize) >= 39",
        timeout=10_000,
    )
    page.get_by_test_id(f"pack-{PACK}").wait_for(timeout=15_000)
    page.screenshot(path=out / "catalog.png")
    shoot_pack(page, url, out)
    shoot_lesson(page, url, out)
    shoot_home(page, url, out)
    shoot_quiz(page, url, out)
    shoot_learning(page, url, out)
    shoot_import(page, url, out)
    shoot_profiles(page, url, out)
    shoot_settings(page, url, out)
    shoot_inbox(page, url, out)
    shoot_request(page, url, out)


def shoot_pack(page, url: str, out: Path) -> None:
    page.goto(f"{url}/#/pack/{PACK}", timeout=20_000)
    page.get_by_test_id(f"lesson-{LESSON}").wait_for(timeout=10_000)
    page.screenshot(path=out / "pack.png")


def shoot_lesson(page, url: str, out: Path) -> None:
    page.goto(f"{url}/#/lesson/{PACK}/{LESSON}", timeout=20_000)
    page.get_by_test_id("lesson-content").wait_for(timeout=10_000)
    page.get_by_test_id("lesson-audio").wait_for(state="attached", timeout=10_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=lesson-content] img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)",
        timeout=10_000,
    )
    # The narration player is at the top; show the first picture, drawn for the course.
    page.locator("[data-testid=lesson-content] img").first.evaluate(
        "(img) => img.scrollIntoView({block: 'center'})"
    )
    page.screenshot(path=out / "lesson.png")


def shoot_home(page, url: str, out: Path) -> None:
    page.goto(f"{url}/#/", timeout=20_000)
    page.get_by_test_id("home-continue").wait_for(timeout=10_000)
    page.screenshot(path=out / "home.png")


def shoot_quiz(page, url: str, out: Path) -> None:
    page.goto(f"{url}/#/quiz/{PACK}/{LESSON}", timeout=20_000)
    page.get_by_test_id("quiz-choice-0").click(timeout=10_000)
    page.get_by_test_id("quiz-feedback").wait_for(timeout=10_000)
    page.screenshot(path=out / "quiz.png")


def shoot_learning(page, url: str, out: Path) -> None:
    page.goto(f"{url}/#/learning", timeout=20_000)
    page.get_by_test_id("learning-chart").wait_for(timeout=10_000)
    page.get_by_test_id("learning-chart").evaluate("(el) => el.scrollIntoView({block: 'center'})")
    page.screenshot(path=out / "learning.png")


def shoot_import(page, url: str, out: Path) -> None:
    page.goto(f"{url}/#/import", timeout=20_000)
    page.get_by_test_id("import-file").wait_for(state="attached", timeout=10_000)
    page.screenshot(path=out / "import.png")


def shoot_profiles(page, url: str, out: Path, go: bool = True) -> None:
    if go:
        page.goto(f"{url}/#/profiles", timeout=20_000)
    page.locator('[data-testid=profile][data-name="奶奶"]').wait_for(timeout=10_000)
    # The page scrolls inside the docked layout: bring the title back into view.
    page.locator("main h2").first.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=out / "profiles.png")


def shoot_settings(page, url: str, out: Path) -> None:
    page.goto(f"{url}/#/settings", timeout=20_000)
    page.get_by_test_id(f"stored-{PACK}").wait_for(timeout=10_000)
    page.screenshot(path=out / "settings.png")


def shoot_inbox(page, url: str, out: Path) -> None:
    page.goto(f"{url}/#/inbox", timeout=20_000)
    page.get_by_test_id("message-1").wait_for(timeout=10_000)
    page.screenshot(path=out / "inbox.png")


def shoot_request(page, url: str, out: Path, go: bool = True) -> None:
    if go:
        page.goto(f"{url}/#/request", timeout=20_000)
    page.get_by_test_id("request-item").wait_for(timeout=10_000)
    # The saved note, the send button and the list of what was asked.
    page.get_by_test_id("request-item").evaluate("(el) => el.scrollIntoView({block: 'end'})")
    page.screenshot(path=out / "request.png")


def studio_shots(browser, url: str) -> None:
    """The county administrator starts a course for the cultural centre, writes a lesson
    and records its narration."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        device_scale_factor=2,
        permissions=["microphone"],
    )
    page = context.new_page()
    page.goto(url + "/staff/login?next=/staff/studio/", timeout=20_000)
    page.get_by_test_id("username").fill(ADMIN[0])
    page.get_by_test_id("password").fill(ADMIN[1])
    page.get_by_test_id("password").press("Enter")
    form = page.get_by_test_id("add-draft")
    form.get_by_label("课程代码").fill("paper-cutting", timeout=15_000)
    form.get_by_label("中文标题").fill("剪纸入门")
    form.get_by_label("英文标题").fill("Paper cutting")
    form.get_by_label("中文简介").fill("县文化馆的剪纸课：折、剪、贴。")
    form.get_by_label("英文简介").fill("Paper cutting from the county cultural centre.")
    form.get_by_label("类别").select_option("heritage")
    form.get_by_label("作者", exact=True).fill("王老师")
    form.get_by_role("button", name="创建课程").click()
    page.get_by_test_id("new-lesson").click(timeout=15_000)
    lesson = page.get_by_test_id("lesson-form")
    lesson.get_by_label("中文标题").fill("第一课 折纸")
    lesson.get_by_label("英文标题").fill("Lesson one: folding")
    lesson.get_by_label("中文课文（Markdown）").fill("剪纸是一门**手艺**。先把红纸对折两次。")
    recorder = page.get_by_test_id("recorder")
    recorder.get_by_test_id("record-start").click()
    page.get_by_test_id("recorder-status").filter(has_text="3 秒").wait_for(timeout=15_000)
    recorder.get_by_test_id("record-stop").click()
    page.locator("[data-recorder][data-state=recorded]").wait_for(timeout=15_000)
    recorder.get_by_label("从第几秒开始").fill("0.5")
    recorder.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    page.screenshot(path=OUT / "studio-lesson.png")
    recorder.get_by_test_id("save-recording").click()
    page.locator("[data-recorder][data-state=saved]").wait_for(timeout=20_000)
    page.get_by_test_id("save-lesson").click()
    page.get_by_test_id("done").wait_for(timeout=10_000)
    page.get_by_role("link", name="← 返回课程").click()
    page.get_by_test_id("lessons").wait_for(timeout=10_000)
    # The lessons, the review step and the draft's media, below the staff menu.
    page.get_by_role("heading", name="课时").evaluate("(el) => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=OUT / "studio-draft.png")
    context.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_instance() as env, sync_playwright() as pw:
        add = ["studio", "publisher", "add", "--code", "wenhuaguan", "--name", "县文化馆"]
        add += ["--name-en", "County cultural centre", "--kind", "cultural-centre"]
        subprocess.run([XUEDIAN, *add, "--area", "qingshui"], env=env, check=True)
        with served(env) as (url, _proc):
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *MIC_ARGS])
            page = browser.new_page(
                viewport={"width": 360, "height": 740}, locale="zh-CN", device_scale_factor=2
            )
            first_pass(page, url)
            large_pass(page, url)
            studio_shots(browser, url)
            browser.close()
    for name in SHOTS:
        print(OUT / f"{name}.png", OUT / "200" / f"{name}.png")
    for name in STUDIO_SHOTS:
        print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()

"""Opened inside WeChat, QQ, Weibo, DingTalk, Alipay or Douyin, the app explains, in zh-CN and
English, how to open it in the phone's browser and install it, offers to copy the link, and stays
usable; in an ordinary browser nothing shows and the notice's code is never fetched."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.browser import wait_for_controller

from .axe import assert_no_serious_violations
from .pack_server import WELCOME

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

ANDROID = (
    "Mozilla/5.0 (Linux; Android 10; V2036A Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 Mobile Safari/537.36"
)
CHROME = ANDROID.replace("; wv", "").replace("Version/4.0 ", "")
IN_APP = {
    "wechat": ANDROID + " XWEB/4317 MMWEBSDK/20220903 MicroMessenger/8.0.28.2240(0x28001C35) "
    "WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64",
    "qq": ANDROID + " V1_AND_SQ_8.9.28_4058_YYB_D QQ/8.9.28.10155 NetType/4G QQTheme/1000",
    "weibo": ANDROID + " Weibo (vivo-V2036A__weibo__12.10.3__android__android10)",
    "dingtalk": ANDROID + " AliApp(DingTalk/7.0.10) com.alibaba.android.rimet/28153096",
    "alipay": ANDROID + " AlipayClient/10.3.20.8000 Language/zh-Hans",
    "douyin": ANDROID + " aweme_230400 JsSdk/1.0 NetType/4G Channel/douyin_tengxun AppName/aweme",
}


def new_phone(browser, browser_context_args, user_agent: str):
    return browser.new_context(**browser_context_args, user_agent=user_agent, bypass_csp=True)


def test_wechat_shows_how_to_open_in_the_browser(server, browser, browser_context_args):
    context = new_phone(browser, browser_context_args, IN_APP["wechat"])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    try:
        page = context.new_page()
        page.goto(server.url + "/#/import", timeout=20_000)
        notice = page.get_by_test_id("inapp")
        expect(notice).to_be_visible(timeout=10_000)
        expect(notice).to_have_attribute("data-app", "wechat")
        expect(notice).to_contain_text("请用手机浏览器打开学点")
        expect(notice).to_contain_text("微信")
        expect(notice).to_contain_text("···")
        expect(notice).to_contain_text("在浏览器中打开")
        expect(notice).to_contain_text("添加到主屏幕")
        expect(page.get_by_test_id("inapp-url")).to_have_value(page.url)
        assert_no_serious_violations(page, "in-app notice zh-CN")

        page.get_by_test_id("inapp-copy").click()
        expect(page.get_by_test_id("inapp-copied")).to_have_text(
            "链接已复制，可以粘贴到浏览器的地址栏里打开。", timeout=5_000
        )
        assert page.evaluate("navigator.clipboard.readText()") == page.url

        # The rest of the app works beside it: switch language, open the catalog's screens.
        page.get_by_test_id("lang-toggle").click()
        expect(notice).to_contain_text("Open Xuedian in your phone’s browser")
        expect(notice).to_contain_text("WeChat")
        expect(notice).to_contain_text("Open in browser")
        expect(notice).to_contain_text("Add to Home screen")
        assert_no_serious_violations(page, "in-app notice en")
        page.evaluate(f"location.hash = '#/pack/{WELCOME}'")
        expect(page.get_by_test_id("pack-missing")).to_be_visible(timeout=10_000)
        expect(notice).to_be_visible()

        # "Stay here" hides it for this visit.
        page.get_by_test_id("inapp-dismiss").click()
        expect(notice).to_have_count(0)
        page.reload(timeout=20_000)
        expect(page.get_by_test_id("pack-missing")).to_be_visible(timeout=10_000)
        expect(notice).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("app", ["qq", "weibo", "dingtalk", "alipay", "douyin"])
def test_other_in_app_browsers_are_recognised(server, browser, browser_context_args, app):
    context = new_phone(browser, browser_context_args, IN_APP[app])
    try:
        page = context.new_page()
        page.goto(server.url + "/#/import", timeout=20_000)
        expect(page.get_by_test_id("inapp")).to_have_attribute("data-app", app, timeout=10_000)
    finally:
        context.close()


def test_ordinary_browser_shows_nothing_and_skips_the_code(server, browser, browser_context_args):
    context = new_phone(browser, browser_context_args, CHROME)
    try:
        page = context.new_page()
        scripts = []
        page.on("request", lambda r: r.resource_type == "script" and scripts.append(r.url))
        page.goto(server.url + "/#/import", timeout=20_000)
        expect(page.locator("main h2")).to_be_visible(timeout=10_000)
        # The app's start-up effects have run once its worker controls the page: the notice
        # check comes before the worker's registration, so its script would be asked for.
        wait_for_controller(page)
        expect(page.get_by_test_id("inapp")).to_have_count(0)
        assert scripts, "the page's own scripts were seen"
        assert not [u for u in scripts if "/inapp-" in u]
    finally:
        context.close()

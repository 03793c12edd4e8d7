"""Text of the jobs and instructions pages in zh-CN (default) and en, and ``html_page``
that renders them (kept out of jobs/pages.py: no feature imports another's pages). The
language and the layout's own words are the staff pages' (org/text.py)."""

from __future__ import annotations

from flask import Response, render_template

from ..org.auth import csrf_token
from ..org.text import current_lang, translate

LANGS = ("zh-CN", "en")

TEXT = {
    "zh-CN": {
        "jobs.title": "定时任务运行记录",
        "jobs.registered": "已登记的任务",
        "jobs.schedule": "时间表",
        "jobs.recent": "最近的运行",
        "jobs.none": "还没有运行记录。",
        "jobs.job": "任务",
        "jobs.due": "计划时间",
        "jobs.started": "开始",
        "jobs.finished": "结束",
        "jobs.status": "状态",
        "jobs.summary": "结果",
        "status.ok": "成功",
        "status.failed": "失败",
        "status.running": "运行中",
        "ins.title": "远程指令",
        "ins.intro": "指令在手机下次同步时送达。",
        "ins.kind": "指令",
        "kind.resync": "全部重新同步",
        "kind.update-pack": "更新课程包",
        "ins.point": "学习点",
        "ins.device": "或者一部手机",
        "ins.pack": "课程包",
        "ins.version": "版本（可不填，表示最新）",
        "ins.by": "截止日期",
        "ins.send": "发送指令",
        "ins.sent": "已发出 {n} 条指令。",
        "ins.recent": "最近的指令",
        "ins.none": "还没有指令。",
        "ins.target": "对象",
        "ins.created": "发出时间",
        "ins.delivered": "送达时间",
        "ins.pending": "等待送达",
        "err.target": "请选择一个学习点或一部手机（只选一个）。",
        "err.device-out-of-scope": "找不到这部手机，或不在您的管辖范围内。",
        "err.pack-unknown": "县里没有发布过这个课程包（或这个版本），请从列表里选择。",
        "err.point": "找不到这个学习点，或不在您的管辖范围内。",
        "err.pack": "更新课程包需要填写课程包编号。",
        "err.version": "版本必须是正整数。",
        "err.by": "日期格式应为 年-月-日。",
    },
    "en": {
        "jobs.title": "Scheduled job runs",
        "jobs.registered": "Registered jobs",
        "jobs.schedule": "Schedule",
        "jobs.recent": "Recent runs",
        "jobs.none": "No runs yet.",
        "jobs.job": "Job",
        "jobs.due": "Due",
        "jobs.started": "Started",
        "jobs.finished": "Finished",
        "jobs.status": "Status",
        "jobs.summary": "Result",
        "status.ok": "OK",
        "status.failed": "Failed",
        "status.running": "Running",
        "ins.title": "Remote instructions",
        "ins.intro": "Instructions reach each phone at its next sync.",
        "ins.kind": "Instruction",
        "kind.resync": "Force a full resync",
        "kind.update-pack": "Update a pack",
        "ins.point": "Learning point",
        "ins.device": "or one phone",
        "ins.pack": "Pack",
        "ins.version": "Version (empty: the newest)",
        "ins.by": "By date",
        "ins.send": "Send instruction",
        "ins.sent": "{n} instruction(s) sent.",
        "ins.recent": "Recent instructions",
        "ins.none": "No instructions yet.",
        "ins.target": "To",
        "ins.created": "Sent",
        "ins.delivered": "Delivered",
        "ins.pending": "Waiting",
        "err.target": "Choose a learning point or one phone (only one).",
        "err.device-out-of-scope": "No such phone in your area.",
        "err.pack-unknown": "No such pack (or version of it) has been published here; "
        "choose one from the list.",
        "err.point": "No such learning point in your area.",
        "err.pack": "Updating a pack needs the pack id.",
        "err.version": "The version must be a positive whole number.",
        "err.by": "Write the date as YYYY-MM-DD.",
    },
}


def page_lang() -> str:
    """The staff pages' language (org/text.py: ``?lang=``, remembered in the session)."""
    return current_lang()


def translator(lang: str):
    """Return ``t(key, **values)`` for ``lang``: these pages' words, then the staff layout's."""
    table = TEXT[lang]

    def t(key: str, **values) -> str:
        if key not in table:
            return translate(key, lang, **values)
        text = table[key]
        return text.format(**values) if values else text

    return t


CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def html_page(template: str, status: int = 200, **context) -> Response:
    """Render a staff page in the request's language, with the strict CSP."""
    lang = page_lang()
    body = render_template(template, lang=lang, t=translator(lang), csrf=csrf_token, **context)
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    return response

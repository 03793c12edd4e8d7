"""Words of the audit page in zh-CN (default) and en. The language and the layout's own
words are the staff pages' (org/text.py)."""

from __future__ import annotations

from ..org.text import translate

TEXT = {
    "zh-CN": {
        "audit.title": "操作记录",
        "audit.intro": "谁在什么时候、从哪里做了什么（您负责的区域及以下）。最新的在前。",
        "audit.filter": "只看",
        "audit.all": "全部",
        "audit.show": "显示",
        "audit.none": "还没有记录。",
        "audit.when": "时间",
        "audit.who": "谁",
        "audit.what": "做了什么",
        "audit.target": "对象",
        "audit.details": "详情",
        "audit.where": "来自",
        "action.sign-in": "登录",
        "action.sign-in-failed": "登录失败",
        "action.sign-out": "退出登录",
        "action.own-password": "修改自己的密码",
        "action.account-add": "添加账号",
        "action.account-active": "停用或启用账号",
        "action.account-password": "重设密码",
        "action.device-revoke": "停用手机",
        "action.instruction": "发送远程指令",
        "action.pack-publish": "发布课程包",
        "action.export": "导出数据",
    },
    "en": {
        "audit.title": "Audit log",
        "audit.intro": "Who did what, when and from where, in your area and below. Newest first.",
        "audit.filter": "Show only",
        "audit.all": "Everything",
        "audit.show": "Show",
        "audit.none": "Nothing recorded yet.",
        "audit.when": "When",
        "audit.who": "Who",
        "audit.what": "What",
        "audit.target": "On",
        "audit.details": "Details",
        "audit.where": "From",
        "action.sign-in": "Signed in",
        "action.sign-in-failed": "Failed sign-in",
        "action.sign-out": "Signed out",
        "action.own-password": "Changed own password",
        "action.account-add": "Added an account",
        "action.account-active": "Deactivated or activated an account",
        "action.account-password": "Reset a password",
        "action.device-revoke": "Revoked a phone",
        "action.instruction": "Sent an instruction",
        "action.pack-publish": "Published a pack",
        "action.export": "Exported data",
    },
}


def translator(lang: str):
    """Return ``t(key, **values)`` for ``lang``: this page's words, then the staff layout's."""
    table = TEXT[lang]

    def t(key: str, **values) -> str:
        if key not in table:
            return translate(key, lang, **values)
        return table[key].format(**values) if values else table[key]

    return t

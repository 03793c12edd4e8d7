"""The catalog's (core/words.py) Chinese words for the kiosk relay's LAN pages
(relay/templates/relay/: ``/`` and ``/acks``), shown with the English under them (``say``).
Kept apart from words_zh.py only for its length; the keys are one catalog with it."""

from __future__ import annotations

WORDS: dict[str, str] = {
    "relay.status_title": "学习点",
    "relay.last_contact": "上次连上县里：{time}",
    "relay.last_contact_never": "上次连上县里：还没有",
    "relay.waiting": "等待转交县里：{n} 个文件",
    "relay.forwarded": "已转交县里：{n} 个文件",
    # ``problem`` is the error's code in Chinese, its message in English (sentence()).
    "relay.last_error": "上次出了问题（{time}）：{problem}",
    "relay.clock_skew": "这台电脑的时钟和县里相差 {minutes} 分钟，收件时间会不准。请校准时间。",
    "relay.not_set_up": "这台学习点还没有设置县里的地址和密钥。",
    "relay.packs_title": "下载课程",
    # A pack's own title, or a refusal's reason: words that come in both languages.
    "relay.given": "{text}",
    "relay.pack_meta": "第 {version} 版 · {size}",
    "relay.packs_hint": "下载后，打开学点应用，点“导入课程文件”。",
    "relay.packs_none": "还没有课程。连上县里以后会自动下载。",
    "relay.upload_title": "交学习记录",
    "relay.upload_files": "选择同步文件（.xdsync，可以一次选多个）",
    "relay.upload_button": "上传",
    "relay.upload_hint": "上传后手机上的记录先不要删，县里确认后应用会自己清理。",
    "relay.acks_title": "县里的回执",
    "relay.acks_page": "县里的回执 · 学点",
    "relay.acks_link": "取回回执（.xdack）",
    "relay.recent_title": "最近的文件",
    "relay.recent_forwarded": "手机导出 {made} · 学习点收到 {received} · 县里导入 {imported}",
    "relay.recent_waiting": "手机导出 {made} · 学习点收到 {received} · 等待转交",
    "relay.refused_title": "县里退回的文件",
    "relay.acks_hint": "输入手机的设备号（同步文件名里 xuedian- 后面的 8 位），下载县里的回执文件，"
    "再在学点应用里导入。",
    "relay.acks_device": "设备号（至少 8 位）",
    "relay.acks_find": "查找",
    "relay.acks_invalid": "请输入至少 8 位（0–9、a–f）。",
    "relay.acks_none": "这台手机还没有县里的回执。记录转交县里后再来看看。",
    "relay.acks_download": "下载回执",
    # ``detail`` is the time the county made it in Chinese, the file's name in English.
    "relay.acks_meta": "设备 {device} · 县里已收到 {records} 条记录 · {detail}",
}

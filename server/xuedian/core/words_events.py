"""The catalog's (core/words.py) words for events on site (the staff events pages), in
Chinese and English; kept apart only for length, the keys are one catalog with the rest."""

from __future__ import annotations

ZH: dict[str, str] = {
    "nav_events": "学习活动",
    "ev.title": "学习活动签到",
    "ev.intro": (
        "在学习点举办的讲座、戏曲课、手工课等活动。每个活动有自己的二维码，"
        "学员用手机扫码即可离线签到，同步后计入学分。"
    ),
    "ev.done": "活动已创建。请打印它的二维码，贴在活动现场。",
    "ev.event": "活动名称",
    "ev.when": "时间",
    "ev.point": "学习点",
    "ev.course": "计入课程",
    "ev.hours": "学时",
    "ev.attended": "已签到",
    "ev.qr": "二维码",
    "ev.print": "打印二维码",
    "ev.none": "还没有活动。",
    "ev.add": "创建活动",
    "ev.day": "日期",
    "ev.starts": "开始时间",
    "ev.ends": "结束时间",
    "ev.qr_title": "活动签到二维码 · {title}",
    "ev.qr_label": "{title} 签到二维码",
    "ev.attended_count": "已签到 {count} 人。",
    "ev.hours_line": "学时 {hours}",
    "ev.scan": "请用手机扫码签到",
    "ev.back": "返回活动列表",
    "ev.err.title": "请填写活动名称（最多 60 字）。",
    "ev.err.point": "请选择学习点。",
    "ev.err.pack": "请选择活动计入的课程。",
    "ev.err.day": "请填写活动日期。",
    "ev.err.window": "请填写开始和结束时间，结束要晚于开始。",
    "ev.err.hours": "学时必须是 0 到 100 之间的数字。",
}

EN: dict[str, str] = {
    "nav_events": "Events",
    "ev.title": "Events and check-in",
    "ev.intro": (
        "Lectures, opera classes, craft workshops held at learning points. Each event has "
        "its own QR code; learners check in offline by scanning it, and it counts toward "
        "their credits once synced."
    ),
    "ev.done": "The event is made. Print its QR code and put it up where the event is held.",
    "ev.event": "Event",
    "ev.when": "When",
    "ev.point": "Learning point",
    "ev.course": "Counts toward course",
    "ev.hours": "Credit hours",
    "ev.attended": "Checked in",
    "ev.qr": "QR code",
    "ev.print": "Print the QR code",
    "ev.none": "No events yet.",
    "ev.add": "Make an event",
    "ev.day": "Date",
    "ev.starts": "Starts",
    "ev.ends": "Ends",
    "ev.qr_title": "Event check-in QR code · {title}",
    "ev.qr_label": "Check-in QR code of {title}",
    "ev.attended_count": "{count} checked in.",
    "ev.hours_line": "Credit hours {hours}",
    "ev.scan": "Scan with your phone to check in",
    "ev.back": "Back to the events",
    "ev.err.title": "Please give the event a name (60 characters at most).",
    "ev.err.point": "Please choose a learning point.",
    "ev.err.pack": "Please choose the course the event counts toward.",
    "ev.err.day": "Please give the event's date.",
    "ev.err.window": "Please give a start and an end time; the end must be after the start.",
    "ev.err.hours": "Credit hours must be a number from 0 to 100.",
}

"""The learning-account pages' part of the one word catalog (core/words.py merges it into
each language): the learner card, the search by short number and the real-name level."""

from __future__ import annotations

ZH = {
    "nav_accounts": "学习账户",
    "ac.title": "学习账户",
    "ac.intro": "输入学习卡上的 8 位号码，找到学习者的账户，打印学习卡或进行实名认证。",
    "ac.number": "学习卡号码（8 位数字）",
    "ac.find": "查找",
    "ac.none": "在您可查看的学习点没有找到这个号码。",
    "ac.card": "学习卡",
    "ac.card_title": "学点 · 学习卡",
    "ac.qr_alt": "学习卡二维码",
    "ac.print_hint": "用浏览器的打印功能打印这张学习卡。",
    "ac.transcript": "学习档案",
    "ac.transcript_intro": "下载这位学员全部已认证成果的学习档案（CLR 2.0 格式，由本县签名），"
    "可交给其他机构核验。",
    "ac.transcript_get": "下载学习档案",
    "ac.learner": "学习者编号",
    "ac.village": "村",
    "ac.level": "账户级别",
    "ac.pseudonymous": "匿名账户（没有实名）",
    "ac.verified": "已实名认证",
    "ac.real_name": "实名认证",
    "ac.real_name_intro": (
        "请当面核对学习者的身份证。系统只保存姓名和身份证号的加密摘要，不保存身份证号本身。"
    ),
    "ac.name": "姓名（与身份证一致）",
    "ac.id_number": "身份证号（18 位）",
    "ac.verify": "确认实名",
    "ac.clear": "取消实名",
    "ac.done.verified": "已完成实名认证。",
    "ac.done.cleared": "已取消实名认证。",
    "cr.id.name": "请填写姓名（不超过 60 字）。",
    "cr.id.shape": "身份证号应为 18 位：前 17 位是数字，最后一位是数字或 X。",
    "cr.id.birth": "身份证号中的出生日期不正确，请核对第 7 到 14 位。",
    "cr.id.check": "身份证号的校验位不对，请逐位核对后重新输入。",
    "action.credit-real-name": "学习账户实名认证",
    "action.credit-real-name-clear": "取消学习账户实名",
}

EN = {
    "nav_accounts": "Learning accounts",
    "ac.title": "Learning accounts",
    "ac.intro": (
        "Type the 8-digit number on a learner card to find the account, "
        "print the card, or verify a real name."
    ),
    "ac.number": "Learner card number (8 digits)",
    "ac.find": "Find",
    "ac.none": "No learner with that number at the learning points you may see.",
    "ac.card": "Learner card",
    "ac.card_title": "Xuedian · learner card",
    "ac.qr_alt": "QR code of the learner card",
    "ac.print_hint": "Print this card with the browser's print command.",
    "ac.transcript": "Learning record",
    "ac.transcript_intro": "Download this learner's record of every certified outcome (CLR 2.0, "
    "signed by this county), for another institution to verify.",
    "ac.transcript_get": "Download the learning record",
    "ac.learner": "Learner id",
    "ac.village": "Village",
    "ac.level": "Account level",
    "ac.pseudonymous": "Pseudonymous (no real name)",
    "ac.verified": "Real name verified",
    "ac.real_name": "Real-name verification",
    "ac.real_name_intro": (
        "Check the learner's ID card in person. Only the name and a salted "
        "hash of the ID number are kept, never the number itself."
    ),
    "ac.name": "Name (as on the ID card)",
    "ac.id_number": "ID number (18 characters)",
    "ac.verify": "Confirm real name",
    "ac.clear": "Remove the real name",
    "ac.done.verified": "The real name is verified.",
    "ac.done.cleared": "The real name was removed.",
    "cr.id.name": "Please give the name (at most 60 characters).",
    "cr.id.shape": "An ID number has 18 characters: 17 digits, then a digit or X.",
    "cr.id.birth": "The birth date in the ID number is not a real date; check characters 7 to 14.",
    "cr.id.check": (
        "The ID number's check digit does not match; check each character and type it again."
    ),
    "action.credit-real-name": "Verified a learning account's real name",
    "action.credit-real-name-clear": "Removed a learning account's real name",
}

"""Words on the LAN pages that come from data: why a file was refused, and sizes (times
are shown by the one ``local_time`` filter of ``core.timeutil``).

The pages put zh-CN first and English under it; the English reason is the error's own
message, the zh-CN one comes from here (the PWA has its own copy in ``i18n.js``).
"""

from __future__ import annotations

REASONS_ZH = {
    "bundle-invalid": "这不是学点的同步文件（.xdsync），或者文件已损坏。请在手机上重新导出。",
    "bundle-too-large": "这个同步文件太大，收不下。",
    "device-signature-invalid": "文件的签名对不上，可能被改动过。请在手机上重新导出。",
    "device-revoked": "这台手机已被县里停用。",
    "relay-county-server-error": "县里的服务器处理这个文件时一再出错，已放到一边。",
    "batch-too-large": "文件里有一批记录太多，县里不接受。",
    "batch-id-reused": "文件里的一批记录和县里已有的冲突。",
    "body-too-large": "文件太大，县里不接受。",
    "relay-disk-full": "学习点的存储空间满了，请等文件转交县里后再上传。",
    "relay-quota-exceeded": "这部手机（或这台上传的设备）已有很多文件在等待转交，"
    "请等转交县里后再上传。",
    "text-not-storable": "文件里有县里无法保存的文字。",
    "time-out-of-range": "文件里的时间不在县里接受的范围内（2000 年到 2100 年）。",
    "quota-exceeded": "这台手机或这个地址退回的记录太多，县里暂时不收。",
}
FALLBACK_ZH = "县里没有收下这个文件。"


def reason_zh(code: str | None) -> str:
    return REASONS_ZH.get(code or "", FALLBACK_ZH)


def size_text(size: int | None) -> str:
    """Return ``3.4 MB`` or ``180 KB``."""
    size = size or 0
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"

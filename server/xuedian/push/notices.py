"""The county's standard notifications, in zh-CN and en, sent through :func:`service.notify`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..packs.models import PackRelease
from ..sync.models import Device
from .service import notify


def _names(pack_id: str, release: PackRelease | None) -> tuple[str, str]:
    title = release.title if release is not None else {}
    return title.get("zh-CN") or pack_id, title.get("en") or pack_id


def pack_published(release: PackRelease) -> tuple[list, dict]:
    """Tell every phone a pack (or a new version of one) is out."""
    zh, en = _names(release.pack_id, release)
    new = release.version == 1
    title = {
        "zh-CN": f"{'新课程' if new else '课程更新'}：{zh}",
        "en": f"{'New pack' if new else 'Pack updated'}: {en}",
    }
    body = {
        "zh-CN": f"《{zh}》第 {release.version} 版已经发布，可以在课程目录里下载。",
        "en": f"“{en}” version {release.version} is out; download it from the catalog.",
    }
    return notify(title, body, None, url="/#/catalog")


def pack_update_requested(
    devices: list[Device], pack_id: str, version: int | None, by_date: date | None
) -> tuple[list, dict]:
    """Tell these phones to update a pack (an update-pack instruction's inbox notice)."""
    release = db.session.scalar(
        select(PackRelease)
        .where(PackRelease.pack_id == pack_id)
        .order_by(PackRelease.version.desc())
    )
    zh, en = _names(pack_id, release)
    ver_zh = f"（第 {version} 版）" if version else ""
    ver_en = f" (version {version})" if version else ""
    by_zh = f"请在 {by_date.isoformat()} 前" if by_date else "请尽快"
    by_en = f" by {by_date.isoformat()}" if by_date else " soon"
    title = {"zh-CN": f"请更新课程：{zh}", "en": f"Please update: {en}"}
    body = {
        "zh-CN": f"{by_zh}更新课程包《{zh}》{ver_zh}。连上网后会自动开始下载。",
        "en": f"Please update the pack “{en}”{ver_en}{by_en}. "
        "It starts downloading when the phone is online.",
    }
    return notify(title, body, devices, url="/#/inbox")

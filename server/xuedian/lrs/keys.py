"""What a statement is found by: agent IFIs and activity IRIs, hashed to fixed-size keys."""

from __future__ import annotations

import hashlib
import json
import re


def agent_key(agent: dict) -> str | None:
    """Return the key of an Agent or identified Group's IFI, or None for an anonymous Group."""
    for name in ("mbox", "mbox_sha1sum", "openid"):
        if name in agent:
            return _hash(f"{name}:{agent[name]}")
    if "account" in agent:
        account = agent["account"]
        return _hash(f"account:{account.get('homePage')}|{account.get('name')}")
    return None


def activity_key(iri: str) -> str:
    return _hash(f"activity:{iri}")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _agents(actor: dict | None) -> list[dict]:
    """The agent and, for a group, its members."""
    if not isinstance(actor, dict):
        return []
    return [actor, *[m for m in actor.get("member", []) if isinstance(m, dict)]]


def _context_activities(ctx: dict) -> list[str]:
    out = []
    for items in (ctx.get("contextActivities") or {}).values():
        for item in items if isinstance(items, list) else [items]:
            out.append(item["id"])
    return out


def _context_agents(ctx: dict) -> list[dict]:
    out = []
    out += _agents(ctx.get("instructor"))
    out += _agents(ctx.get("team"))
    for item in ctx.get("contextAgents", []):
        out += _agents(item.get("agent"))
    for item in ctx.get("contextGroups", []):
        out += _agents(item.get("group"))
    return out


def statement_keys(st: dict) -> set[tuple[str, str]]:
    """Every (kind, key) pair a stored statement is found by."""
    out: set[tuple[str, str]] = set()
    actor, obj = st["actor"], st["object"]
    kind = obj.get("objectType", "Activity")
    direct_agents = [actor, obj] if kind in ("Agent", "Group") else [actor]
    for a in direct_agents:
        key = agent_key(a)
        if key:
            out.add(("agent", key))
    related: list[dict] = []
    activities: list[str] = []
    for part in (st, obj) if kind == "SubStatement" else (st,):
        related += _agents(part["actor"])
        target = part["object"]
        target_kind = target.get("objectType", "Activity")
        if target_kind in ("Agent", "Group"):
            related += _agents(target)
        elif target_kind == "Activity":
            activities.append(target["id"])
        related += _context_agents(part.get("context") or {})
        activities += _context_activities(part.get("context") or {})
    related += _agents(st.get("authority"))
    for a in related:
        key = agent_key(a)
        if key:
            out.add(("ragent", key))
    if kind == "Activity":
        out.add(("activity", activity_key(obj["id"])))
    for iri in activities:
        out.add(("ractivity", activity_key(iri)))
    return out


def canonical(st: dict) -> str:
    """The parts that make two statements with one id "the same" (stored, authority and
    version are the LRS's own)."""
    parts = {k: v for k, v in st.items() if k not in ("stored", "authority", "version", "id")}
    if isinstance(parts.get("object"), dict):
        parts["object"] = dict(parts["object"])  # a copy: the statement itself stays as sent
    for part in (parts, parts.get("object") or {}):
        result = part.get("result")
        if isinstance(result, dict) and isinstance(result.get("duration"), str):
            part["result"] = {**result, "duration": _hundredths(result["duration"])}
    return json.dumps(parts, sort_keys=True, ensure_ascii=False)


def _hundredths(duration: str) -> str:
    """A duration with its seconds cut to 0.01 s, the precision xAPI compares at (4.2.7)."""

    def cut(match: re.Match) -> str:
        fraction = (match.group(2) or "")[:2].rstrip("0")
        return f"{match.group(1)}.{fraction}S" if fraction else f"{match.group(1)}S"

    return re.sub(r"(\d+)(?:\.(\d+))?S$", cut, duration)

"""The ``format`` of statements the LRS returns (exact, ids, canonical) and multipart
bodies with attachments."""

from __future__ import annotations

import copy
import hashlib
import json
import secrets

from .errors import XapiInvalid

LANGMAP_KEYS = ("display", "name", "description")


def _ids_agent(agent: dict) -> dict:
    out = {"objectType": agent.get("objectType", "Agent")}
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            out[key] = agent[key]
            return out
    if "member" in agent:
        out["member"] = [_ids_agent(m) for m in agent["member"]]
    return out


def _ids(st: dict) -> dict:
    out = dict(st)
    out["actor"] = _ids_agent(st["actor"])
    out["verb"] = {"id": st["verb"]["id"]}
    obj = st["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = {"id": obj["id"]}
    elif kind in ("Agent", "Group"):
        out["object"] = _ids_agent(obj)
    elif kind == "SubStatement":
        out["object"] = _ids(obj)
    if "authority" in st:
        out["authority"] = _ids_agent(st["authority"])
    return out


def _pick(langmap: dict, wanted: list[str]) -> dict:
    for lang in wanted:
        for key in langmap:
            if key.lower() == lang:
                return {key: langmap[key]}
        for key in langmap:
            if key.lower().split("-")[0] == lang.split("-")[0]:
                return {key: langmap[key]}
    key = next(iter(langmap), None)
    return {key: langmap[key]} if key is not None else {}


def _canonical(value, wanted):
    if isinstance(value, dict):
        return {
            k: _pick(v, wanted)
            if k in LANGMAP_KEYS and isinstance(v, dict)
            else _canonical(v, wanted)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_canonical(v, wanted) for v in value]
    return value


def shaped(st: dict, fmt: str, accept_language: str) -> dict:
    if fmt == "ids":
        return _ids(st)
    if fmt == "canonical":
        wanted = [p.split(";")[0].strip().lower() for p in accept_language.split(",") if p.strip()]
        return _canonical(copy.deepcopy(st), wanted)
    return st


def parse_multipart(body: bytes, content_type: str):
    """Split a multipart/mixed statement request into (statement JSON, {sha2: (type, bytes)})."""
    import email.parser  # here: only a request with attachments needs the MIME parser
    import email.policy

    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise XapiInvalid("The multipart body could not be read.")
    parts = list(message.iter_parts())
    if not parts or parts[0].get_content_type() != "application/json":
        raise XapiInvalid("The first part of a multipart request must be application/json.")
    try:
        statements = json.loads(parts[0].get_payload(decode=True).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise XapiInvalid("The statement part is not valid JSON.") from None
    files = {}
    for part in parts[1:]:
        sha2 = part.get("X-Experience-API-Hash")
        if not sha2:
            raise XapiInvalid("Every attachment part needs X-Experience-API-Hash.")
        if (part.get("Content-Transfer-Encoding") or "binary").lower() != "binary":
            raise XapiInvalid("Attachment parts must have Content-Transfer-Encoding: binary.")
        data = part.get_payload(decode=True) or b""
        if hashlib.sha256(data).hexdigest() != sha2.strip():
            raise XapiInvalid("An attachment does not match its X-Experience-API-Hash.")
        files[sha2.strip()] = (part.get_content_type(), data)
    return statements, files


def multipart(document, files: dict) -> tuple[bytes, str]:
    """A multipart/mixed body: the JSON, then each attachment by its hash."""
    boundary = secrets.token_hex(16)
    out = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(document, ensure_ascii=False).encode("utf-8"),
    ]
    for sha2, (ctype, data) in files.items():
        out.append(
            f"\r\n--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        out.append(data)
    out.append(f"\r\n--{boundary}--".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"

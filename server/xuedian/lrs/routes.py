"""The ``/xapi/`` blueprint: version header, Basic auth, About and the Statements resource.
Documents, Agents and Activities are in docroutes.py."""

from __future__ import annotations

import json
import re
from datetime import datetime

from flask import Blueprint, Response, current_app, g, jsonify, request

from ..core.http import raw_body
from . import auth, formats, signature, statements, validate
from .documents import find as find_doc
from .documents import scope
from .documents import write as write_doc
from .errors import XapiInvalid, XapiNotFound

bp = Blueprint("xapi", __name__, url_prefix="/xapi")
VERSION_RE = re.compile(r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$")
GET_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "more",
}
ATTACHMENTS = scope("attachment")


def base_url() -> str:
    configured = current_app.config["XUEDIAN"].public_url.strip().rstrip("/")
    return configured or request.host_url.rstrip("/")


@bp.before_request
def _check():
    if request.method == "OPTIONS":
        return None
    header = request.headers.get("X-Experience-API-Version")
    if request.endpoint != "xapi.about" and (
        header is None or not VERSION_RE.match(header.strip())
    ):
        g.xapi_version = "2.0.0"
        raise XapiInvalid("Send X-Experience-API-Version: 2.0.0 (or 1.0.3).")
    g.xapi_version = "1.0.3" if (header or "").startswith("1.0") else "2.0.0"
    if request.endpoint != "xapi.about":
        g.lrs_client = auth.authenticate(request.headers.get("Authorization"))
    return None


@bp.after_request
def _version(response: Response):
    response.headers["X-Experience-API-Version"] = getattr(g, "xapi_version", "2.0.0")
    if request.path.startswith("/xapi/statements"):
        _consistent(response)
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="xapi"'
    return response


@bp.get("/about")
def about():
    return jsonify({"version": ["1.0.3", "2.0.0"], "extensions": {}})


def _json_param(name: str):
    try:
        return json.loads(request.args[name])
    except ValueError:
        raise XapiInvalid(f"{name} must be JSON.") from None


def _time_param(name: str) -> datetime | None:
    if name not in request.args:
        return None
    validate.timestamp(request.args[name], name)
    return datetime.fromisoformat(request.args[name].replace("Z", "+00:00"))


def _bool_param(name: str) -> bool:
    value = request.args.get(name, "false").lower()
    if value not in ("true", "false"):
        raise XapiInvalid(f"{name} must be true or false.")
    return value == "true"


def _consistent(response: Response) -> Response:
    response.headers["X-Experience-API-Consistent-Through"] = statements.stamp(statements.now())
    return response


def _answer(document, with_files: bool, stored_list: list[dict]) -> Response:
    if not with_files:
        return jsonify(document)
    files = {}
    for st in stored_list:
        for item in st.get("attachments", []) + st.get("object", {}).get("attachments", []):
            doc = find_doc(ATTACHMENTS, item["sha2"])
            if doc is not None:
                files[item["sha2"]] = (doc.content_type, doc.content)
    body, ctype = formats.multipart(document, files)
    return Response(body, content_type=ctype)


@bp.get("/statements")
def get_statements():
    unknown = set(request.args) - GET_PARAMS
    if unknown:
        raise XapiInvalid(f"Unknown parameters {sorted(unknown)}.")
    fmt = request.args.get("format", "exact")
    if fmt not in ("exact", "ids", "canonical"):
        raise XapiInvalid("format must be exact, ids or canonical.")
    with_files = _bool_param("attachments")
    lang = request.headers.get("Accept-Language", "")
    single = [k for k in ("statementId", "voidedStatementId") if k in request.args]
    if single:
        if len(single) > 1 or set(request.args) - {*single, "format", "attachments"}:
            raise XapiInvalid("statementId and voidedStatementId take only format and attachments.")
        st = statements.get_one(
            request.args[single[0]], base_url(), voided=single[0] != "statementId"
        )
        if st is None:
            raise XapiNotFound()
        response = _answer(formats.shaped(st, fmt, lang), with_files, [st])
        stored = datetime.fromisoformat(st["stored"].replace("Z", "+00:00"))
        response.last_modified = stored
        return _consistent(response)
    if "more" in request.args:
        try:
            position, filters, ascending, limit, fmt = statements.decode_position(
                request.args["more"]
            )
        except (ValueError, KeyError, TypeError):
            raise XapiInvalid("The more cursor is not valid.") from None
    else:
        filters = {}
        if "agent" in request.args:
            filters["agent"] = _json_param("agent")
            validate.agent(filters["agent"], "agent")
        if "verb" in request.args:
            validate.iri(request.args["verb"], "verb")
            filters["verb"] = request.args["verb"]
        if "activity" in request.args:
            validate.iri(request.args["activity"], "activity")
            filters["activity"] = request.args["activity"]
        if "registration" in request.args:
            validate.uuid(request.args["registration"], "registration")
            filters["registration"] = request.args["registration"]
        filters["related_activities"] = _bool_param("related_activities")
        filters["related_agents"] = _bool_param("related_agents")
        filters["since"], filters["until"] = _time_param("since"), _time_param("until")
        ascending = _bool_param("ascending")
        try:
            limit = int(request.args.get("limit", "0"))
        except ValueError:
            raise XapiInvalid("limit must be a whole number.") from None
        if limit < 0:
            raise XapiInvalid("limit must not be negative.")
        limit = min(limit or 100, 100)
        position = None
    found, nxt = statements.find(filters, base_url(), position, ascending, limit)
    document = {"statements": [formats.shaped(st, fmt, lang) for st in found]}
    if nxt is not None:
        token = statements.encode_position(nxt, filters, ascending, limit, fmt)
        from urllib.parse import quote

        document["more"] = f"{bp.url_prefix}/statements?more={quote(token)}"
    else:
        document["more"] = ""
    return _consistent(_answer(document, with_files, found))


def _read_statements():
    ctype = request.headers.get("Content-Type", "")
    files = {}
    if ctype.lower().startswith("multipart/mixed"):
        data, files = formats.parse_multipart(raw_body(), ctype)
    elif ctype.split(";")[0].strip().lower() != "application/json":
        raise XapiInvalid("Statements are sent as application/json or multipart/mixed.")
    else:
        try:
            data = json.loads(raw_body().decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise XapiInvalid("The body is not valid JSON.") from None
    batch = data if isinstance(data, list) else [data]
    if isinstance(data, list) and not data:
        raise XapiInvalid("An empty batch has nothing to store.")
    for n, st in enumerate(batch):
        validate.statement(st, f"statements[{n}]" if isinstance(data, list) else "statement")
    needed = set()
    for st in batch:
        for item in st.get("attachments", []) + st["object"].get("attachments", []):
            if "fileUrl" not in item:
                needed.add(item["sha2"])
    if needed - set(files) or set(files) - needed - _all_shas(batch):
        raise XapiInvalid("Every attachment without fileUrl needs its part, and no other parts.")
    for st in batch:
        signature.check(st, files)
    return batch, files


def _all_shas(batch):
    return {item["sha2"] for st in batch for item in st.get("attachments", [])}


def _store(batch, files) -> list[str]:
    for sha2, (ctype, data) in files.items():
        if find_doc(ATTACHMENTS, sha2) is None:
            write_doc(ATTACHMENTS, sha2, data, ctype, {}, merge=False, need_precondition=False)
    version = "1.0.0" if g.xapi_version.startswith("1.0") else "2.0.0"
    return statements.store(batch, auth.authority(g.lrs_client, base_url()), version)


@bp.put("/statements")
def put_statement():
    statement_id = request.args.get("statementId")
    if not statement_id:
        raise XapiInvalid("PUT needs the statementId parameter.")
    validate.uuid(statement_id, "statementId")
    batch, files = _read_statements()
    if len(batch) != 1 or not isinstance(batch[0], dict):
        raise XapiInvalid("PUT takes one statement.")
    if batch[0].get("id", statement_id).lower() != statement_id.lower():
        raise XapiInvalid("The statement's id differs from statementId.")
    batch[0]["id"] = batch[0].get("id", statement_id)
    _store(batch, files)
    return _consistent(Response(status=204))


@bp.post("/statements")
def post_statements():
    if request.args:
        raise XapiInvalid("POST takes no parameters.")
    batch, files = _read_statements()
    return _consistent(jsonify(_store(batch, files)))


def init_app(app) -> None:
    """Register ``/xapi/`` (routes here and in docroutes)."""
    from . import docroutes  # noqa: F401  (adds its routes to bp)
    from .alternate import AlternateSyntax

    app.register_blueprint(bp)
    app.wsgi_app = AlternateSyntax(app.wsgi_app)

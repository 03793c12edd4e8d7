"""The document resources (State, Activity Profile, Agent Profile) and the Agents and
Activities resources of ``/xapi/``."""

from __future__ import annotations

import json

from flask import Response, g, jsonify, request
from sqlalchemy import select

from ..core.http import raw_body
from ..extensions import db
from . import documents, validate
from .errors import XapiInvalid, XapiNotFound
from .keys import activity_key, agent_key
from .models import LrsStatement, LrsStatementKey
from .routes import _time_param, bp


def _required(name: str) -> str:
    value = request.args.get(name)
    if value is None:
        raise XapiInvalid(f"The {name} parameter is required.")
    return value


def _agent(name: str = "agent") -> dict:
    try:
        agent = json.loads(_required(name))
    except ValueError:
        raise XapiInvalid(f"{name} must be JSON.") from None
    validate.agent(agent, name)
    return agent


def _activity() -> str:
    activity_id = _required("activityId")
    validate.iri(activity_id, "activityId")
    return activity_id


def _only(*names: str) -> None:
    unknown = set(request.args) - set(names)
    if unknown:
        raise XapiInvalid(f"Unknown parameters {sorted(unknown)}.")


def _document(scope_key: str, id_param: str, *, need_precondition: bool):
    """Answer GET, PUT, POST or DELETE on the documents of one scope."""
    doc_id = request.args.get(id_param)
    if request.method in ("GET", "HEAD"):
        if doc_id is None:
            return jsonify(documents.ids(scope_key, _time_param("since")))
        doc = documents.find(scope_key, doc_id)
        if doc is None:
            raise XapiNotFound()
        response = Response(doc.content, content_type=doc.content_type)
        response.headers["ETag"] = f'"{doc.etag}"'
        response.last_modified = doc.updated
        return response
    if request.method == "DELETE":
        documents.remove(scope_key, doc_id, request.headers)
        return Response(status=204)
    if doc_id is None:
        raise XapiInvalid(f"The {id_param} parameter is required.")
    documents.write(
        scope_key,
        doc_id,
        raw_body(),
        request.headers.get("Content-Type", "application/octet-stream"),
        request.headers,
        merge=request.method == "POST",
        need_precondition=need_precondition,
    )
    return Response(status=204)


METHODS = ["GET", "PUT", "POST", "DELETE"]


@bp.route("/activities/state", methods=METHODS)
def state():
    _only("activityId", "agent", "registration", "stateId", "since")
    if (request.method in ("PUT", "POST") or "stateId" in request.args) and "since" in request.args:
        raise XapiInvalid("since goes only with a list of state ids.")
    activity_id, agent = _activity(), _agent()
    registration = request.args.get("registration")
    if registration is not None:
        validate.uuid(registration, "registration")
    key = documents.scope("state", activity_id, agent_key(agent), registration)
    return _document(key, "stateId", need_precondition=g.xapi_version.startswith("2."))


@bp.route("/activities/profile", methods=METHODS)
def activity_profile():
    _only("activityId", "profileId", "since")
    activity_id = _activity()
    if request.method != "GET" and "profileId" not in request.args:
        raise XapiInvalid("The profileId parameter is required.")
    key = documents.scope("activity-profile", activity_id)
    return _document(key, "profileId", need_precondition=True)


@bp.route("/agents/profile", methods=METHODS)
def agent_profile():
    _only("agent", "profileId", "since")
    agent = _agent()
    if request.method != "GET" and "profileId" not in request.args:
        raise XapiInvalid("The profileId parameter is required.")
    key = documents.scope("agent-profile", agent_key(agent))
    return _document(key, "profileId", need_precondition=True)


@bp.get("/agents")
def agents():
    _only("agent")
    agent = _agent()
    if agent.get("objectType") == "Group":
        raise XapiInvalid("agent must be an Agent.")
    person = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return jsonify(person)


@bp.get("/activities")
def activities():
    _only("activityId")
    activity_id = _activity()
    definition: dict = {}
    found = select(LrsStatementKey.seq).where(
        LrsStatementKey.kind == "activity", LrsStatementKey.value == activity_key(activity_id)
    )
    query = select(LrsStatement.body).where(LrsStatement.seq.in_(found))
    rows = db.session.scalars(query.order_by(LrsStatement.seq)).all()
    for body in rows:
        obj = body.get("object") or {}
        if obj.get("objectType", "Activity") == "Activity" and obj.get("id") == activity_id:
            for key, value in (obj.get("definition") or {}).items():
                if isinstance(value, dict) and isinstance(definition.get(key), dict):
                    definition[key] = {**definition[key], **value}
                else:
                    definition[key] = value
    out = {"objectType": "Activity", "id": activity_id}
    if definition:
        out["definition"] = definition
    return jsonify(out)

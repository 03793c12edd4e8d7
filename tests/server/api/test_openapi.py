"""The OpenAPI document (web/openapi.py): every /api/ route is described, from the schemas
the features own, and a 405 names the methods an address accepts."""

from __future__ import annotations

import re


def _api_routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/api/", "/blobs/")):
            continue
        path = re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            out.add((path, method.lower()))
    return out


def test_every_api_route_is_in_the_document(app, client):
    answer = client.get("/api/openapi.json")
    assert answer.status_code == 200
    doc = answer.get_json()
    assert doc["openapi"].startswith("3.1")
    described = {(p, m) for p, ops in doc["paths"].items() for m in ops}
    assert _api_routes(app) <= described


def test_wire_fields_carry_their_limits(client):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    batch = schemas["SyncBatch"]["properties"]
    assert batch["batch_id"]["maxLength"] == 36
    assert batch["created"]["format"] == "date-time"
    assert batch["device_id"]["pattern"] == "^[0-9a-f]{32}$"  # Python's \Z, as JSON Schema's $
    status = schemas["DeviceStatus"]["properties"]
    assert status["unsent"]["minimum"] == 0 and status["unsent"]["maximum"] == 2**31 - 1
    envelope = schemas["SyncBatchEnvelope"]
    assert envelope["properties"]["signed"] == {"$ref": "#/components/schemas/SyncBatch"}
    assert envelope["required"] == ["signature", "signed"]


def test_refusals_name_their_codes_and_use_the_envelope(client):
    doc = client.get("/api/openapi.json").get_json()
    refused = doc["paths"]["/api/v1/sync/batches"]["post"]["responses"]["401"]
    assert {"device-unknown", "device-signature-invalid"} <= set(refused["x-error-codes"])
    schema = refused["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert set(doc["components"]["schemas"]["ErrorEnvelope"]["required"]) == {
        "ok",
        "code",
        "message",
        "details",
    }
    archive = doc["paths"]["/api/v1/packs/{pack_id}/{version}/archive"]["get"]
    assert {"200", "206", "416"} <= set(archive["responses"])
    assert {p["name"] for p in archive["parameters"]} == {"pack_id", "version", "Range"}


def test_a_wrong_method_is_answered_with_the_allowed_ones(client):
    answer = client.open("/api/v1/sync/changes", method="TRACE")
    assert answer.status_code == 405
    assert answer.get_json()["code"] == "method-not-allowed"
    assert "POST" in answer.headers["Allow"]

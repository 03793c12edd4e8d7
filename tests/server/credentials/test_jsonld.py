"""The JSON-LD layer: contexts come from the package only, and undefined terms are refused."""

from __future__ import annotations

import socket

import pytest

from xuedian.credentials import jsonld
from xuedian.credentials.errors import ContextUnknown, CredentialMalformed, TermUndefined

BASE = {
    "@context": [jsonld.VC_V2],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject"},
}


@pytest.fixture
def no_network(monkeypatch):
    """Any socket the loader opened would fail the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the document loader tried the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_loader_answers_every_shipped_context_offline(no_network):
    for url, name in jsonld.CONTEXTS.items():
        loaded = jsonld.LOADER(url)
        assert loaded["documentUrl"] == url
        assert "@context" in loaded["document"], name


def test_loader_refuses_an_unknown_context_without_the_network(no_network):
    doc = {**BASE, "@context": [jsonld.VC_V2, "https://example.org/my-context.jsonld"]}
    with pytest.raises(ContextUnknown) as refused:
        jsonld.expand(doc)
    assert refused.value.details["url"] == "https://example.org/my-context.jsonld"


def test_expand_refuses_a_term_no_context_defines():
    doc = {**BASE, "credentialSubject": {"id": "did:example:subject", "favouriteOpera": "黄梅戏"}}
    with pytest.raises(TermUndefined) as refused:
        jsonld.canonical_nquads(doc)
    assert refused.value.code == "credential-term-undefined"


def test_expand_refuses_an_undefined_type():
    doc = {**BASE, "type": ["VerifiableCredential", "CountyCertificate"]}
    with pytest.raises(TermUndefined) as refused:
        jsonld.expand(doc)
    assert refused.value.details["terms"] == ["CountyCertificate"]


def test_expand_refuses_a_type_mapped_to_a_non_url():
    doc = {**BASE, "@context": [jsonld.VC_V2, {"Bad": "https ://not-a-url#Bad"}]}
    doc["type"] = ["VerifiableCredential", "Bad"]
    with pytest.raises(CredentialMalformed) as refused:
        jsonld.expand(doc)
    assert refused.value.code == "credential-malformed"


def test_canonical_form_of_a_clean_credential():
    assert jsonld.canonical_nquads(BASE).splitlines() == [
        "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://www.w3.org/2018/credentials#VerifiableCredential> .",
        "_:c14n0 <https://www.w3.org/2018/credentials#credentialSubject> <did:example:subject> .",
        "_:c14n0 <https://www.w3.org/2018/credentials#issuer> <did:example:issuer> .",
    ]


def test_every_context_file_is_listed_with_its_source():
    readme = (jsonld.FOLDER / "README.md").read_text("utf-8")
    files = {p.name for p in jsonld.FOLDER.iterdir() if p.suffix in (".json", ".jsonld")}
    assert files == set(jsonld.CONTEXTS.values())
    for url, name in jsonld.CONTEXTS.items():
        assert f"| {url} | `{name}` |" in readme

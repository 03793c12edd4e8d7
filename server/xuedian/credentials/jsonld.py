"""JSON-LD for credentials: the contexts shipped in ``contexts/``, a document loader that
never goes to the network, strict expansion and RDF Dataset Canonicalization (RDFC-1.0).

Owns the table of context URLs this server understands (``CONTEXTS``); each file's source
is in ``contexts/README.md``. A context URL not in the table is refused
(``credential-context-unknown``), and a term the contexts do not define is refused
(``credential-term-undefined``) instead of being silently dropped from what is signed.

pyld (with requests and lxml, about 11 MB) loads on the first credential expanded or
signed, not when a serving worker starts.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContextUnknown, CredentialMalformed, TermUndefined

if TYPE_CHECKING:
    from pyld.jsonld import JsonLdError

FOLDER = Path(__file__).parent / "contexts"

#: Every context URL the loader answers, and the file in ``contexts/`` it answers with.
CONTEXTS: dict[str, str] = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "bitstring-status-list-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-v2p0-context-2.0.1.json",
}

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


@cache
def _document(url: str) -> dict:
    return json.loads((FOLDER / CONTEXTS[url]).read_text("utf-8"))


def make_loader(extra: dict[str, dict] | None = None):
    """Return a pyld document loader over ``CONTEXTS`` (plus ``extra``: URL -> document,
    for a test vector that names a context by an older URL). It never opens a socket."""
    extra = dict(extra or {})

    def load(url: str, _options=None) -> dict:
        if url in extra:
            document, tag = extra[url], None
        elif url in CONTEXTS:
            # "static": the shipped files never change, so pyld keeps what it resolved from
            # them across documents instead of resolving the same context for each one.
            document, tag = _document(url), "static"
        else:
            raise ContextUnknown(url=str(url)[:200])
        # A copy: pyld may keep what it is given, and the cached file must stay as read.
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(document),
            "contentType": "application/ld+json",
            "tag": tag,
        }

    return load


LOADER = make_loader()


def expand(document: dict, loader=LOADER) -> list:
    """Return the expanded form of ``document``, refusing what expansion would lose.

    Raises :class:`TermUndefined` for a property no context defines, or a ``type`` or
    ``id`` that does not expand to an absolute IRI (the "safe mode" of JSON-LD signing:
    what is not in the RDF is not signed, so it must not be in the document either);
    :class:`ContextUnknown` for a context URL not shipped here; :class:`CredentialMalformed`
    for anything else JSON-LD refuses.
    """
    from pyld import jsonld
    from pyld.jsonld import JsonLdError

    dropped: list[str] = []
    try:
        expanded = jsonld.expand(
            document,
            {"documentLoader": loader, "base": None},
            on_property_dropped=lambda name: dropped.append(str(name)),
        )
    except JsonLdError as exc:
        raise _cause(exc) from exc
    except (KeyError, TypeError, ValueError, RecursionError) as exc:
        # pyld trips over some hostile contexts ("@vocab": null with no @vocab to clear, a
        # context nested past the stack): refused like any document it cannot read.
        raise CredentialMalformed("The credential's JSON-LD cannot be processed.") from exc
    if dropped:
        raise TermUndefined(terms=sorted(set(dropped))[:20])
    relative = sorted(set(_relative_iris(expanded)))
    if relative:
        raise TermUndefined(
            "A type or id is not an absolute IRI under the document's contexts.",
            terms=relative[:20],
        )
    return expanded


def canonical_nquads(document: dict, loader=LOADER) -> str:
    """Return the RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, after the strict
    expansion of :func:`expand`."""
    from pyld import jsonld
    from pyld.jsonld import JsonLdError

    expanded = expand(document, loader)
    try:
        return jsonld.normalize(
            expanded,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader,
            },
        )
    except JsonLdError as exc:
        raise _cause(exc) from exc


#: An absolute IRI (RFC 3987): a scheme, a colon, and no space or character IRIs forbid.
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")


def is_absolute_iri(value) -> bool:
    """Whether ``value`` is a string holding an absolute IRI."""
    return isinstance(value, str) and ABSOLUTE_IRI.fullmatch(value) is not None


def _relative_iris(node):
    """Yield every ``@type`` or ``@id`` of an expanded document that is not absolute."""
    if isinstance(node, list):
        for item in node:
            yield from _relative_iris(item)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        kind = node.get("@type")
        if isinstance(kind, str) and not is_absolute_iri(kind):
            yield kind
        return
    ident = node.get("@id")
    if isinstance(ident, str) and not ident.startswith("_:") and not is_absolute_iri(ident):
        yield ident
    for kind in node.get("@type", []) or []:
        if isinstance(kind, str) and not kind.startswith("_:") and not is_absolute_iri(kind):
            yield kind
    for key, value in node.items():
        if key not in ("@id", "@type", "@value"):
            yield from _relative_iris(value)


def _cause(exc: JsonLdError) -> Exception:
    """The XuedianError a pyld error stands for: a refused context stays what it was."""
    seen = exc
    while seen is not None:
        if isinstance(seen, (ContextUnknown, TermUndefined)):
            return seen
        for attr in ("cause", "__cause__"):
            nested = getattr(seen, attr, None)
            if isinstance(nested, BaseException):
                seen = nested
                break
        else:
            seen = None
    return CredentialMalformed("The credential is not valid JSON-LD: " + str(exc)[:300])

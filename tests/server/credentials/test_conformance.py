"""W3C's VC suites against a live server on loopback (conformance.py): every test of a
feature this server implements must pass.

``NOT_APPLICABLE`` names, by full title, the tests that cannot apply and why; any other
failure fails here. The suites only talk to the endpoints in ``localConfig.cjs``.
"""

from __future__ import annotations

import pytest

from .conformance import run_suite

_VP = (
    "posts a Verifiable Presentation: this server verifies credentials one by one "
    "(POST /credentials/verify) and has no presentation verifier"
)
#: Full test title -> why it cannot apply to this server.
NOT_APPLICABLE: dict[str, str] = {
    "Data Integrity (eddsa-rdfc-2022 verifiers) Xuedian An OPTIONAL string value "
    "(proof.previousProof) or unordered list of string values. Each value identifies "
    "another data integrity proof that MUST verify before the current proof is processed.": (
        "proof chains (previousProof) are left out on purpose: a county signs each credential "
        "once with one key; the suite marks the test optional"
    ),
    "Basic Conformance Xuedian A conforming verifier implementation MUST produce errors when "
    "non-conforming documents are detected.": "its last assertion " + _VP,
    "Contexts Xuedian Verifiable presentations MUST include a @context property.": _VP,
    "Contexts Xuedian Verifiable presentations: The value of the @context property MUST be an "
    "ordered set where the first item is a URL with the value "
    "https://www.w3.org/ns/credentials/v2.": _VP,
    'Contexts Xuedian Verifiable Presentation `@context`: "Subsequent items in the ordered set '
    "MUST be composed of any combination of URLs and/or objects where each is processable as "
    'a JSON-LD Context."': _VP,
    "Types Xuedian Verifiable presentations MUST contain a type property with an associated "
    "value.": _VP,
    "Types Xuedian Verifiable Presentation objects MUST have a type specified.": _VP,
    "Algorithms Xuedian This section contains an algorithm that conforming verifier "
    "implementations MUST run when verifying a verifiable credential or a verifiable "
    "presentation.": "its last assertion " + _VP,
    "Advanced Concepts Xuedian If the digest provided by the issuer does not match the digest "
    "computed for the retrieved resource, the conforming verifier implementation MUST produce "
    "an error.": (
        "checking it means fetching the related resource, and this verifier never goes to the "
        "network; relatedResource entries are checked for shape (id, digest) only"
    ),
}


def _unexpected(outcome: dict) -> list[tuple[str, str]]:
    return [(title, error) for title, error in outcome["failed"] if title not in NOT_APPLICABLE]


@pytest.mark.timeout(1500)
def test_vc_di_eddsa_suite_passes_for_both_cryptosuites():
    outcome = run_suite("vc-di-eddsa-test-suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
    assert _unexpected(outcome) == []
    assert len(outcome["passed"]) >= 50
    assert any("eddsa-jcs-2022" in title for title in outcome["passed"])


@pytest.mark.timeout(1500)
def test_vc_data_model_2_0_suite_passes():
    outcome = run_suite("vc-data-model-2.0-test-suite", ["vc2.0"])
    assert _unexpected(outcome) == []
    assert len(outcome["passed"]) >= 50

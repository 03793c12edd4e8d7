"""Credentials (学分银行 core): the county issuer key (did:key), Open Badges 3.0 and CLR 2.0
credentials signed with the W3C ``eddsa-rdfc-2022`` / ``eddsa-jcs-2022`` cryptosuites,
Bitstring Status List revocation, the compact QR form, and the VC API (docs/credentials.md).

Other features build on :mod:`.service` (issue, verify), :mod:`.badges` (builders),
:mod:`.statuslist` (revoke) and :mod:`.compact` (QR text).
"""

from __future__ import annotations


def init_app(app) -> None:
    """Give ``app`` its issuer keys (``<instance>/credentials/issuer``) and its province
    trust list (``<instance>/credentials/trust``), and add the trust section (issuer keys,
    status lists) to the changes feed; the factory registers the VC API blueprint
    (routes.py) and the public /verify page (verifypage.py)."""
    from pathlib import Path

    from ..core import hooks
    from .feedsection import feed_fields, trust_section
    from .issuerkeys import IssuerKeys
    from .trustlist import TrustStore

    app.extensions["xuedian.issuer_keys"] = IssuerKeys(Path(app.instance_path))
    app.extensions["xuedian.trust"] = TrustStore(Path(app.instance_path))
    hooks.register(app, "feed-sections", trust_section)
    hooks.register(app, "feed-fields", feed_fields)

"""The trust section of the changes feed: the issuer keys and revocation status lists a phone
needs to verify certificates offline, sent on a fresh cursor and again only when a key or a
list changed, to every phone (not only the holder's)."""

from __future__ import annotations

import uuid

from xuedian.credentials import compact, statuslist
from xuedian.credentials.issuerkeys import issuer_keys
from xuedian.credits.definitions import ensure_defaults
from xuedian.credits.models import Outcome
from xuedian.extensions import db

from ..credits.helpers import completion, publish
from ..sync.helpers import register
from ..sync.test_feed import changes


def _bit(section: dict, credential: dict) -> bool:
    entry = credential["credentialStatus"]
    (listed,) = [x for x in section["lists"] if x["url"] == entry["statusListCredential"]]
    return statuslist.bit(statuslist.decode(listed["encoded"]), int(entry["statusListIndex"]))


def test_trust_section_carries_keys_and_revocations_to_every_phone(app, client):
    publish(app, lessons=("01",))
    with app.app_context():
        ensure_defaults()
        db.session.commit()
    holder, verifier = register(client), register(client)
    first = changes(client, verifier)
    assert first["trust"] == {"issuers": [], "lists": []}
    assert changes(client, verifier, first["cursor"])["trust"] is None

    holder.send(client, [completion(1, str(uuid.uuid4()), "01")])
    outcome = changes(client, holder)["credits"]["outcomes"][0]  # signs the credential
    credential = compact.decode(outcome["qr"])
    with app.app_context():
        did = issuer_keys().active().did
    second = changes(client, verifier, first["cursor"])
    assert second["trust"]["issuers"] == [{"did": did, "status": "active"}]
    assert credential["issuer"]["id"] == did
    assert _bit(second["trust"], credential) is False
    quiet = changes(client, verifier, second["cursor"])
    assert quiet["trust"] is None

    with app.app_context():
        statuslist.revoke(db.session.scalar(db.select(Outcome.credential_id)))
    revoked = changes(client, verifier, quiet["cursor"])
    assert _bit(revoked["trust"], credential) is True
    # A phone starting afresh gets it all again.
    assert _bit(changes(client, verifier)["trust"], credential) is True

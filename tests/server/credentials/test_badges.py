"""The builders: an Open Badges 3.0 OpenBadgeCredential and a CLR 2.0 ClrCredential that
wraps signed badges, both VC 2.0, signed by the county and verifiable."""

from __future__ import annotations

from xuedian.credentials import badges, service


def _badge(app, name: str = "地方戏曲入门证书") -> dict:
    achievement = badges.achievement(
        achievement_id="https://county.example/outcomes/opera-intro",
        name="地方戏曲入门",
        description="十课",
        criteria="完成全部十课，测验不低于 60 分。",
        hours=6,
    )
    return badges.open_badge(
        issuer=badges.county_profile("清水县学分银行"),
        achievement=achievement,
        name=name,
        subject_id="urn:uuid:0b0b0b0b-0000-4000-8000-000000000001",
    )


def test_open_badge_has_the_ob3_shape_and_verifies(app):
    with app.app_context():
        signed = badges.issue_badge(_badge(app))
        did = app.extensions["xuedian.issuer_keys"].active().did
        result = service.verify(signed)
    assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert signed["@context"][1].endswith("/ob/v3p0/context-3.0.3.json")
    assert signed["issuer"] == {"id": did, "type": ["Profile"], "name": "清水县学分银行"}
    subject = signed["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["achievement"]["creditsAvailable"] == 6.0
    assert subject["achievement"]["criteria"] == {"narrative": "完成全部十课，测验不低于 60 分。"}
    assert signed["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert result["verified"] is True


def test_clr_transcript_wraps_signed_badges_and_verifies(app):
    with app.app_context():
        first = badges.issue_badge(_badge(app, "一"))
        second = badges.issue_badge(_badge(app, "二"), "eddsa-jcs-2022")
        built = badges.transcript(
            issuer=badges.county_profile("清水县学分银行"), badges=[first, second], name="学习档案"
        )
        signed = badges.issue_transcript(built)
        result = service.verify(signed)
        inner = service.verify(signed["credentialSubject"]["verifiableCredential"][1])
    assert signed["type"] == ["VerifiableCredential", "ClrCredential"]
    assert signed["credentialSubject"]["type"] == ["ClrSubject"]
    assert len(signed["credentialSubject"]["achievement"]) == 2
    assert result["verified"] is True
    assert inner["verified"] is True

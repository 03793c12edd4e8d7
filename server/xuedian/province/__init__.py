"""The province tier: counties send their aggregates (never a learner's record) to a
province instance, which shows them across counties (docs/deploy.md, "Many counties, one
province").

One codebase, two roles (``XUEDIAN_ROLE``): a county builds and signs its aggregates
document (:mod:`.document`), pushes it on a schedule (:mod:`.jobs`) and answers a
province's pull with a token it issued (:mod:`.tokens`); a province registers counties,
verifies and keeps their latest documents (:mod:`.intake`) and shows them
(:mod:`.pages`).
"""

from __future__ import annotations

COUNTY, PROVINCE = "county", "province"


def init_app(app) -> None:
    """Check the role setting; a province also needs its pages' words (core catalog)."""
    role = app.config["XUEDIAN"].role
    if role not in (COUNTY, PROVINCE):
        raise ValueError(f"XUEDIAN_ROLE must be county or province, not {role!r}")


def is_province(app) -> bool:
    """Whether ``app`` is a province instance."""
    return app.config["XUEDIAN"].role == PROVINCE

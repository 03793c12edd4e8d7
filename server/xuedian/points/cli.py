"""``xuedian points rule|rules|balance``: the county's earn rules and a learner's points."""

from __future__ import annotations

import click

from ..core.cliapp import cli_app as _app


@click.group()
def points() -> None:
    """Points (积分): earn rules, balances (docs/points.md)."""


@points.command("rule")
@click.argument("kind")
@click.argument("value", type=click.IntRange(min=0, max=100_000))
def points_rule(kind: str, value: int) -> None:
    """Set the points KIND gives (lesson-completed, quiz-passed, event-attended); 0: none."""
    from ..extensions import db
    from .earn import set_rule
    from .errors import RuleUnknown
    from .models import RULE_KINDS

    if kind not in RULE_KINDS:
        raise RuleUnknown(kind=kind, kinds=list(RULE_KINDS))
    with _app().app_context():
        set_rule(kind, value)
        db.session.commit()
        click.echo(f"{kind}: {value} point(s)")


@points.command("rules")
def points_rules() -> None:
    """List the earn rules: kind, points. Tab-separated."""
    from .earn import rules

    with _app().app_context():
        for kind, value in sorted(rules().items()):
            click.echo(f"{kind}\t{value}")


@points.command("balance")
@click.argument("learner")
def points_balance(learner: str) -> None:
    """Print a learner's balance, then their latest entries (kind, points, reason, created)."""
    from ..core.timeutil import iso
    from .ledger import balance, history

    with _app().app_context():
        click.echo(f"balance\t{balance(learner)}")
        for e in history(learner, 20):
            click.echo(f"{e.kind}\t{e.points}\t{e.reason}\t{iso(e.created)}")

"""``xuedian credits``: certify outcomes from every stored record and sign their
credentials (docs/credits.md)."""

from __future__ import annotations

import click

from ..core.cliapp import cli_app as _app


@click.group()
def credits() -> None:
    """The credit bank: outcome definitions, certification, credentials (docs/credits.md)."""


@credits.command("certify")
@click.option("--no-sign", is_flag=True, help="Certify only; sign credentials later.")
def certify(no_sign: bool) -> None:
    """Make the packs' default definitions, certify what the records meet and revoke what
    they no longer meet (idempotent), then sign the credentials outcomes lack."""
    from ..extensions import db
    from .certify import certify_all
    from .issuing import settle

    with _app().app_context():
        made, taken = certify_all()
        db.session.commit()
        issued, revoked = (0, 0) if no_sign else settle()
    click.echo(f"certified {made}, revoked {taken}, signed {issued}, status bits set {revoked}")


@credits.command("transcript")
@click.argument("learner")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="File.")
def transcript(learner: str, out: str) -> None:
    """Write LEARNER's signed CLR 2.0 transcript of every certified outcome to a file."""
    import json
    from pathlib import Path

    from sqlalchemy import select

    from ..extensions import db
    from .models import LearningAccount
    from .transcripts import transcript as make

    with _app().app_context():
        account = db.session.scalar(
            select(LearningAccount).where(LearningAccount.learner == learner.strip())
        )
        if account is None:
            raise click.ClickException(f"No learning account for learner {learner}.")
        made = make(account)
    Path(out).write_text(json.dumps(made, ensure_ascii=False, indent=2), "utf-8")
    count = len(made["credentialSubject"]["verifiableCredential"])
    click.echo(f"{out}\t{count} outcomes")

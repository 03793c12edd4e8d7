"""``xuedian inbox send|list``: messages that reach phones through the changes feed."""

from __future__ import annotations

import click

from ..core.cliapp import cli_app as _app


@click.group()
def inbox() -> None:
    """Send messages to phones (they arrive with the next sync)."""


@inbox.command("send")
@click.option("--title-zh", required=True, help="Title in Chinese.")
@click.option("--title-en", required=True, help="Title in English.")
@click.option("--body-zh", required=True, help="Text in Chinese.")
@click.option("--body-en", required=True, help="Text in English.")
@click.option("--device", "device_id", default=None, help="Only this device (id or 8+ chars).")
def inbox_send(
    title_zh: str, title_en: str, body_zh: str, body_en: str, device_id: str | None
) -> None:
    """Send a message to one device, or to every device (inbox now; Web Push is queued for
    the scheduler's push-send job)."""
    from ..sync.devices import find_device
    from .service import notify

    app = _app()
    with app.app_context():
        device = None
        if device_id:
            try:
                device = find_device(device_id)
            except LookupError:
                raise click.ClickException(f"No single device matches {device_id}.") from None
        messages, queued = notify(
            {"zh-CN": title_zh, "en": title_en},
            {"zh-CN": body_zh, "en": body_en},
            [device] if device else None,
        )
        to = device.id if device else "all devices"
        click.echo(f"message {messages[0].id}\tto {to}\tpush queued {queued['queued']}")


@inbox.command("list")
def inbox_list() -> None:
    """List every message sent: id, created, to, zh-CN title."""
    from ..core.timeutil import iso
    from .service import all_messages

    app = _app()
    with app.app_context():
        click.echo("id\tcreated\tto\ttitle")
        for message in all_messages():
            to = message.device_id or "all"
            click.echo(f"{message.id}\t{iso(message.created_at)}\t{to}\t{message.title['zh-CN']}")

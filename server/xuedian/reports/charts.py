"""Small inline SVG charts drawn on the server: bars, columns over time, a funnel and
stacked shares.

Each chart has a <title> and an aria-label; the pages also print the numbers as text, so
a screen reader or a printout loses nothing. Text in the SVG is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

#: Freshness colours, from synced lately (green) to never (grey).
STACK_COLOURS = ("#1a7f37", "#54a24b", "#e0b000", "#e07000", "#c0392b", "#9e9e9e")
BAR = "#2f6db5"
WIDTH = 320


def _svg(title: str, height: int, body: str) -> Markup:
    t = escape(title)
    # Every piece of text in body and title went through escape().
    return Markup(  # noqa: S704
        f'<figure class="chart"><figcaption>{t}</figcaption>'
        f'<svg role="img" aria-label="{t}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{t}</title>{body}</svg></figure>"
    )


def bars(title: str, items: list[tuple[str, float | None]], unknown: str) -> Markup:
    """Horizontal bars, one per (label, value); None is drawn as 'unknown', not 0."""
    top = max((v for _, v in items if v is not None), default=0) or 1
    row, label_w = 22, 110
    parts = []
    for i, (label, value) in enumerate(items):
        y = i * row
        parts.append(f'<text x="0" y="{y + 15}" font-size="11">{escape(str(label)[:16])}</text>')
        if value is None:
            parts.append(
                f'<text x="{label_w}" y="{y + 15}" font-size="11" fill="#666">'
                f"{escape(unknown)}</text>"
            )
            continue
        w = max(1, round((WIDTH - label_w - 50) * value / top)) if value else 0
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="14" fill="{BAR}"/>')
        parts.append(
            f'<text x="{label_w + w + 4}" y="{y + 15}" font-size="11">{escape(str(value))}</text>'
        )
    return _svg(title, max(row, row * len(items)), "".join(parts))


def funnel(title: str, stages: list[tuple[str, int]]) -> Markup:
    """A centred funnel: each stage's bar as wide as its share of the first stage."""
    first = stages[0][1] if stages else 0
    row, parts = 24, []
    for i, (label, value) in enumerate(stages):
        w = round((WIDTH - 20) * value / first) if first else 0
        x = (WIDTH - w) // 2
        y = i * row
        parts.append(
            f'<rect x="{x}" y="{y + 2}" width="{w}" height="20" fill="{BAR}" '
            f'fill-opacity="{1 - i * 0.18:.2f}"/>'
        )
        parts.append(
            f'<text x="{WIDTH // 2}" y="{y + 16}" font-size="11" text-anchor="middle" '
            f'fill="#000">{escape(label)}: {value}</text>'
        )
    return _svg(title, row * max(1, len(stages)), "".join(parts))


def stacked(title: str, rows: list[tuple[str, list]], legend: list[str]) -> Markup:
    """One 100% bar per row of shares (percent, None when unknown), with a legend."""
    row, label_w, parts = 22, 110, []
    for i, (label, shares) in enumerate(rows):
        y = i * row
        parts.append(f'<text x="0" y="{y + 15}" font-size="11">{escape(str(label)[:16])}</text>')
        x = label_w
        for j, share in enumerate(shares):
            if not share:
                continue
            w = (WIDTH - label_w) * share / 100
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="14" '
                f'fill="{STACK_COLOURS[j % len(STACK_COLOURS)]}"><title>{escape(legend[j])}: '
                f"{share}%</title></rect>"
            )
            x += w
    y = len(rows) * row + 4
    for j, name in enumerate(legend):
        lx = (j % 3) * 106
        ly = y + (j // 3) * 16
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" '
            f'fill="{STACK_COLOURS[j % len(STACK_COLOURS)]}"/>'
            f'<text x="{lx + 14}" y="{ly + 9}" font-size="10">{escape(name)}</text>'
        )
    height = y + ((len(legend) + 2) // 3) * 16
    return _svg(title, height, "".join(parts))


def columns(title: str, items: list[tuple[str, float | None]], unknown: str) -> Markup:
    """Vertical columns in time order, one per (label, value); None is marked "?" in grey
    (unknown), never drawn as a zero."""
    top = max((v for _, v in items if v is not None), default=0) or 1
    plot, pad = 90, 14
    base = pad + plot
    step = WIDTH / max(1, len(items))
    width = step * 0.6
    parts = []
    for i, (label, value) in enumerate(items):
        mid = i * step + step / 2
        name = escape(str(label))
        if value is None:
            parts.append(
                f'<text x="{mid:.1f}" y="{base - 4}" font-size="11" text-anchor="middle" '
                f'fill="#666"><title>{name}: {escape(unknown)}</title>?</text>'
            )
        else:
            h = max(1, round(plot * value / top)) if value else 0
            parts.append(
                f'<rect x="{mid - width / 2:.1f}" y="{base - h}" width="{width:.1f}" '
                f'height="{h}" fill="{BAR}"><title>{name}: {escape(str(value))}</title></rect>'
                f'<text x="{mid:.1f}" y="{base - h - 3}" font-size="9" text-anchor="middle">'
                f"{escape(str(value))}</text>"
            )
        parts.append(
            f'<text x="{mid:.1f}" y="{base + 12}" font-size="8" text-anchor="middle">'
            f"{escape(str(label)[-5:])}</text>"
        )
    parts.append(f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#999"/>')
    return _svg(title, base + 18, "".join(parts))

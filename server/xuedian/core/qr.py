"""QR codes of the printable staff pages (point posters, route plaques, event codes), as
inline SVG. Owns no data."""

from __future__ import annotations


def qr_svg(url: str, title: str) -> str:
    """An inline SVG QR code (no width/height: CSS sizes it)."""
    import segno  # only the QR pages need it; the server starts smaller without

    code = segno.make(url, error="m")
    return code.svg_inline(scale=1, border=4, omitsize=True, title=title, svgclass="qr")


def qr_data_uri(text: str) -> str:
    """A data: URI of the QR code's SVG, for pages whose CSP allows data: images but not
    inline SVG styles."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=8, border=2)

"""Printed sheets: `{% qr_svg text title %}`, a QR code drawn inline as SVG on the server (no
image request, nothing from outside), for the link or id a sheet carries."""

from __future__ import annotations

import segno
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def qr_svg(text: str, title: str = "") -> SafeString:
    # A medium error correction survives a crumpled or wet tag; omitsize lets CSS size it.
    code = segno.make(str(text), error="m")
    svg = code.svg_inline(border=2, omitsize=True, title=title or None, svgclass="qr-code")
    return mark_safe(svg)  # segno's own markup; it escapes the title itself


@register.simple_tag(takes_context=True)
def qr_link(context: template.Context, path: str, title: str = "") -> SafeString:
    """A QR code of a page of this server (a person's page): the full address, to open it
    on a phone that scans the paper."""
    request = context.get("request")
    return qr_svg(request.build_absolute_uri(path) if request is not None else path, title)

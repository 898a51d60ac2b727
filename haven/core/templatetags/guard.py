"""Template tags that keep one bad record from taking a page down (see haven.core.rows).

`{% draw_panel panel %}` draws a dashboard panel, or "this panel could not be drawn".
`{% guard colspan=5 label=person.pk %}<tr>…</tr>{% endguard %}` draws a table row, or one
cell across the row saying it could not be shown. Either way the error is logged once.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString

from haven.core.dashboard import FAILED_TEMPLATE, Panel
from haven.core.rows import log_failure, savepoint

register = template.Library()


@register.simple_tag(takes_context=True)
def draw_panel(context: Context, panel: Panel) -> SafeString:
    try:
        with savepoint():
            panel_template = context.template.engine.get_template(panel.template)  # type: ignore[union-attr]
            with context.push(data=panel.context):
                return SafeString(panel_template.render(context))
    except Exception:
        ref = log_failure(f"dashboard panel {panel.title!r} could not be drawn")
        return SafeString(render_to_string(FAILED_TEMPLATE, {"data": {"ref": ref}}))


class GuardNode(Node):
    def __init__(
        self, nodelist: NodeList, colspan: FilterExpression, label: FilterExpression | None
    ):
        self.nodelist = nodelist
        self.colspan = colspan
        self.label = label

    def render(self, context: Context) -> str:
        try:
            with context.push():
                return self.nodelist.render(context)
        except Exception as error:
            try:
                label = str(self.label.resolve(context)) if self.label is not None else "row"
            except Exception:
                label = "row"
            ref = log_failure(f"{label} could not be shown")
            return format_html(
                '<tr class="bad-row"><td colspan="{}"><strong>{}</strong> could not be shown: '
                '{} <span class="muted">(ref {})</span></td></tr>',
                self.colspan.resolve(context),
                label,
                str(error) or type(error).__name__,
                ref,
            )


@register.tag
def guard(parser: Parser, token: Token) -> GuardNode:
    """{% guard colspan=N [label=expr] %} … {% endguard %}"""
    options: dict[str, Any] = {}
    for bit in token.split_contents()[1:]:
        name, sep, value = bit.partition("=")
        if not sep or name not in ("colspan", "label"):
            raise template.TemplateSyntaxError(f"guard takes colspan=N and label=…, not {bit!r}")
        options[name] = parser.compile_filter(value)
    if "colspan" not in options:
        raise template.TemplateSyntaxError("guard needs colspan=N")
    nodelist = parser.parse(("endguard",))
    parser.delete_first_token()
    return GuardNode(nodelist, options["colspan"], options.get("label"))

"""The access policy in templates: `{% may_see person "contact" as show_contact %}`,
`{% shown store "location" %}` (the value, or "hidden" for a location the reader may not
see, or nothing), `{% opens person as linked %}`. Sensitive values shown are noted as read."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import pgettext

from haven.core import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see(context: template.Context, record: Any, group: str) -> bool:
    request = context.get("request")
    if request is None or record is None:
        return False
    visible = policy.FieldGroup(group) in policy.visible_groups(request.user, record)
    if visible:
        policy.note_read(
            request,
            request.user,
            policy.FieldGroup(group),
            policy.model_label(record),
            getattr(record, "pk", None),
        )
    return visible


@register.simple_tag(takes_context=True)
def shown(context: template.Context, record: Any, field: str) -> Any:
    request = context.get("request")
    if request is None or record is None:
        return policy.HIDDEN
    value = policy.shown(request.user, record, field, request=request)
    if value == policy.HIDDEN:
        return pgettext("a value the reader may not see", "hidden")
    return "" if value is None else value


@register.simple_tag(takes_context=True)
def opens(context: template.Context, record: Any) -> bool:
    request = context.get("request")
    return request is not None and policy.opens(request.user, record)

"""`{% record_reads "people.person" person.pk %}`: who was shown a record's sensitive data,
from the audit log (the newest first), for pages that show a record to the commander."""

from __future__ import annotations

from typing import Any

from django import template

from haven.audit.choices import Kind
from haven.audit.models import AuditEvent

register = template.Library()
SHOWN = 10


@register.inclusion_tag("audit/_record_reads.html", takes_context=True)
def record_reads(context: dict[str, Any], label: str, pk: Any) -> dict[str, Any]:
    ref = f"{label}:{pk}"
    user = context.get("user")
    allowed = bool(user is not None and user.has_perm("audit.view_auditevent"))
    reads = (
        list(
            AuditEvent.objects.filter(kind=Kind.READ, records__contains=f" {ref} ").order_by(
                "-seq"
            )[:SHOWN]
        )
        if allowed
        else []
    )
    return {"allowed": allowed, "reads": reads, "ref": ref}

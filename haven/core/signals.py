"""Signals shared between areas that must not import each other.

`sensitive_read` is sent whenever someone is shown data of a sensitive group — a location
(the camp's, a store's, a mission's destination or route, the place of a status event or a
death), medical or protection details, or an export of the registry. The access policy sends
it; the audit log records it (who, what, which records, through which channel). Sending it
costs nothing when nobody listens.

Arguments (all keyword): `user` (the reader), `group` ("location", "medical", "protection",
"contact", "export" …), `model` (the model label, e.g. "stock.store"), `pks` (the records'
primary keys, a list, possibly empty for an aggregate), `channel` ("web", "api" or "cli").
"""

from __future__ import annotations

from django.dispatch import Signal

sensitive_read = Signal()


def report_export(*, user: object, model: str, rows: int, channel: str, kind: str) -> None:
    """An export left Haven: recorded as a sensitive read of group "export" (the records are
    too many to name; the count and the format are kept)."""
    sensitive_read.send(
        sender=None,
        user=user,
        group="export",
        model=model,
        pks=[],
        channel=channel,
        rows=rows,
        format=kind,
    )

"""The medical access log moves into the hash-chained audit log: each recorded read becomes a
read event (group "medical", the time it happened, who, whose record, through which page),
appended in the order the reads happened; then the old table goes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations

GENESIS_HASH = "0" * 64


def move_reads(apps: Any, schema_editor: Any) -> None:
    from haven.audit.log import event_hash

    old = apps.get_model("health", "MedicalAccessLog")
    event = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditHead")
    user_model = apps.get_model("auth", "User")
    reads = old.objects.order_by("accessed_at", "id")
    if not reads.exists():
        return
    names = dict(user_model.objects.values_list("pk", "username"))
    head = head_model.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = head_model.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
    seq, previous = head.seq, head.hash
    for read in reads.iterator(chunk_size=2000):
        channel, _, page = read.view.partition(":")
        seq += 1
        row = event(
            seq=seq,
            at=read.accessed_at.astimezone(dt.UTC),
            kind="read",
            action="read.medical",
            group="medical",
            channel=channel if channel in {"web", "api", "cli"} else "system",
            user_id=read.user_id,
            username=names.get(read.user_id, ""),
            records=f" people.person:{read.person_id} ",
            record_count=1,
            summary={"view": page or read.view, "from": "health.medicalaccesslog"},
            prev_hash=previous,
        )
        row.hash = event_hash(row)
        row.save(force_insert=True)
        previous = row.hash
    head.seq, head.hash = seq, previous
    head.save(update_fields=["seq", "hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0001_initial"),
        ("audit", "0002_passwordchangerequired"),
    ]

    operations = [
        migrations.RunPython(move_reads, migrations.RunPython.noop),
        migrations.DeleteModel(name="MedicalAccessLog"),
    ]

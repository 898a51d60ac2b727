"""Appending to the hash-chained audit log and checking the chain.

An event's hash is SHA-256 over its canonical form: JSON with sorted keys, no spaces,
the time in UTC to the microsecond, and the previous event's hash. Appending locks the
single head row in the same transaction as the event, so two writers never chain onto
the same predecessor, on SQLite (IMMEDIATE transactions) and PostgreSQL (row lock) alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from haven.audit.context import current_channel, request_user
from haven.audit.models import GENESIS_HASH, AuditEvent, AuditHead

HEAD_ID = 1
# Records named in one event; a bulk write or a long page names its first ones and a count.
MAX_RECORDS = 1000


def canonical(event: AuditEvent) -> bytes:
    """The bytes an event's hash covers: every field but the hash itself."""
    at = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    form = {
        "seq": event.seq,
        "at": at,
        "kind": event.kind,
        "action": event.action,
        "group": event.group,
        "channel": event.channel,
        "user_id": event.user_id,
        "username": event.username,
        "records": event.records,
        "record_count": event.record_count,
        "summary": event.summary,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def record_text(records: Iterable[str]) -> tuple[str, int]:
    """Records as stored (" a:1 b:2 ", each once, in order) and how many there were."""
    unique = list(dict.fromkeys(records))
    if not unique:
        return "", 0
    return " " + " ".join(unique[:MAX_RECORDS]) + " ", len(unique)


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        # The first event ever (or after a test flush): create the head once, whoever wins.
        AuditHead.objects.bulk_create([AuditHead(pk=HEAD_ID)], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(pk=HEAD_ID)
    return head


def _actor(user: Any) -> tuple[int | None, str]:
    if isinstance(user, AnonymousUser) or user is None:
        user = request_user()
    if isinstance(user, AbstractBaseUser) and user.is_authenticated:
        return user.pk, user.get_username()
    return None, ""


def append(
    *,
    kind: str,
    action: str,
    group: str = "",
    user: Any = None,
    records: Sequence[str] = (),
    summary: dict[str, Any] | None = None,
    channel: str | None = None,
) -> AuditEvent:
    """Append one event after the current head, in the caller's transaction if any."""
    user_id, username = _actor(user)
    text, count = record_text(records)
    # Stored as the database will give it back, so the hash recomputes the same.
    plain_summary = json.loads(json.dumps(summary or {}, sort_keys=True))
    with transaction.atomic():
        head = _lock_head()
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now().astimezone(dt.UTC),
            kind=kind,
            action=action[:80],
            group=group[:40],
            channel=channel or current_channel(),
            user_id=user_id,
            username=username,
            records=text,
            record_count=count,
            summary=plain_summary,
            prev_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def head() -> AuditHead:
    """The last event's number and hash (0 and the genesis hash for an empty log)."""
    return AuditHead.objects.filter(pk=HEAD_ID).first() or AuditHead(
        pk=HEAD_ID, seq=0, hash=GENESIS_HASH
    )


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of recomputing the chain: how many events held, and the first break."""

    count: int
    head_hash: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(chunk_size: int = 2000) -> Verification:
    """Recompute every event's hash in order and check each links to the one before."""
    previous = GENESIS_HASH
    expected = 1
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for event in events:
        if event.seq != expected:
            problem = (
                f"event {expected} is missing (the next one is {event.seq})"
                if event.seq > expected
                else f"event {event.seq} appears again after event {expected - 1}"
            )
            return Verification(expected - 1, previous, expected, problem)
        if event.prev_hash != previous:
            problem = (
                f"event {event.seq} does not follow event {event.seq - 1}: its previous hash "
                f"{event.prev_hash[:12]}… should be {previous[:12]}… (rows deleted or reordered)"
            )
            return Verification(expected - 1, previous, event.seq, problem)
        recomputed = event_hash(event)
        if recomputed != event.hash:
            problem = (
                f"event {event.seq} ({event.action}) was changed after it was written: "
                f"its contents hash to {recomputed[:12]}…, not {event.hash[:12]}…"
            )
            return Verification(expected - 1, previous, event.seq, problem)
        previous = event.hash
        expected += 1
    count = expected - 1
    last = head()
    if last.seq != count or last.hash != previous:
        why = "the newest events were deleted" if last.seq > count else "the head was changed"
        problem = (
            f"the log ends at event {count} but its head records event {last.seq} "
            f"({last.hash[:12]}…): {why}"
        )
        return Verification(count, previous, count + 1, problem)
    return Verification(count, previous)

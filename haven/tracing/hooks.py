"""What runs when another app's record is saved: a registration, an edit, a status change
or a death record is matched once its transaction is committed."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from haven.people.models import Person
from haven.tracing import matcher

log = logging.getLogger(__name__)


def person_saved(person_id: int) -> None:
    """Match the person if anything matching reads changed. A failure is logged, never
    raised: the registration stands whatever the matcher does (a scan retries)."""
    try:
        person = Person.objects.filter(pk=person_id).first()
        if person is not None and matcher.needs_matching(person):
            matcher.match_person(person=person)
    except Exception:
        log.exception("matching person %s failed; `haven tracing scan` will retry", person_id)


def on_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """post_save of a Person or a DeathRecord: match the person after the commit."""
    if raw:  # fixtures and restores: `haven tracing scan` matches them
        return
    person_id = instance.pk if isinstance(instance, Person) else instance.person_id
    transaction.on_commit(lambda: person_saved(person_id))

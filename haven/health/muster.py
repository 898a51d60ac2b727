"""The clinic's part in a muster: casualties under care cannot answer a roll call.

Under care means injured, or in the triage queue (a current triage record, which stays
current until a final outcome: recovered, transferred or died).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_noop

from haven.health.models import TriageRecord
from haven.people.accounting import ElsewhereGroup
from haven.people.choices import Status
from haven.people.models import Person


def accounted_elsewhere() -> list[ElsewhereGroup]:
    queue = TriageRecord.objects.filter(is_current=True).values("person_id")
    under_care = Person.objects.filter(Q(status=Status.INJURED) | Q(pk__in=queue))
    return [
        ElsewhereGroup(
            key="clinic", label=gettext_noop("in the clinic"), people=under_care, order=20
        )
    ]

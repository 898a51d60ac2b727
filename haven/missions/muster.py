"""Missions' part in a muster: a team checked out and not yet back cannot answer."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from haven.missions.models import MissionMember
from haven.people.accounting import ElsewhereGroup
from haven.people.models import Person


def accounted_elsewhere() -> list[ElsewhereGroup]:
    out = MissionMember.objects.out().values("person_id")
    # Someone out on a mission is not in the clinic, whatever their status says.
    return [
        ElsewhereGroup(
            key="mission",
            label=gettext_noop("on mission"),
            people=Person.objects.filter(pk__in=out),
            order=10,
        )
    ]

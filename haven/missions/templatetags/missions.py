"""Roster helpers: who is out on a supply mission right now."""

from __future__ import annotations

from django import template

from haven.missions.models import Mission, MissionMember

register = template.Library()


@register.simple_tag
def people_out_ids() -> set[int]:
    """Ids of everyone checked out on a mission and not back: one query per roster page."""
    return set(MissionMember.objects.out().values_list("person_id", flat=True))


@register.simple_tag
def mission_out_for(person_id: int) -> Mission | None:
    """The mission a person is out on, or None."""
    member = MissionMember.objects.out().filter(person_id=person_id).select_related("mission")
    found = member.first()
    return found.mission if found else None

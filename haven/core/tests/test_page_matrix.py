"""The access policy, walked on the web: every page of every app's URL patterns as every
role, on the camp whose secret fields carry markers. No page errs, and no page shows a
marker of a group the role may not see of any record (a location it may not see reads
"hidden"). A page whose URL takes a parameter the walk has no value for fails the test,
so a new page is covered the day it is added."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from haven.core import policy
from haven.core.tests.conftest import MARKERS

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")
SKIP = ("admin/", "api/", "login/", "logout/", "static/")


def _pages() -> Iterator[str]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIP):
                continue
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield "/" + route.lstrip("^").rstrip("$")

    yield from walk(get_resolver().url_patterns, "")


def _fill(route: str, camp: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        # Ids of different tables under one parameter name.
        if name == "record_id" and route.startswith("/health/casualties/"):
            name = "death_id"
        if name == "plan_id" and route.startswith("/shelter/"):
            name = "shelter_plan_id"
        assert name in camp, f"the page walk has no value for {name} ({route})"
        return str(camp[name])

    return re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def test_every_page_as_every_role(
    camp: dict[str, Any], users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    pages = sorted(set(_pages()))
    answered = 0
    for role in ROLES:
        client = client_as(role)
        user = type(users[role]).objects.get(pk=users[role].pk)
        may = {group for group in MARKERS if _sees_some(user, group)}
        allowed = _locatable(user)
        for route in pages:
            url = _fill(route, camp)
            response = client.get(url)
            assert response.status_code < 500, (role, url)
            if response.status_code != 200:
                continue
            answered += 1
            text = b"".join(response) if response.streaming else response.content
            for group, marker in MARKERS.items():
                if group not in may:
                    assert marker.encode() not in text, (role, url, group)
            # A location shown must be one of a record the role may locate (a scout's
            # own mission), never a store's, the camp's or a status event's.
            for place in allowed:
                text = text.replace(place.encode(), b"")
            if policy.G.LOCATION not in policy.role_groups(user):
                assert MARKERS[policy.G.LOCATION].encode() not in text, (role, url)
    print(f"\npage matrix: {len(ROLES)} roles × {len(pages)} pages, {answered} pages read")


def _locatable(user: Any) -> list[str]:
    from django.apps import apps

    missions = apps.get_model("missions.mission").objects.all()
    return [
        mission.destination
        for mission in missions
        if policy.G.LOCATION in policy.visible_groups(user, mission)
    ]


def _sees_some(user: Any, group: policy.FieldGroup) -> bool:
    from django.apps import apps

    from haven.people.models import Person

    if group in policy.role_groups(user):
        return True
    records = [*Person.objects.all(), *apps.get_model("missions.mission").objects.all()]
    return any(group in policy.visible_groups(user, record) for record in records)


@pytest.mark.parametrize("role", ["clerk", "quartermaster", "scout", "member"])
def test_a_strangers_page_hides_what_the_role_may_not_see(
    camp: dict[str, Any], client_as: Callable[[str], Client], role: str
) -> None:
    """Stricter than the walk: on the page of a stranger (not one's own, not on one's team),
    none of the markers of groups the role does not see by role."""
    stranger = camp["people"]["stranger"]
    response = client_as(role).get(f"/people/{stranger.pk}/")
    if response.status_code != 200:
        assert role in {"scout", "member"}
        return
    groups = policy.ROLE_GROUPS[role]
    for group, marker in MARKERS.items():
        assert (marker in response.content.decode()) == (group in groups), (role, group)


@pytest.mark.parametrize(
    ("role", "absent"),
    [
        ("clerk", {"special_needs", "pregnant_or_lactating", "notes", "extra_energy_kcal"}),
        ("commander", set()),
    ],
)
def test_the_people_export_carries_the_readers_columns(
    camp: dict[str, Any], client_as: Callable[[str], Client], role: str, absent: set[str]
) -> None:
    text = client_as(role).get("/people/export.csv").content.decode()
    header = set(text.splitlines()[0].split(","))
    assert not header & absent
    assert {"full_name", "phone", "household"} <= header
    assert (MARKERS[policy.G.PROTECTION] in text) == (role == "commander")


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("clerk", {"phone", "household"}, {"special_needs", "notes", "pregnant_or_lactating"}),
        ("medic", {"special_needs", "notes"}, {"phone", "household"}),
        ("commander", {"phone", "special_needs", "notes"}, set()),
    ],
)
def test_the_admin_shows_only_the_policys_fields(
    camp: dict[str, Any],
    users: dict[str, Any],
    client_as: Callable[[str], Client],
    role: str,
    shown: set[str],
    hidden: set[str],
) -> None:
    users[role].is_staff = True
    users[role].save()
    stranger = camp["people"]["stranger"]
    page = client_as(role).get(f"/admin/people/person/{stranger.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    for field in hidden:
        assert f'name="{field}"' not in text, field
    # Shown as inputs to an editor, as text to a reader: the markers tell either way.
    assert (MARKERS[policy.G.CONTACT] in text) == ("phone" in shown)
    assert (MARKERS[policy.G.PROTECTION] in text) == ("notes" in shown)


@pytest.mark.parametrize(("role", "statuses"), [("member", False), ("clerk", True)])
def test_the_roster_shows_status_only_to_who_sees_identity(
    camp: dict[str, Any], client_as: Callable[[str], Client], role: str, statuses: bool
) -> None:
    roster = client_as(role).get("/people/").content.decode()
    assert "Zora Stranger" in roster
    assert ('class="badge status-injured"' in roster) == statuses
    # A search by status is refused to a reader of names, on the page (ignored) and the API.
    filtered = client_as(role).get("/people/?status=injured").content.decode()
    assert ("Mina Own" in filtered) != statuses


# A person page's record card: each fact's label, its group, and the field that must hold
# a value for it to be shown (None: shown whenever the group is).
FACTS: dict[str, tuple[policy.FieldGroup, str | None]] = {
    "Id": (policy.G.IDENTITY, None),
    "Also known as": (policy.G.IDENTITY, "alternate_names"),
    "Sex": (policy.G.IDENTITY, None),
    "Born": (policy.G.IDENTITY, None),
    "Team": (policy.G.IDENTITY, None),
    "Skills": (policy.G.IDENTITY, None),
    "Languages": (policy.G.IDENTITY, "languages"),
    "Registered": (policy.G.IDENTITY, None),
    "Phone": (policy.G.CONTACT, "phone"),
    "Household": (policy.G.HOUSEHOLD, None),
    "Special needs": (policy.G.PROTECTION, "special_needs"),
    "Pregnant/lactating": (policy.G.PROTECTION, "pregnant_or_lactating"),
    "Notes": (policy.G.PROTECTION, "notes"),
    "Extra energy": (policy.G.MEDICAL, "extra_energy_kcal"),
}


@pytest.mark.parametrize("record", ["stranger", "own", "mate"])
def test_a_person_page_shows_exactly_the_policys_facts(
    camp: dict[str, Any], users: dict[str, Any], client_as: Callable[[str], Client], record: str
) -> None:
    """The record card of a person's page, as every role that may open it: the facts shown
    are exactly those of the groups the policy gives that role for that person (those with
    a value), and a fact the table does not know fails, naming it."""
    person = camp["people"][record]
    opened = 0
    for role in ROLES:
        response = client_as(role).get(f"/people/{person.pk}/")
        if response.status_code != 200:
            continue
        opened += 1
        user = type(users[role]).objects.get(pk=users[role].pk)
        card = response.content.decode().split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
        shown = set(re.findall(r"<dt>(.*?)</dt>", card))
        assert not shown - set(FACTS), f"facts the policy table does not know: {shown - set(FACTS)}"
        visible = policy.visible_groups(user, person)
        expected = {
            label
            for label, (group, field) in FACTS.items()
            if group in visible and (field is None or getattr(person, field))
        }
        assert shown == expected, (role, record, shown ^ expected)
    assert opened >= 3

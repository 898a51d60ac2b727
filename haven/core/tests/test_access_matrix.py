"""The access policy, walked: every API operation of the OpenAPI schema as every role.

- Every operation's answer schema shows records through the policy (a PolicySchema, marked
  `x-policy-model`) or is declared in `haven.core.policy.OPEN_SCHEMAS` with a reason; a
  new endpoint that does neither fails here.
- Every GET operation is called as every role on a small camp whose secret fields carry
  markers; each record in a 200 answer has exactly the fields the policy gives that role
  for that record (no field more, none less), a location it may not see reads "hidden",
  and no marker of a group it may not see appears anywhere in the body.

The matrix size (roles × operations × fields asserted) is printed with `-s`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.test import Client

from haven.core import policy
from haven.core.policy import G
from haven.core.tests.conftest import MARKERS

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")


def _schema() -> dict[str, Any]:
    from haven.api import api

    schema: dict[str, Any] = api.get_openapi_schema()
    return schema


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def _answer_schemas(spec: dict[str, Any], operation: dict[str, Any]) -> Iterator[str]:
    """Names of the object schemas a 2xx answer of the operation can contain."""
    seen: set[str] = set()

    def walk(node: dict[str, Any]) -> Iterator[str]:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                return
            seen.add(name)
            yield name
            node = _resolve(spec, node)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                yield from walk(node[key])
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                yield from walk(option)
        for child in node.get("properties", {}).values():
            yield from walk(child)

    for code, answer in operation["responses"].items():
        if str(code).startswith("2"):
            content = answer.get("content", {}).get("application/json", {})
            yield from walk(content.get("schema", {}))


PAGE_FIELDS = {"count", "limit", "offset", "items"}


def _is_page(node: dict[str, Any]) -> bool:
    return set(node.get("properties", {})) == PAGE_FIELDS


def test_every_answer_schema_is_covered_by_the_policy() -> None:
    spec = _schema()
    uncovered = set()
    for method, path, operation in _operations(spec):
        for name in _answer_schemas(spec, operation):
            node = spec["components"]["schemas"][name]
            if "x-policy-model" in node or name in policy.OPEN_SCHEMAS or _is_page(node):
                continue
            uncovered.add(f"{method} {path}: {name}")
    assert not uncovered, "answers the access policy does not cover:\n" + "\n".join(
        sorted(uncovered)
    )


def test_open_schemas_show_nothing_personal() -> None:
    """An open schema (an aggregate, a plan) may not carry a field named like a secret one."""
    spec = _schema()
    secret = policy.fields_of("people.person", policy.ALL_GROUPS - {G.NAME, G.RECORD})
    for name in policy.OPEN_SCHEMAS:
        if name in spec["components"]["schemas"]:
            fields = set(_resolve(spec, spec["components"]["schemas"][name]).get("properties", {}))
            shown = {"status", "team", "team_id", "created_at"}
            assert not fields & (secret - shown), name


def _fill(path: str, camp: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "plan_id" and path.startswith("/api/v1/shelter/"):
            name = "shelter_plan_id"
        if name == "record_id" and "/deaths/" in path:
            name = "death_id"
        assert name in camp, f"the matrix has no value for path parameter {name} ({path})"
        return str(camp[name])

    return re.sub(r"\{(?:\w+:)?(\w+)\}", value, path)


class Matrix:
    """Counts what was asserted: operations called and fields checked, per role."""

    def __init__(self) -> None:
        self.operations: set[tuple[str, str]] = set()
        self.fields = 0

    def check(self, spec: dict[str, Any], node: dict[str, Any], value: Any, user: Any) -> None:
        node = _resolve(spec, node)
        if value is None:
            return
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if _resolve(spec, o).get("type") != "null"]
            if len(options) == 1:
                self.check(spec, options[0], value, user)
            return
        if node.get("type") == "array":
            for item in value:
                self.check(spec, node.get("items", {}), item, user)
            return
        if node.get("type") != "object" or not isinstance(value, dict):
            return
        label = node.get("x-policy-model")
        properties = node.get("properties", {})
        if label:
            try:
                model = apps.get_model(label)
            except LookupError:  # a row the policy names that is no model (an aggregate)
                record = None
            else:
                record = model.objects.get(pk=value["id"])
            visible = policy.visible_groups(user, record, label)
            expected = set()
            for field in properties:
                group = policy.field_group(label, field)
                if group in visible or group == G.LOCATION:
                    expected.add(field)
                if group == G.LOCATION and group not in visible and field in value:
                    assert value[field] in (policy.HIDDEN, None), (label, field, value[field])
            assert set(value) == expected, (label, value.get("id"), set(value) ^ expected)
            self.fields += len(properties)
        for field, child in properties.items():
            if field in value:
                self.check(spec, child, value[field], user)


@pytest.fixture
def matrix() -> Iterator[Matrix]:
    found = Matrix()
    yield found
    print(
        f"\naccess matrix: {len(ROLES)} roles × {len({op for _, op in found.operations})} "
        f"GET operations, {len(found.operations)} role×operation answers, "
        f"{found.fields} fields asserted"
    )


def test_every_get_operation_as_every_role(
    camp: dict[str, Any],
    users: dict[str, Any],
    api_as: Callable[[str], Client],
    matrix: Matrix,
) -> None:
    spec = _schema()
    for role in ROLES:
        client = api_as(role)
        user = users[role]
        for method, path, operation in _operations(spec):
            if method != "GET":
                continue
            response = client.get(_fill(path, camp))
            assert response.status_code < 500, (role, path, response.content[:300])
            if response.status_code != 200:
                continue
            matrix.operations.add((role, path))
            body = response.json()
            fresh = type(user).objects.get(pk=user.pk)
            text = json.dumps(body)
            for group, marker in MARKERS.items():
                if group not in policy.role_groups(fresh) and not _own_or_team(fresh, group):
                    assert marker not in text, (role, path, group)
            schema = operation["responses"][200]["content"]["application/json"]["schema"]
            matrix.check(spec, schema, body, fresh)
    assert matrix.fields > 0


def _own_or_team(user: Any, group: G) -> bool:
    """Whether the user may see this group of some record in the camp (their own, their
    mission team's): then the marker may appear, and the per-record check decides."""
    from haven.people.models import Person

    return any(
        group in policy.visible_groups(user, person) for person in Person.objects.all()
    ) or any(
        group in policy.visible_groups(user, mission)
        for mission in apps.get_model("missions.mission").objects.all()
    )


def test_a_location_grant_shows_locations(
    camp: dict[str, Any], users: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    stranger = camp["people"]["stranger"]
    url = f"/api/v1/people/{stranger.pk}/history"
    places = {item["place"] for item in api_as("clerk").get(url).json()["items"]}
    assert places == {policy.HIDDEN}
    users["clerk"].user_permissions.add(Permission.objects.get(codename="view_location"))
    places = {item["place"] for item in api_as("clerk").get(url).json()["items"]}
    assert all(MARKERS[G.LOCATION] in place for place in places)


PERSON_FIELDS = {
    "id",
    "full_name",
    "record_id",
    "given_name",
    "family_name",
    "alternate_names",
    "sex",
    "date_of_birth",
    "birth_date_is_estimate",
    "age",
    "languages",
    "skills",
    "team_id",
    "team",
    "status",
    "status_changed_at",
    "phone",
    "household_id",
    "household",
    "extra_energy_kcal",
    "special_needs",
    "pregnant_or_lactating",
    "notes",
}
IDENTITY = PERSON_FIELDS - {
    "phone",
    "household_id",
    "household",
    "extra_energy_kcal",
    "special_needs",
    "pregnant_or_lactating",
    "notes",
}


@pytest.mark.parametrize(
    ("role", "record", "fields"),
    [
        ("member", "stranger", {"id", "full_name"}),
        ("member", "own", PERSON_FIELDS),
        ("scout", "stranger", {"id", "full_name"}),
        ("scout", "mate", {"id", "full_name", "phone"}),
        ("quartermaster", "stranger", {"id", "full_name", "household_id", "household"}),
        ("clerk", "stranger", IDENTITY | {"phone", "household_id", "household"}),
        (
            "medic",
            "stranger",
            IDENTITY | {"extra_energy_kcal", "special_needs", "pregnant_or_lactating", "notes"},
        ),
        ("commander", "stranger", PERSON_FIELDS),
    ],
)
def test_the_role_table(
    camp: dict[str, Any], api_as: Callable[[str], Client], role: str, record: str, fields: set[str]
) -> None:
    """The README's role table, spelled out once for a person's record."""
    person = camp["people"][record]
    items = api_as(role).get(f"/api/v1/people/?q={person.full_name}").json()["items"]
    assert [set(item) for item in items] == [fields]


def test_reads_of_locations_are_reported_once_per_answer(
    camp: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    from haven.core.signals import sensitive_read

    heard: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    sensitive_read.connect(listen)
    try:
        stranger = camp["people"]["stranger"]
        api_as("clerk").get(f"/api/v1/people/{stranger.pk}/history")
        assert not [read for read in heard if read["group"] == "location"]
        api_as("commander").get(f"/api/v1/people/{stranger.pk}/history")
    finally:
        sensitive_read.disconnect(listen)
    locations = [read for read in heard if read["group"] == "location"]
    assert len(locations) == 1
    assert locations[0]["model"] == "people.statusevent"
    assert locations[0]["channel"] == "api"
    assert locations[0]["user"].username == "commander"
    assert len(locations[0]["pks"]) == 2


def test_who_sees_where_people_sleep_is_the_policys_shelter_group() -> None:
    """Shelter pages gate occupants by a permission: the roles holding it are exactly the
    roles the policy gives the shelter group."""
    from haven.accounts.roles import role_permissions

    granted = role_permissions()
    holders = {role for role, perms in granted.items() if "shelter.view_occupants" in perms}
    assert holders == {role for role, groups in policy.ROLE_GROUPS.items() if G.SHELTER in groups}


@pytest.mark.parametrize(
    ("role", "fields"),
    [
        ("quartermaster", {"name", "household_id", "members", "planned", "handed_out"}),
        ("clerk", {"name", "household_id", "members", "planned", "handed_out"}),
        ("medic", {"planned", "handed_out"}),
    ],
)
def test_ration_shares_show_households_only_to_who_sees_them(
    camp: dict[str, Any],
    client_as: Callable[[str], Client],
    api_as: Callable[[str], Client],
    role: str,
    fields: set[str],
) -> None:
    """Who is grouped with whom is the household group: the medic (no households) sees the
    quantities of each share, not its household, its name or its members."""
    plan = camp["plan_id"]
    items = api_as(role).get(f"/api/v1/rations/plans/{plan}/households").json()["items"]
    assert items and all(set(item) == fields for item in items)
    page = client_as(role).get(f"/rations/plans/{plan}/list/").content.decode()
    assert ("Yusuf" in page) == ("members" in fields)
    assert ("Zora Stranger" in page) == ("members" in fields)

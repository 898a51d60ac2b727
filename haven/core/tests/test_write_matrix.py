"""The access policy, walked for writes: every POST, PATCH and PUT operation of the OpenAPI
schema, called as every role with one valid body, on the matrix's camp. The record a
2xx answer returns (created or changed) has exactly the fields the policy gives that role,
as `test_access_matrix` checks GET answers; each call is rolled back, so every role writes
to the same camp.

A write operation without an example body here fails the test, naming it. Each example must
be valid: the commander (who may call everything) gets a 2xx answer from every one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.test import Client
from django.utils import timezone

from haven.core.tests.test_access_matrix import ROLES, Matrix, _fill, _operations, _schema

Example = Callable[[dict[str, Any], dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]
WRITES = {"POST", "PATCH", "PUT"}


def _body(body: dict[str, Any]) -> Example:
    """An example that needs nothing but the camp's own ids."""
    return lambda camp, users: ({}, body)


def _person(camp: dict[str, Any], users: dict[str, Any]) -> Any:
    return camp["people"]["stranger"]


def _soon(hours: int = 0) -> str:
    return (timezone.now() + timedelta(hours=hours)).isoformat()


def _check_in(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    return {}, {"person_id": camp["people"]["mate"].pk}


def _mark_missing(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.people import musters
    from haven.people.models import Muster

    musters.close_muster(by=users["commander"], muster=Muster.objects.get(pk=camp["muster_id"]))
    return {}, {"all": True, "note": "gate"}


def _undo(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.people import musters
    from haven.people.models import Muster

    muster = Muster.objects.get(pk=camp["muster_id"])
    musters.close_muster(by=users["commander"], muster=muster)
    batch = musters.mark_missing(by=users["commander"], muster=muster)
    return {"batch_id": batch.batch.pk}, {"reason": "found at the well"}


def _reverse(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.stock.models import LedgerEntry

    return {"entry_id": LedgerEntry.objects.order_by("pk").first().pk}, {"reason": "typo"}  # type: ignore[union-attr]


def _transfer(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.stock import services

    services.create_store(by=None, name="Cave")
    body = {"item": "ration-pack", "from_store": "Mill cache", "to_store": "Cave", "quantity": 1}
    return {}, body


def _departed(camp: dict[str, Any], users: dict[str, Any]) -> Any:
    from haven.missions import services
    from haven.missions.models import Mission

    mission = Mission.objects.get(pk=camp["mission_id"])
    return services.depart(by=users["commander"], mission=mission)


def _mission_return(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    _departed(camp, users)
    return {}, {"note": "all back"}


def _mission_yield(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.missions import services

    services.return_mission(by=users["commander"], mission=_departed(camp, users))
    store = "Mill cache"
    return {}, {"store": store, "yield_lines": [{"item": "ration-pack", "quantity": 2}]}


def _death(camp: dict[str, Any], users: dict[str, Any]) -> Any:
    from haven.health.models import DeathRecord

    return DeathRecord.objects.get(pk=camp["death_id"])


def _correction(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.health import services

    services.confirm_death_record(by=users["commander"], record=_death(camp, users))
    return {}, {"reason": "wrong time", "died_at": _soon(-2)}


def _return(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.people import services

    services.record_departure(by=users["commander"], person=_person(camp, users), reason="visit")
    return {}, {"note": "back"}


def _merge(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.people import services

    twin = services.register_person(by=users["commander"], full_name="Nadia Twin")
    return {}, {"merged_id": twin.pk, "reason": "registered twice"}


def _unmerge(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.people import merging, services

    twin = services.register_person(by=users["commander"], full_name="Nadia Twin")
    merging.merge_people(by=users["commander"], kept=_person(camp, users), merged=twin)
    return {"person_id": twin.pk}, {}


def _open_muster(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.people import musters
    from haven.people.models import Muster

    musters.close_muster(by=users["commander"], muster=Muster.objects.get(pk=camp["muster_id"]))
    return {}, {"label": "Morning", "place": "square"}


def _handout(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.rations import services

    services.apply_plan(by=users["commander"], plan=services.get_plan(camp["plan_id"]))
    return {}, {"household_id": camp["household_id"], "person_id": _person(camp, users).pk}


def _order(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.people.models import Skill
    from haven.rations import services
    from haven.stock import services as stock

    stock.receive(
        by=None, item="drinking-water", store=camp["store_id"], quantity=50, source="donation"
    )
    services.create_recipe(
        by=users["commander"],
        code="tea",
        name="Tea",
        skill="cooking",
        batches_per_day_per_worker=4,
        inputs={"drinking-water": 1},
        outputs={"ration-pack": 1},
    )
    mate = camp["people"]["mate"]
    mate.skills.add(Skill.objects.get_or_create(code="cooking", defaults={"name": "Cooking"})[0])
    return {}, {"recipe": "tea", "batches": 1, "store": "Mill cache", "fabricator_id": mate.pk}


def _alert_draft(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.alerts import services

    draft = services.draft_alert(
        by=users["clerk"],
        headline="Fire in the east store",
        event="Fire",
        urgency="Immediate",
        severity="Severe",
        certainty="Observed",
    )
    return {"alert_id": draft.pk}, {}


def _alert_approved(camp: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from haven.alerts import services

    values, _ = _alert_draft(camp, users)
    services.approve_alert(by=users["commander"], alert=services.get_alert(values["alert_id"]))
    return values, {"assemble_at": "the north gate"}


_ALERT = {
    "headline": "Armed group on the north road",
    "event": "Armed attack",
    "urgency": "Immediate",
    "severity": "Severe",
    "certainty": "Observed",
    "area_desc": "north road",
    "circle": "1,1 2",
}

EXAMPLES: dict[str, Example] = {
    "POST /api/v1/alerts/": _body(_ALERT),
    "POST /api/v1/alerts/{alert_id}/approve": _alert_draft,
    "POST /api/v1/alerts/{alert_id}/issue": _alert_approved,
    "POST /api/v1/alerts/{alert_id}/ack": _body({}),
    "POST /api/v1/alerts/{alert_id}/update": _body({"severity": "Extreme"}),
    "POST /api/v1/alerts/{alert_id}/cancel": _body({"note": "all clear"}),
    "POST /api/v1/alerts/{alert_id}/muster": _body({"place": "the north gate"}),
    "POST /api/v1/people/": _body({"full_name": "Nadia New", "phone": "555"}),
    "PATCH /api/v1/people/{person_id}": _body({"phone": "556"}),
    "POST /api/v1/people/{person_id}/status": _body({"status": "present", "place": "gate"}),
    "POST /api/v1/people/{person_id}/departure": _body({"reason": "visit", "destination": "x"}),
    "POST /api/v1/people/{person_id}/return": _return,
    "POST /api/v1/people/{person_id}/merge": _merge,
    "POST /api/v1/people/{person_id}/unmerge": _unmerge,
    "POST /api/v1/people/households": _body({"name": "Haddad", "notes": "two children"}),
    "POST /api/v1/people/teams": _body({"name": "Water", "purpose": "carry water"}),
    "POST /api/v1/people/musters": _open_muster,
    "POST /api/v1/people/musters/{muster_id}/check-in": _check_in,
    "POST /api/v1/people/musters/{muster_id}/close": _body({}),
    "POST /api/v1/people/musters/{muster_id}/mark-missing": _mark_missing,
    "POST /api/v1/people/musters/{muster_id}/batches/{batch_id}/undo": _undo,
    "POST /api/v1/stock/stores": _body({"name": "Cave", "kind": "cache", "location": "north"}),
    "POST /api/v1/stock/receive": _body(
        {"item": "ration-pack", "store": "Mill cache", "quantity": 3, "source": "donation"}
    ),
    "POST /api/v1/stock/issue": _body(
        {"item": "ration-pack", "store": "Mill cache", "quantity": 1, "purpose": "distribution"}
    ),
    "POST /api/v1/stock/transfer": _transfer,
    "POST /api/v1/stock/adjust": _body(
        {"item": "ration-pack", "store": "Mill cache", "quantity": 1, "reason": "damaged"}
    ),
    "POST /api/v1/stock/count": _body({"item": "ration-pack", "store": "Mill cache", "counted": 4}),
    "POST /api/v1/stock/entries/{entry_id}/reverse": _reverse,
    "POST /api/v1/missions/": lambda camp, users: (
        {},
        {
            "name": "Well",
            "destination": "old well",
            "team": [camp["people"]["mate"].pk],
            "planned_departure_at": _soon(1),
            "expected_return_at": _soon(5),
        },
    ),
    "POST /api/v1/missions/{mission_id}/depart": _body({}),
    "POST /api/v1/missions/{mission_id}/return": _mission_return,
    "POST /api/v1/missions/{mission_id}/yield": _mission_yield,
    "POST /api/v1/health/triage/step": _body({"algorithm": "start", "answers": {}}),
    "POST /api/v1/health/triage": lambda camp, users: (
        {},
        {"person_id": camp["people"]["mate"].pk, "answers": {"walking": "yes"}},
    ),
    "POST /api/v1/health/people/{person_id}/injuries": _body(
        {"body_region": "head", "kind": "laceration", "place": "road"}
    ),
    "POST /api/v1/health/people/{person_id}/treatments": _body({"what": "dressing"}),
    "POST /api/v1/health/people/{person_id}/outcome": _body({"outcome": "recovering"}),
    "POST /api/v1/health/deaths": lambda camp, users: (
        {},
        {
            "person_id": camp["people"]["mate"].pk,
            "died_at": _soon(-1),
            "cause": "illness",
            "confidence": "probable",
            "place": "tent",
        },
    ),
    "PATCH /api/v1/health/deaths/{record_id}": _body({"circumstances": "at night"}),
    "POST /api/v1/health/deaths/{record_id}/confirm": _body({}),
    "POST /api/v1/health/deaths/{record_id}/correction": _correction,
    "PUT /api/v1/health/starting-population": _body({"count": 40}),
    "POST /api/v1/sitrep/note": _body({"text": "Hold the north gate."}),
    "POST /api/v1/shelter/": _body({"name": "Tent 9", "covered_area_m2": 18}),
    "POST /api/v1/shelter/assign": lambda camp, users: (
        {},
        {"person_id": camp["people"]["mate"].pk, "shelter_id": camp["shelter_id"]},
    ),
    "POST /api/v1/shelter/check-out": lambda camp, users: (
        {},
        {"person_id": camp["people"]["own"].pk, "note": "moved out"},
    ),
    "PATCH /api/v1/shelter/{shelter_id}": _body({"zone": "South"}),
    "POST /api/v1/shelter/{shelter_id}/condition": _body({"condition": "damaged"}),
    "POST /api/v1/shelter/{shelter_id}/destroy": _body({"note": "storm"}),
    "POST /api/v1/shelter/plans": _body({}),
    "POST /api/v1/shelter/plans/{plan_id}/apply": _body({}),
    "POST /api/v1/rations/plans": _body({"store": "Mill cache", "horizon_days": 2}),
    "POST /api/v1/rations/plans/{plan_id}/apply": _body({}),
    "POST /api/v1/rations/plans/{plan_id}/handouts": _handout,
    "POST /api/v1/rations/transfers": lambda camp, users: (
        {},
        {
            "from_person_id": camp["people"]["mate"].pk,
            "to_person_id": camp["people"]["stranger"].pk,
            "item": "ration-pack",
            "quantity": 1,
        },
    ),
    "POST /api/v1/rations/recipes": _body(
        {
            "code": "porridge",
            "skill": "cooking",
            "batches_per_day_per_worker": 2,
            "inputs": {"drinking-water": 1},
            "outputs": {"ration-pack": 2},
        }
    ),
    "POST /api/v1/rations/production/orders": _order,
    "POST /api/v1/tracing/requests/": _body(
        {"asker_name": "Ada", "given_name": "Omar", "family_name": "Fallen", "age_min": 30}
    ),
    "PATCH /api/v1/tracing/requests/{request_id}": _body({"origin": "Homs"}),
    "POST /api/v1/tracing/requests/{request_id}/notes": _body(
        {"text": "called", "status": "believed_alive", "last_known_location": "clinic"}
    ),
    "POST /api/v1/tracing/requests/{request_id}/close": _body({"reason": "withdrawn"}),
    "POST /api/v1/tracing/candidates/{candidate_id}/confirm": _body({"note": "same"}),
    "POST /api/v1/tracing/candidates/{candidate_id}/reject": _body({"note": "other"}),
}


def _writes(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for method, path, operation in _operations(spec):
        if method in WRITES:
            yield method, path, operation


def test_every_write_operation_has_an_example() -> None:
    names = {f"{method} {path}" for method, path, _ in _writes(_schema())}
    missing = sorted(names - set(EXAMPLES))
    assert not missing, "write operations without an example body:\n" + "\n".join(missing)
    assert not set(EXAMPLES) - names, sorted(set(EXAMPLES) - names)


def _call(
    client: Client,
    method: str,
    path: str,
    camp: dict[str, Any],
    users: dict[str, Any],
    check: Callable[[int, Any], None],
) -> tuple[int, Any]:
    """Set up, call, check (while the written record exists) and roll back: every call
    meets the same camp."""
    with transaction.atomic():
        values, body = EXAMPLES[f"{method} {path}"](camp, users)
        url = _fill(path, {**camp, **values})
        send = getattr(client, method.lower())
        response = send(url, body, content_type="application/json")
        answer = response.json() if response.content else None
        check(response.status_code, answer)
        transaction.set_rollback(True)
    return response.status_code, answer


def test_every_write_operation_as_every_role(
    camp: dict[str, Any], users: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    spec = _schema()
    matrix = Matrix()
    failed = []
    for role in ROLES:
        client = api_as(role)
        user = type(users[role]).objects.get(pk=users[role].pk)
        for method, path, operation in _writes(spec):
            name = f"{method} {path}"

            def check(code: int, body: Any) -> None:
                assert code < 500, (role, name, body)  # noqa: B023
                if not 200 <= code < 300:
                    if role == "commander":  # noqa: B023
                        failed.append(f"{name}: {code} {body}")  # noqa: B023
                    return
                matrix.operations.add((role, name))  # noqa: B023
                content = operation["responses"][code]["content"]  # noqa: B023
                matrix.check(spec, content["application/json"]["schema"], body, user)  # noqa: B023

            _call(client, method, path, camp, users, check)
    assert not failed, "examples the commander could not write:\n" + "\n".join(failed)
    print(
        f"\nwrite matrix: {len(ROLES)} roles × {len({op for _, op in matrix.operations})} "
        f"write operations, {len(matrix.operations)} role×operation answers, "
        f"{matrix.fields} fields asserted"
    )
    assert matrix.fields > 0

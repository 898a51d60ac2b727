"""Supply mission use cases: plan, check the team out, check them back in with the yield.

The yield is received into the stock ledger in one step (`haven.stock.services`), each
entry linked to the mission, so the ledger is where yields are counted from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError
from haven.core.services import Author, acting_user, event_time, get_record, planned_time
from haven.missions.choices import MissionStatus, RiskLevel
from haven.missions.models import Mission, MissionMember, MissionObjective
from haven.people import services as people_services
from haven.people.choices import IN_CAMP, Status
from haven.people.models import Person
from haven.stock import services as stock
from haven.stock.choices import EntryKind, ReceiptSource
from haven.stock.models import Item, LedgerEntry

ACTIVE = (MissionStatus.PLANNED, MissionStatus.OUT)


@read_only
def get_mission(mission_id: int) -> Mission:
    mission: Mission = get_record(Mission, mission_id, "mission")
    return mission


@read_only
def visible_missions(user: User | AnonymousUser) -> QuerySet[Mission]:
    """Every mission for those who see all; otherwise only the missions one is on."""
    missions = Mission.objects.all()
    if user.has_perm("missions.view_all_missions"):
        return missions
    if not user.is_authenticated or not user.has_perm("missions.view_mission"):
        return missions.none()
    return missions.filter(members__person__user_id=user.pk).distinct()


@read_only
def may_see(user: User | AnonymousUser, mission: Mission) -> bool:
    return visible_missions(user).filter(pk=mission.pk).exists()


@read_only
def people_out() -> QuerySet[Person]:
    """People checked out on a mission and not yet back."""
    return Person.objects.filter(pk__in=MissionMember.objects.out().values("person_id"))


def _lines(objectives: Sequence[tuple[Any, Any]], what: str) -> list[tuple[Item, Decimal]]:
    merged: dict[int, tuple[Item, Decimal]] = {}
    for ref, quantity in objectives:
        item = stock.get_item(ref)
        amount = stock.parse_quantity(quantity, what=f"{what} of {item.name}")
        if item.pk in merged:
            amount += merged[item.pk][1]
        merged[item.pk] = (item, amount)
    return list(merged.values())


@audited("missions.plan_mission")
@transaction.atomic
def plan_mission(
    *,
    by: Author,
    name: str,
    destination: str,
    team: Sequence[Person],
    planned_departure_at: datetime,
    expected_return_at: datetime,
    objectives: Sequence[tuple[Any, Any]] = (),
    risk_level: str = RiskLevel.MEDIUM,
    leader: Person | None = None,
    notes: str = "",
    created_at: datetime | None = None,
) -> Mission:
    """Plan a supply run: destination, team, objectives (item, quantity), risk and timing."""
    name, destination = name.strip(), destination.strip()
    if not destination:
        raise HavenError(_("a mission needs a destination"))
    if risk_level not in RiskLevel.values:
        raise HavenError(
            _("risk level %(risk_level)r is not one of %(names)s")
            % {"risk_level": risk_level, "names": ", ".join(RiskLevel.values)}
        )
    planned_time(planned_departure_at, "planned departure")
    planned_time(expected_return_at, "expected return")
    if expected_return_at <= planned_departure_at:
        raise HavenError(
            _(
                "expected return %(expected_return_at)s is "
                "not after departure %(planned_departure_at)s"
            )
            % {
                "expected_return_at": f"{expected_return_at:%Y-%m-%d %H:%M}",
                "planned_departure_at": f"{planned_departure_at:%Y-%m-%d %H:%M}",
            }
        )
    people = list({person.pk: person for person in team}.values())
    if not people:
        raise HavenError(_("a mission needs at least one person on its team"))
    for person in people:
        if person.status not in IN_CAMP:
            raise HavenError(
                _("%(full_name)s is %(get_status_display)s, not in camp")
                % {
                    "full_name": person.full_name,
                    "get_status_display": person.get_status_display().lower(),
                }
            )
    if leader is not None and leader.pk not in {p.pk for p in people}:
        raise HavenError(
            _("leader %(full_name)s is not on the team") % {"full_name": leader.full_name}
        )
    lines = _lines(objectives, "objective")
    mission = Mission.objects.create(
        # Not named after the destination: a name is shown to every role, a place is secret.
        name=name or f"Supply run {planned_departure_at:%d %b %H:%M}",
        destination=destination,
        risk_level=risk_level,
        planned_departure_at=planned_departure_at,
        expected_return_at=expected_return_at,
        notes=notes.strip(),
        created_by=acting_user(by),
        created_at=event_time(created_at, "time the mission was planned"),
    )
    MissionMember.objects.bulk_create(
        MissionMember(
            mission=mission, person=person, is_leader=leader is not None and person.pk == leader.pk
        )
        for person in people
    )
    MissionObjective.objects.bulk_create(
        MissionObjective(mission=mission, item=item, quantity=quantity) for item, quantity in lines
    )
    return mission


@audited("missions.depart")
@transaction.atomic
def depart(*, by: Author, mission: Mission, at: datetime | None = None) -> Mission:
    """Check the whole team out: the mission is out and its people off the muster list."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.status != MissionStatus.PLANNED:
        raise HavenError(
            _("mission %(pk)s (%(name)s) is %(status)s, not planned")
            % {"pk": mission.pk, "name": mission.name, "status": mission.status}
        )
    when = event_time(at, "departure time")
    members = list(mission.members.select_related("person"))
    for member in members:
        if member.person.status not in IN_CAMP:
            raise HavenError(
                _("%(full_name)s is %(get_status_display)s: take them off the team first")
                % {
                    "full_name": member.person.full_name,
                    "get_status_display": member.person.get_status_display().lower(),
                }
            )
        busy = MissionMember.objects.out().filter(person=member.person).first()
        if busy is not None:
            raise HavenError(
                _("%(full_name)s is still out on mission %(mission_id)s")
                % {"full_name": member.person.full_name, "mission_id": busy.mission_id}
            )
    MissionMember.objects.filter(mission=mission).update(checked_out_at=when)
    mission.status = MissionStatus.OUT
    mission.departed_at = when
    mission.save(update_fields=["status", "departed_at"])
    return mission


@dataclass(slots=True)
class ReturnResult:
    mission: Mission
    entries: list[LedgerEntry] = field(default_factory=list)
    missing: list[Person] = field(default_factory=list)


@audited("missions.return_mission")
@transaction.atomic
def return_mission(
    *,
    by: Author,
    mission: Mission,
    store: Any = None,
    yield_lines: Sequence[tuple[Any, Any]] = (),
    not_back: Sequence[Person] = (),
    note: str = "",
    at: datetime | None = None,
) -> ReturnResult:
    """Check the team back in and receive the yield into `store`, all in one step.

    People named in `not_back` did not come back: they are recorded missing. The yield
    is received with source "mission", each entry linked to this mission.
    """
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.status != MissionStatus.OUT:
        raise HavenError(
            _("mission %(pk)s (%(name)s) is %(status)s, not out")
            % {"pk": mission.pk, "name": mission.name, "status": mission.status}
        )
    when = event_time(at, "return time")
    if mission.departed_at and when < mission.departed_at:
        raise HavenError(
            _("return time %(when)s is before the departure") % {"when": f"{when:%Y-%m-%d %H:%M}"}
        )
    lines = _lines(yield_lines, "yield")
    if lines and store is None:
        raise HavenError(_("name the store the yield goes into"))
    members = {m.person_id: m for m in mission.members.select_related("person")}
    for person in not_back:
        if person.pk not in members:
            raise HavenError(
                _("%(full_name)s is not on mission %(pk)s")
                % {"full_name": person.full_name, "pk": mission.pk}
            )
    missing_ids = {person.pk for person in not_back}
    result = ReturnResult(mission=mission)
    target = stock.get_store(store) if store is not None else None
    if lines and target is not None:
        result.entries = stock.receive_many(
            by=by,
            store=target,
            lines=lines,
            source=ReceiptSource.MISSION,
            reference=f"mission {mission.pk}",
            note=f"yield of mission #{mission.pk} {mission.name}"[:300],
            mission=mission,
            at=when,
        )
    for person_id, member in members.items():
        if person_id in missing_ids:
            if member.person.status in IN_CAMP:
                people_services.change_status(
                    by=by,
                    person=member.person,
                    status=Status.MISSING,
                    reason=f"did not come back from mission #{mission.pk} {mission.name}"[:300],
                    place=mission.destination,
                    occurred_at=when,
                )
            result.missing.append(member.person)
        elif member.checked_in_at is None:
            member.checked_in_at = when
            member.save(update_fields=["checked_in_at"])
    mission.status = MissionStatus.RETURNED
    mission.returned_at = when
    mission.return_store = target
    mission.return_note = note.strip()
    mission.save(update_fields=["status", "returned_at", "return_store", "return_note"])
    return result


@audited("missions.receive_yield")
@transaction.atomic
def receive_yield(
    *, by: Author, mission: Mission, store: Any, yield_lines: Sequence[tuple[Any, Any]]
) -> list[LedgerEntry]:
    """Receive (more of) a returned mission's yield, linked to it, in one step."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.status != MissionStatus.RETURNED:
        raise HavenError(
            _("mission %(pk)s (%(name)s) has not returned")
            % {"pk": mission.pk, "name": mission.name}
        )
    lines = _lines(yield_lines, "yield")
    if not lines:
        raise HavenError(_("a yield needs at least one item"))
    return stock.receive_many(
        by=by,
        store=store,
        lines=lines,
        source=ReceiptSource.MISSION,
        reference=f"mission {mission.pk}",
        mission=mission,
    )


@audited("missions.cancel_mission")
@transaction.atomic
def cancel_mission(*, by: Author, mission: Mission, reason: str) -> Mission:
    """Call off a planned mission (one that is out must be checked back in instead)."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.status != MissionStatus.PLANNED:
        raise HavenError(
            _("mission %(pk)s is %(status)s: only a planned one is cancelled")
            % {"pk": mission.pk, "status": mission.status}
        )
    if not reason.strip():
        raise HavenError(_("cancelling a mission needs a reason"))
    mission.status = MissionStatus.CANCELLED
    mission.return_note = reason.strip()
    mission.save(update_fields=["status", "return_note"])
    return mission


@read_only
def yield_of(mission: Mission) -> list[tuple[Item, Decimal]]:
    """What a mission brought back, net of corrections, per item."""
    return yields_of([mission])[mission.pk]


@read_only
def yields_of(missions: Iterable[Mission]) -> dict[int, list[tuple[Item, Decimal]]]:
    """What each mission brought back, net of corrections, per item: two queries for all."""
    ids = [mission.pk for mission in missions]
    rows = list(
        LedgerEntry.objects.filter(mission__in=ids, kind=EntryKind.RECEIPT)
        .values_list("mission_id", "item_id")
        .annotate(total=Sum("quantity"))
        .order_by("mission_id", "item_id")
    )
    items = Item.objects.in_bulk({item_id for _, item_id, _ in rows}) if rows else {}
    found: dict[int, list[tuple[Item, Decimal]]] = {pk: [] for pk in ids}
    for mission_id, item_id, total in rows:
        if total:
            found[mission_id].append((items[item_id], Decimal(total)))
    return found


@dataclass(slots=True)
class DestinationHistory:
    """Past runs to one destination and what they brought, to guide the next one."""

    destination: str
    runs: int = 0
    lost: int = 0
    last_returned_at: datetime | None = None
    totals: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    units: dict[str, str] = field(default_factory=dict)

    def per_run(self) -> list[tuple[str, Decimal, str]]:
        return sorted(
            (
                (name, (total / self.runs).quantize(Decimal("0.1")), self.units[name])
                for name, total in self.totals.items()
            ),
            key=lambda row: -row[1],
        )


@read_only
def yield_history() -> list[DestinationHistory]:
    """Per destination: returned runs, people lost, and mean yield per run, by item."""
    history: dict[str, DestinationHistory] = {}
    returned = Mission.objects.filter(status=MissionStatus.RETURNED).order_by("returned_at")
    for mission in returned:
        key = mission.destination.strip()
        entry = history.setdefault(key, DestinationHistory(destination=key))
        entry.runs += 1
        entry.last_returned_at = mission.returned_at
    rows = (
        LedgerEntry.objects.filter(mission__status=MissionStatus.RETURNED, kind=EntryKind.RECEIPT)
        .values_list("mission__destination", "item__name", "item__unit")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for destination, item_name, unit, total in rows:
        entry = history[destination.strip()]
        entry.totals[item_name] += Decimal(total)
        entry.units[item_name] = unit
    lost = (
        Person.objects.filter(
            status=Status.MISSING,
            mission_memberships__mission__status=MissionStatus.RETURNED,
            mission_memberships__checked_in_at__isnull=True,
        )
        .values_list("mission_memberships__mission__destination")
        .order_by()
    )
    for (destination,) in lost:
        if destination.strip() in history:
            history[destination.strip()].lost += 1
    return sorted(history.values(), key=lambda h: h.destination)


@read_only
def available_people() -> QuerySet[Person]:
    """Who could go on a run: in camp and not out on another mission."""
    return Person.objects.in_camp().exclude(pk__in=people_out().values("pk")).order_by("full_name")

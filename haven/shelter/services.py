"""Shelter use cases: shelters and their condition, who sleeps where, plans and the shortfall.

Every write is one function with keyword-only arguments run in one transaction; the web, the
API and the CLI all call these. Capacity and allocation come from `haven.planning.shelter`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError, NotFoundError
from haven.core.limits import as_id
from haven.core.numbers import column_decimal
from haven.core.rows import BadRow, build_rows, read_rows, read_values
from haven.core.services import Author, acting_user, event_time, get_record
from haven.core.services import get_person as get_person
from haven.people import aggregates
from haven.people.choices import IN_CAMP, Status
from haven.people.models import Person
from haven.planning.errors import PlanningInputError
from haven.planning.shelter import (
    AllocationPlan,
    PlannerPerson,
    PlannerShelter,
    PlannerWeights,
    ShelterShortfall,
    plan_allocation,
    plan_objective,
    shelter_shortfall,
)
from haven.shelter import occupancy as kept_occupancy
from haven.shelter.choices import AMBER_FROM_PERCENT, Condition, Kind, StayEnd, Use
from haven.shelter.models import (
    ConditionChange,
    Shelter,
    ShelterPlan,
    Stay,
    TentType,
    covered_m2_per_person,
    m2_text,
)

CHILD_BELOW_YEARS = 18
ELDERLY_FROM_YEARS = 60


# --- reading ----------------------------------------------------------------------------


@read_only
def get_shelter(shelter_id: int) -> Shelter:
    shelter: Shelter = get_record(Shelter, shelter_id, "shelter")
    return shelter


@read_only
def find_shelter(name_or_id: str) -> Shelter:
    """A shelter by id or exact name (as typed on the command line)."""
    text = name_or_id.strip()
    if (number := as_id(text)) is not None:
        return get_shelter(number)
    try:
        return Shelter.objects.get(name__iexact=text)
    except Shelter.DoesNotExist as error:
        raise NotFoundError(_("no shelter named %(text)r") % {"text": text}) from error


@read_only
def get_plan(plan_id: int) -> ShelterPlan:
    plan: ShelterPlan = get_record(ShelterPlan, plan_id, "shelter plan")
    return plan


@read_only
def open_stays() -> QuerySet[Stay]:
    """Stays of people in camp that have not ended: who sleeps where tonight."""
    return Stay.objects.filter(ended_at__isnull=True, person__status__in=IN_CAMP)


@read_only
def occupancy() -> dict[int, int]:
    """Shelter id → people in camp sleeping there, from the counts kept with every stay
    (haven.shelter.occupancy): one query over shelters × statuses, never the stays."""
    return kept_occupancy.taken()


@read_only
def current_stay(person: Person) -> Stay | None:
    return (
        Stay.objects.filter(person=person, ended_at__isnull=True).select_related("shelter").first()
    )


@read_only
def unsheltered_queryset() -> QuerySet[Person]:
    """People in camp with no open stay."""
    has_stay = Stay.objects.filter(person=OuterRef("pk"), ended_at__isnull=True)
    return Person.objects.in_camp().filter(~Exists(has_stay))


@read_only
def fill_class(occupied: int, capacity: int) -> str:
    """Colour of an occupancy bar: ok (green), amber, full (red) or over."""
    if occupied > capacity:
        return "over"
    if capacity and occupied == capacity:
        return "full"
    if capacity and 100 * occupied >= AMBER_FROM_PERCENT * capacity:
        return "amber"
    return "ok"


@dataclass(frozen=True, slots=True)
class ShelterRow:
    """One shelter's places tonight; `problem` says why its places could not be counted
    (a record written around the services, such as a covered area of 0)."""

    shelter: Shelter
    capacity: int
    occupied: int
    problem: str = ""

    @property
    def fill(self) -> str:
        return "unknown" if self.problem else fill_class(self.occupied, self.capacity)

    @property
    def percent(self) -> int:
        """Bar width, capped at 100 (an over-full shelter shows a full bar in the 'over' colour)."""
        if self.problem:
            return 0
        if not self.capacity:
            return 100 if self.occupied else 0
        return min(100, round(100 * self.occupied / self.capacity))

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.occupied)


@dataclass(frozen=True, slots=True)
class Unsheltered:
    person: Person
    reason: str


@dataclass(frozen=True, slots=True)
class Board:
    """What the shelter board shows: every shelter's fill, the totals and the shortfall."""

    rows: list[ShelterRow]
    in_camp: int
    capacity: int
    occupied: int
    unsheltered: int
    shortfall: ShelterShortfall
    tent_type: TentType
    m2_per_person: float

    @property
    def places_short(self) -> int:
        return self.shortfall.people_without_shelter

    @property
    def sheltered_percent(self) -> int:
        return round(100 * self.occupied / self.in_camp) if self.in_camp else 100

    @property
    def uncounted(self) -> list[ShelterRow]:
        """Shelters whose places could not be counted, and why."""
        return [row for row in self.rows if row.problem]


@read_only
def shelter_rows(shelters: Iterable[Shelter] | None = None) -> list[ShelterRow]:
    """Each shelter's places and people; one whose places cannot be counted counts 0
    places and says why, and the board goes on."""
    counts = occupancy()
    chosen = read_rows(Shelter.objects.all()) if shelters is None else list(shelters)
    return build_rows(
        (s for s in chosen if not isinstance(s, BadRow)),
        lambda s: ShelterRow(shelter=s, capacity=s.capacity, occupied=counts.get(s.pk, 0)),
        label=lambda s: f"shelter {s.name}",
        fallback=lambda s, problem: ShelterRow(
            shelter=s, capacity=0, occupied=counts.get(s.pk, 0), problem=problem
        ),
    )


@read_only
def tent_types() -> list[TentType]:
    """Tent types to count the shortfall in; the default from settings if none are recorded."""
    recorded = list(TentType.objects.all())
    if recorded:
        return recorded
    return [
        TentType(
            name=settings.HAVEN_SHELTER_TENT_NAME,
            covered_area_m2=Decimal(str(settings.HAVEN_SHELTER_TENT_M2)),
        )
    ]


@read_only
def choose_tent_type(tent_type_id: int | None = None) -> TentType:
    types = tent_types()
    if tent_type_id is not None:
        for tent in types:
            if tent.pk == tent_type_id:
                return tent
        raise NotFoundError(
            _("no tent type with id %(tent_type_id)s") % {"tent_type_id": tent_type_id}
        )
    named = [t for t in types if t.name.casefold() == settings.HAVEN_SHELTER_TENT_NAME.casefold()]
    return (named or types)[0]


@read_only
def shortfall(*, in_camp: int, capacity: int, tent_type: TentType) -> ShelterShortfall:
    """Places missing for everyone in camp, as covered m² and as tents of one type."""
    try:
        return shelter_shortfall(
            max(0, in_camp - capacity),
            float(tent_type.covered_area_m2),
            m2_per_person=covered_m2_per_person(),
        )
    except PlanningInputError as error:
        raise HavenError(
            _("tent type %(name)s: %(error)s") % {"name": tent_type.name, "error": error}
        ) from error


@read_only
def board(*, tent_type_id: int | None = None) -> Board:
    rows = shelter_rows()
    in_camp = aggregates.in_camp_totals()[0]
    capacity = sum(row.capacity for row in rows)
    occupied = sum(row.occupied for row in rows)
    tent = choose_tent_type(tent_type_id)
    return Board(
        rows=rows,
        in_camp=in_camp,
        capacity=capacity,
        occupied=occupied,
        unsheltered=in_camp - occupied,
        shortfall=shortfall(in_camp=in_camp, capacity=capacity, tent_type=tent),
        tent_type=tent,
        m2_per_person=covered_m2_per_person(),
    )


@read_only
def unsheltered(limit: int | None = None) -> list[Unsheltered]:
    """People in camp without shelter tonight, and why: a destroyed shelter, the last plan, …"""
    return unsheltered_rows(limit)[0]


@read_only
def unsheltered_rows(limit: int | None = None) -> tuple[list[Unsheltered], list[BadRow]]:
    """`unsheltered`, and apart from them the records among them that cannot be read."""
    rows = read_rows(
        unsheltered_queryset()
        .select_related("household")
        .order_by(Case(When(status=Status.INJURED, then=0), default=1), "full_name")[:limit]
    )
    people = [row for row in rows if not isinstance(row, BadRow)]
    ids = [p.pk for p in people]
    last_stays: dict[int, Stay] = {}
    for stay in (
        Stay.objects.filter(person_id__in=ids, ended_at__isnull=False)
        .select_related("shelter")
        .order_by("ended_at", "id")
    ):
        last_stays[stay.person_id] = stay
    plan = ShelterPlan.objects.first()
    plan_reasons: dict[str, str] = plan.unsheltered if plan else {}
    offered = {row[0]: row[2] for row in plan.changes if row[2]} if plan else {}
    offered_shelters = Shelter.objects.in_bulk(set(offered.values()))
    result = []
    for person in people:
        last = last_stays.get(person.pk)
        if last is not None and last.end == StayEnd.DESTROYED:
            reason = f"shelter {last.shelter.name} destroyed"
        elif plan is not None and person.pk in offered and offered[person.pk] in offered_shelters:
            reason = (
                f"plan {plan.pk} has a place for them in "
                f"{offered_shelters[offered[person.pk]].name}, not applied"
            )
        elif str(person.pk) in plan_reasons:
            reason = plan_reasons[str(person.pk)]
        elif last is not None:
            reason = last.get_end_display().lower() + (
                f": {last.end_note}" if last.end_note else ""
            )
        else:
            reason = "not yet given a shelter"
        result.append(Unsheltered(person=person, reason=reason))
    return result, [row for row in rows if isinstance(row, BadRow)]


# --- shelters ---------------------------------------------------------------------------

SHELTER_FIELDS = (
    "name",
    "kind",
    "covered_area_m2",
    "beds",
    "accessible",
    "heated",
    "zone",
    "use",
    "notes",
)


def _area(value: Any, what: str) -> Decimal:
    # Rounded to the column's 0.01 m² first: 0.001 m² must not pass "> 0" and be kept as 0.
    area = column_decimal(Shelter, "covered_area_m2", value, what=f"covered area of {what}")
    if area <= 0:
        raise HavenError(
            _("covered area of %(what)s must be more than 0 m², not %(value)s")
            % {"what": what, "value": value}
        )
    return area


def _clean_shelter(fields: dict[str, Any], name: str) -> dict[str, Any]:
    unknown = set(fields) - set(SHELTER_FIELDS)
    if unknown:
        raise HavenError(_("unknown field(s): %(names)s") % {"names": ", ".join(sorted(unknown))})
    cleaned = dict(fields)
    if "name" in cleaned:
        cleaned["name"] = str(cleaned["name"]).strip()
        if not cleaned["name"]:
            raise HavenError(_("a shelter needs a name"))
        name = cleaned["name"]
    if "covered_area_m2" in cleaned:
        cleaned["covered_area_m2"] = _area(cleaned["covered_area_m2"], name)
    for field, choices in (("kind", Kind), ("use", Use)):
        if field in cleaned and cleaned[field] not in choices.values:
            raise HavenError(
                _("unknown %(field)s %(cleaned)r for %(name)s: use one of %(names)s")
                % {
                    "field": field,
                    "cleaned": cleaned[field],
                    "name": name,
                    "names": ", ".join(choices.values),
                }
            )
    beds = cleaned.get("beds")
    if beds is not None and (not isinstance(beds, int) or beds < 0):
        raise HavenError(
            _("beds of %(name)s must be a whole number 0 or more, not %(beds)s")
            % {"name": name, "beds": beds}
        )
    for field in ("zone", "notes"):
        if field in cleaned:
            cleaned[field] = str(cleaned[field] or "").strip()
    return cleaned


@audited("shelter.add_shelter")
@transaction.atomic
def add_shelter(
    *,
    by: Author,
    name: str,
    covered_area_m2: Any,
    kind: str = Kind.TENT,
    beds: int | None = None,
    accessible: bool = False,
    heated: bool = False,
    condition: str = Condition.USABLE,
    zone: str = "",
    use: str = Use.GENERAL,
    notes: str = "",
) -> Shelter:
    """Record a shelter; its capacity follows from its covered area (and beds)."""
    cleaned = _clean_shelter(
        {
            "name": name,
            "covered_area_m2": covered_area_m2,
            "kind": kind,
            "beds": beds,
            "accessible": accessible,
            "heated": heated,
            "zone": zone,
            "use": use,
            "notes": notes,
        },
        name,
    )
    if condition not in Condition.values:
        raise HavenError(
            _("unknown condition %(condition)r: use one of %(names)s")
            % {"condition": condition, "names": ", ".join(Condition.values)}
        )
    if Shelter.objects.filter(name__iexact=cleaned["name"]).exists():
        raise HavenError(_("a shelter named %(name)r already exists") % {"name": cleaned["name"]})
    shelter = Shelter.objects.create(condition=condition, **cleaned)
    if condition != Condition.USABLE:
        ConditionChange.objects.create(
            shelter=shelter,
            previous_condition=Condition.USABLE,
            condition=condition,
            recorded_by=acting_user(by),
            note="recorded so when added",
        )
    return shelter


@audited("shelter.update_shelter")
@transaction.atomic
def update_shelter(*, by: Author, shelter: Shelter, **changes: Any) -> Shelter:
    """Change a shelter's details (not its condition: that is `set_condition`)."""
    if "condition" in changes:
        raise HavenError(_("condition changes are recorded: use the condition change instead"))
    cleaned = _clean_shelter(changes, shelter.name)
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    new_name = cleaned.get("name")
    if new_name and Shelter.objects.filter(name__iexact=new_name).exclude(pk=shelter.pk).exists():
        raise HavenError(_("a shelter named %(new_name)r already exists") % {"new_name": new_name})
    for field, value in cleaned.items():
        setattr(shelter, field, value)
    shelter.save()
    return shelter


def _close(stay: Stay, *, by: Author, at: datetime, end: str, note: str = "") -> None:
    stay.ended_at = at
    stay.ended_by = acting_user(by)
    stay.end = end
    stay.end_note = note[:300]
    stay.save(update_fields=["ended_at", "ended_by", "end", "end_note"])


@audited("shelter.set_condition")
@transaction.atomic
def set_condition(
    *,
    by: Author,
    shelter: Shelter,
    condition: str,
    note: str = "",
    at: datetime | None = None,
) -> ConditionChange:
    """Record a shelter's new condition; a destroyed shelter's people lose their place."""
    if condition not in Condition.values:
        raise HavenError(
            _("unknown condition %(condition)r for %(name)s: use one of %(names)s")
            % {"condition": condition, "name": shelter.name, "names": ", ".join(Condition.values)}
        )
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    if shelter.condition == condition:
        raise HavenError(
            _("%(name)s is already %(label)s")
            % {"name": shelter.name, "label": Condition(condition).label.lower()}
        )
    when = event_time(at, "time of the change")
    change = ConditionChange.objects.create(
        shelter=shelter,
        previous_condition=shelter.condition,
        condition=condition,
        occurred_at=when,
        recorded_by=acting_user(by),
        note=note.strip(),
    )
    shelter.condition = condition
    shelter.save(update_fields=["condition"])
    if condition == Condition.DESTROYED:
        for stay in Stay.objects.select_for_update().filter(shelter=shelter, ended_at__isnull=True):
            _close(stay, by=by, at=when, end=StayEnd.DESTROYED, note=note.strip())
    return change


@audited("shelter.destroy_shelter")
def destroy_shelter(
    *, by: Author, shelter: Shelter, note: str = "", at: datetime | None = None
) -> ConditionChange:
    """Mark a shelter destroyed: its people are unassigned and listed as unsheltered."""
    return set_condition(by=by, shelter=shelter, condition=Condition.DESTROYED, note=note, at=at)


@audited("shelter.add_tent_type")
@transaction.atomic
def add_tent_type(*, by: Author, name: str, covered_area_m2: Any) -> TentType:
    """A tent type to count the shortfall in (for example "Family tent", 16 m²)."""
    name = name.strip()
    if not name:
        raise HavenError(_("a tent type needs a name"))
    area = _area(covered_area_m2, f"tent type {name}")
    if TentType.objects.filter(name__iexact=name).exists():
        raise HavenError(_("a tent type named %(name)r already exists") % {"name": name})
    return TentType.objects.create(name=name, covered_area_m2=area)


# --- occupancy --------------------------------------------------------------------------


def _require_in_camp(person: Person) -> None:
    if person.status not in IN_CAMP:
        raise HavenError(
            _(
                "%(full_name)s (%(display_id)s) is recorded %(label)s: only "
                "people in camp (present or injured) can be given a shelter"
            )
            % {
                "full_name": person.full_name,
                "display_id": person.display_id,
                "label": Status(person.status).label.lower(),
            }
        )


def _require_room(shelter: Shelter, arriving: int = 1) -> None:
    if not shelter.is_usable:
        raise HavenError(
            _("%(name)s is destroyed: nobody can sleep there") % {"name": shelter.name}
        )
    taken = open_stays().filter(shelter=shelter).count()
    capacity = shelter.capacity
    if taken + arriving > capacity:
        raise HavenError(
            f"{shelter.name} is full: {taken} of {capacity} places taken "
            f"({m2_text(shelter.covered_area_m2)} m² at {covered_m2_per_person():g} m²/person"
            + (f", {shelter.beds} beds" if shelter.beds is not None else "")
            + ")"
        )


@audited("shelter.assign")
@transaction.atomic
def assign(
    *,
    by: Author,
    person: Person,
    shelter: Shelter,
    at: datetime | None = None,
    note: str = "",
) -> Stay:
    """Check a person into a shelter; if they sleep elsewhere, that stay ends (a move)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    _require_in_camp(person)
    current = Stay.objects.select_for_update().filter(person=person, ended_at__isnull=True).first()
    if current is not None and current.shelter_id == shelter.pk:
        raise HavenError(
            _("%(full_name)s already sleeps in %(name)s")
            % {"full_name": person.full_name, "name": shelter.name}
        )
    _require_room(shelter)
    when = event_time(at, "check-in time")
    if current is not None:
        _close(current, by=by, at=when, end=StayEnd.MOVED, note=f"to {shelter.name}")
    try:
        with transaction.atomic():
            return Stay.objects.create(
                person=person, shelter=shelter, started_at=when, started_by=acting_user(by)
            )
    except IntegrityError as error:  # another clerk placed them in the same instant
        raise HavenError(
            _("%(full_name)s was just given a shelter by someone else")
            % {"full_name": person.full_name}
        ) from error


@audited("shelter.check_out")
@transaction.atomic
def check_out(*, by: Author, person: Person, note: str = "", at: datetime | None = None) -> Stay:
    """A person no longer sleeps in their shelter (the stay ends; they count as unsheltered)."""
    stay = (
        Stay.objects.select_for_update()
        .select_related("shelter")
        .filter(person=person, ended_at__isnull=True)
        .first()
    )
    if stay is None:
        raise HavenError(
            _("%(full_name)s (%(display_id)s) has no shelter to leave")
            % {"full_name": person.full_name, "display_id": person.display_id}
        )
    _close(
        stay, by=by, at=event_time(at, "check-out time"), end=StayEnd.CHECKED_OUT, note=note.strip()
    )
    return stay


@audited("shelter.release_people_gone")
@transaction.atomic
def release_people_gone(*, by: Author, at: datetime | None = None) -> int:
    """End the stays of people no longer in camp (dead, departed, missing): their places free up."""
    when = event_time(at, "time")
    stays = (
        Stay.objects.select_for_update()
        .filter(ended_at__isnull=True)
        .exclude(person__status__in=IN_CAMP)
    )
    count = 0
    for stay in stays.select_related("person"):
        _close(
            stay,
            by=by,
            at=when,
            end=StayEnd.LEFT_CAMP,
            note=f"recorded {Status(stay.person.status).label.lower()}",
        )
        count += 1
    return count


# --- planning ---------------------------------------------------------------------------


def _age(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@read_only
def planner_people() -> list[PlannerPerson]:
    """Everyone in camp as the planner sees them (injured, vulnerable, child, where now)."""
    today = timezone.localdate()
    current = dict(open_stays().values_list("person_id", "shelter_id"))
    rows = read_values(
        Person.objects.in_camp().order_by("pk"),
        *("pk", "household_id", "team_id", "status", "date_of_birth", "special_needs"),
    )
    people = []
    for pk, household_id, team_id, status, born, needs in rows:
        age = _age(born, today)
        child = age is not None and age < CHILD_BELOW_YEARS
        elderly = age is not None and age >= ELDERLY_FROM_YEARS
        people.append(
            PlannerPerson(
                person_id=pk,
                household_id=household_id,
                team_id=team_id,
                injured=status == Status.INJURED,
                vulnerable=child or elderly or bool(needs.strip()),
                current_shelter_id=current.get(pk),
                is_child=child,
            )
        )
    return people


@read_only
def planner_shelters() -> list[PlannerShelter]:
    """The shelters the planner may fill. One whose places cannot be counted is held as it
    is: room for those sleeping there tonight and nobody more."""
    return [
        PlannerShelter(
            shelter_id=row.shelter.pk,
            capacity=row.occupied if row.problem else row.capacity,
            use=row.shelter.use,
            zone=row.shelter.zone,
            usable=row.shelter.is_usable,
        )
        for row in shelter_rows(Shelter.objects.order_by("pk"))
    ]


@read_only
def compute_plan(people: list[PlannerPerson], shelters: list[PlannerShelter]) -> AllocationPlan:
    try:
        return plan_allocation(
            people,
            shelters,
            PlannerWeights(),
            exact_time_limit_s=settings.HAVEN_SHELTER_PLAN_SECONDS,
        )
    except PlanningInputError as error:
        raise HavenError(
            _("the shelter planner refused the camp's data: %(error)s") % {"error": error}
        ) from error


@audited("shelter.make_plan")
@transaction.atomic
def make_plan(*, by: Author, at: datetime | None = None) -> ShelterPlan:
    """Ask the planner who should sleep where; the plan is kept for preview, nothing moves yet."""
    people = planner_people()
    shelters = planner_shelters()
    result = compute_plan(people, shelters)
    current = {p.person_id: p.current_shelter_id for p in people if p.current_shelter_id}
    changes = [
        [p.person_id, p.current_shelter_id, result.assignments.get(p.person_id)]
        for p in people
        if p.current_shelter_id != result.assignments.get(p.person_id)
    ]
    return ShelterPlan.objects.create(
        created_at=event_time(at, "time of the plan"),
        created_by=acting_user(by),
        method=result.method,
        objective=result.objective,
        objective_before=plan_objective(people, shelters, current, PlannerWeights()),
        people_count=len(people),
        capacity=sum(s.capacity for s in shelters if s.usable),
        sheltered_before=len(current),
        sheltered_after=len(result.assignments),
        changes=changes,
        unsheltered={str(pid): reason for pid, reason in result.unsheltered.items()},
    )


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One line of a plan's preview."""

    person: Person
    from_shelter: Shelter | None
    to_shelter: Shelter | None
    reason: str = ""

    @property
    def kind(self) -> str:
        if self.from_shelter is None:
            return "gets a place"
        if self.to_shelter is None:
            return "loses their place"
        return "moves"


@read_only
def plan_changes(plan: ShelterPlan) -> list[PlanChange]:
    ids = [row[0] for row in plan.changes]
    people = Person.objects.in_bulk(ids)
    shelters = Shelter.objects.in_bulk(
        [sid for row in plan.changes for sid in row[1:] if sid is not None]
    )
    result = [
        PlanChange(
            person=people[pid],
            from_shelter=shelters.get(origin) if origin else None,
            to_shelter=shelters.get(to) if to else None,
            reason=plan.unsheltered.get(str(pid), "") if to is None else "",
        )
        for pid, origin, to in plan.changes
        if pid in people
    ]
    return sorted(
        result,
        key=lambda c: (c.to_shelter.name if c.to_shelter else "~", c.person.full_name),
    )


@read_only
def plan_unsheltered(plan: ShelterPlan) -> list[Unsheltered]:
    people = Person.objects.in_bulk([int(pid) for pid in plan.unsheltered])
    rows = [
        Unsheltered(person=people[int(pid)], reason=reason)
        for pid, reason in plan.unsheltered.items()
        if int(pid) in people
    ]
    return sorted(rows, key=lambda row: (row.reason, row.person.full_name))


@audited("shelter.apply_plan")
@transaction.atomic
def apply_plan(
    *,
    by: Author,
    plan: ShelterPlan,
    person_ids: Collection[int] | None = None,
    at: datetime | None = None,
) -> int:
    """Carry out all of a plan's changes, or those of the people chosen; returns how many.

    Refused, with nothing written, when the plan was already applied, when someone's shelter
    changed since the plan was made, or when the chosen changes alone would overfill a shelter.
    """
    plan = ShelterPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_applied:
        raise HavenError(
            _("shelter plan %(pk)s was already applied at %(applied_at)s: make a new plan")
            % {"pk": plan.pk, "applied_at": f"{timezone.localtime(plan.applied_at):%Y-%m-%d %H:%M}"}
        )
    by_person = {row[0]: row for row in plan.changes}
    if person_ids is None:
        chosen = list(by_person.values())
    else:
        missing = [pid for pid in person_ids if pid not in by_person]
        if missing:
            raise HavenError(
                f"person {missing[0]} has no change in shelter plan {plan.pk}"
                + (f" (nor {len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        chosen = [by_person[pid] for pid in sorted(set(person_ids))]
    if not chosen:
        raise HavenError(
            _("choose at least one change of shelter plan %(pk)s to apply") % {"pk": plan.pk}
        )
    when = event_time(at, "time")
    release_people_gone(by=by, at=when)
    shelter_ids = {sid for row in chosen for sid in row[1:] if sid is not None}
    shelters = {s.pk: s for s in Shelter.objects.select_for_update().filter(pk__in=shelter_ids)}
    people = Person.objects.select_for_update().in_bulk([row[0] for row in chosen])
    stays = {
        stay.person_id: stay
        for stay in Stay.objects.select_for_update()
        .select_related("shelter")
        .filter(person_id__in=people, ended_at__isnull=True)
    }
    for pid, origin, to in chosen:
        person = people.get(pid)
        if person is None:
            raise HavenError(
                _("person %(pid)s of shelter plan %(pk)s no longer exists")
                % {"pid": pid, "pk": plan.pk}
            )
        now_in = stays[pid].shelter_id if pid in stays else None
        if now_in != origin:
            where = stays[pid].shelter.name if pid in stays else "no shelter"
            raise HavenError(
                _(
                    "shelter plan %(pk)s is out of date: %(full_name)s "
                    "is now in %(where)s; make a new plan"
                )
                % {"pk": plan.pk, "full_name": person.full_name, "where": where}
            )
        if to is not None:
            _require_in_camp(person)
            if to not in shelters:
                raise HavenError(
                    _("shelter %(to)s of shelter plan %(pk)s no longer exists")
                    % {"to": to, "pk": plan.pk}
                )
            if not shelters[to].is_usable:
                raise HavenError(
                    _("%(name)s is destroyed: make a new plan") % {"name": shelters[to].name}
                )
    for pid, _origin, to in chosen:
        if pid in stays:
            end, note = (
                (StayEnd.MOVED, f"to {shelters[to].name} by plan {plan.pk}")
                if to is not None
                else (StayEnd.PLAN, f"plan {plan.pk}")
            )
            _close(stays[pid], by=by, at=when, end=end, note=note)
    Stay.objects.bulk_create(
        Stay(person_id=pid, shelter_id=to, started_at=when, started_by=acting_user(by), plan=plan)
        for pid, _origin, to in chosen
        if to is not None
    )
    arriving = Counter(to for _, _, to in chosen if to is not None)
    counts = occupancy()
    for shelter_id in sorted(arriving):
        shelter = shelters[shelter_id]
        if counts.get(shelter_id, 0) > shelter.capacity:
            raise HavenError(
                _(
                    "these changes would put %(counts)s people in %(name)s (capacity "
                    "%(capacity)s): also choose the moves out of it, or make a new plan"
                )
                % {"counts": counts[shelter_id], "name": shelter.name, "capacity": shelter.capacity}
            )
    plan.applied_at = when
    plan.applied_by = acting_user(by)
    plan.applied_count = len(chosen)
    plan.save(update_fields=["applied_at", "applied_by", "applied_count"])
    return len(chosen)


@read_only
def people_in(shelter: Shelter) -> QuerySet[Person]:
    """Who sleeps in a shelter tonight."""
    return Person.objects.filter(
        shelter_stays__shelter=shelter, shelter_stays__ended_at__isnull=True, status__in=IN_CAMP
    ).order_by("full_name")


@read_only
def history(shelter: Shelter, limit: int = 100) -> QuerySet[Stay]:
    return (
        Stay.objects.filter(shelter=shelter)
        .select_related("person", "started_by", "ended_by")
        .order_by("-started_at", "-id")[:limit]
    )

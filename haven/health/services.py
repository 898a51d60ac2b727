"""Health use cases: triage, injuries, treatments, outcomes and the casualty register.

Triage logic lives in ``haven.planning.triage``; these functions only record what it
decides. Status changes go through ``haven.people.services``; stock through the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError, NotFoundError
from haven.core.services import Author, acting_user, event_time
from haven.core.services import get_person as get_person
from haven.core.signals import sensitive_read
from haven.core.times import readable
from haven.health.choices import (
    FINAL_OUTCOMES,
    BodyRegion,
    Cause,
    Disposition,
    IdentificationConfidence,
    InjuryKind,
    Outcome,
)
from haven.health.models import (
    DeathRecord,
    Injury,
    OutcomeRecord,
    StartingPopulation,
    Treatment,
    TriageRecord,
)
from haven.people import services as people
from haven.people.choices import Status
from haven.people.models import Person
from haven.planning.errors import PlanningInputError
from haven.planning.triage import (
    GLASGOW_COMA_SCALE_RANGE,
    PULSE_RATE_RANGE,
    RESPIRATORY_RATE_RANGE,
    SYSTOLIC_BLOOD_PRESSURE_RANGE,
    Algorithm,
    Answer,
    Question,
    TriageCategory,
    TriageResult,
    algorithm_for_age,
    answers_to_observations,
    next_step,
    observations_to_answers,
    revised_trauma_score,
    triage,
)
from haven.stock import services as stock
from haven.stock.choices import Category, IssuePurpose
from haven.stock.services import ItemRef, StoreRef


def _choice(value: str, choices: Any, what: str) -> str:
    if value not in choices.values:
        raise HavenError(
            _("unknown %(what)s %(value)r: use one of %(names)s")
            % {"what": what, "value": value, "names": ", ".join(choices.values)}
        )
    return value


# --- triage ---------------------------------------------------------------------------


@read_only
def retriage_interval(category: TriageCategory) -> timedelta | None:
    """How soon a casualty in this category must be seen again (settings); None: never."""
    minutes = {
        1: settings.HAVEN_RETRIAGE_RED_MINUTES,
        2: settings.HAVEN_RETRIAGE_YELLOW_MINUTES,
        3: settings.HAVEN_RETRIAGE_GREEN_MINUTES,
        4: settings.HAVEN_RETRIAGE_EXPECTANT_MINUTES,
    }.get(category.priority, 0)
    return timedelta(minutes=minutes) if minutes else None


@read_only
def algorithm_for(person: Person, on: datetime | None = None) -> Algorithm:
    """START for adults and unknown ages, JumpSTART for young children."""
    day = timezone.localdate(on) if on else None
    return algorithm_for_age(
        person.age_years(day), child_under_years=settings.HAVEN_TRIAGE_CHILD_UNDER_YEARS
    )


@read_only
def parse_algorithm(value: str) -> Algorithm:
    try:
        return Algorithm(value.strip().lower())
    except ValueError:
        names = ", ".join(a.value for a in Algorithm)
        raise HavenError(
            _("unknown triage algorithm %(value)r: use one of %(names)s")
            % {"value": value, "names": names}
        ) from None


@read_only
def walk(algorithm: Algorithm, answers: Mapping[str, Answer]) -> Question | TriageResult:
    """The walker's next question, or the result; bad answers become HavenError."""
    try:
        return next_step(algorithm, answers)
    except PlanningInputError as error:
        raise HavenError(str(error)) from None


def _vital(plausible: Any, value: float | None) -> float | None:
    if value is None:
        return None
    try:
        return float(plausible.check(value))
    except PlanningInputError as error:
        raise HavenError(str(error)) from None


def _triage_target(person: Person) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.status == Status.DECEASED:
        raise HavenError(
            _("%(full_name)s is recorded deceased: a triage needs a living person")
            % {"full_name": person.full_name}
        )
    if person.status == Status.DEPARTED:
        raise HavenError(
            _("%(full_name)s has departed: record their return before triaging them")
            % {"full_name": person.full_name}
        )
    return person


@audited("health.record_triage")
@transaction.atomic
def record_triage(
    *,
    by: Author,
    person: Person,
    answers: Mapping[str, Answer],
    algorithm: Algorithm | str | None = None,
    pulse_rate: float | None = None,
    systolic_bp: float | None = None,
    gcs: int | None = None,
    place: str = "",
    note: str = "",
    triaged_at: datetime | None = None,
) -> TriageRecord:
    """Triage (or re-triage) a person; someone present or missing becomes injured.

    The category comes from the planning engine; the answers must reach a result.
    """
    person = _triage_target(person)
    when = event_time(triaged_at, "triage time")
    chosen = (
        algorithm_for(person, when)
        if algorithm is None or algorithm == ""
        else parse_algorithm(str(algorithm))
    )
    try:
        observations = answers_to_observations(chosen, answers)
        result = triage(observations)
    except PlanningInputError as error:
        raise HavenError(
            _("triage of %(full_name)s: %(error)s")
            % {"full_name": person.full_name, "error": error}
        ) from None
    respiratory_rate = getattr(observations, "respiratory_rate", None)
    pulse = _vital(PULSE_RATE_RANGE, pulse_rate)
    pressure = _vital(SYSTOLIC_BLOOD_PRESSURE_RANGE, systolic_bp)
    coma = _vital(GLASGOW_COMA_SCALE_RANGE, gcs)
    score = None
    if coma is not None and pressure is not None and respiratory_rate is not None:
        score = revised_trauma_score(int(coma), pressure, respiratory_rate)
    if respiratory_rate is not None:
        _vital(RESPIRATORY_RATE_RANGE, respiratory_rate)
    previous = (
        TriageRecord.objects.select_for_update().filter(person=person, is_current=True).first()
    )
    if previous is not None:
        if when < previous.triaged_at:
            raise HavenError(
                _(
                    "the re-triage at %(when)s is before "
                    "%(full_name)s's last triage at %(triaged_at)s"
                )
                % {
                    "when": readable(when),
                    "full_name": person.full_name,
                    "triaged_at": readable(previous.triaged_at),
                }
            )
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    interval = retriage_interval(result.category)
    record = TriageRecord.objects.create(
        person=person,
        triaged_at=when,
        triaged_by=acting_user(by),
        algorithm=chosen.value,
        category=result.category.value,
        priority=result.category.priority,
        answers={
            key: _plain(value) for key, value in observations_to_answers(observations).items()
        },
        reasons=list(result.reasons),
        respiratory_rate=respiratory_rate,
        pulse_rate=pulse,
        systolic_bp=pressure,
        gcs=int(coma) if coma is not None else None,
        revised_trauma_score=score,
        place=place.strip(),
        note=note.strip(),
        waiting_since=previous.waiting_since if previous else when,
        retriage_due_at=when + interval if interval else None,
        previous=previous,
    )
    if person.status in (Status.PRESENT, Status.MISSING):
        people.change_status(
            by=by,
            person=person,
            status=Status.INJURED,
            reason=f"triaged {result.category.label}",
            place=place,
            occurred_at=max(when, person.status_changed_at),
        )
    return record


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


@read_only
def get_triage(record_id: int) -> TriageRecord:
    try:
        return TriageRecord.objects.select_related("person", "triaged_by").get(pk=record_id)
    except TriageRecord.DoesNotExist as error:
        raise NotFoundError(
            _("no triage record with id %(record_id)s") % {"record_id": record_id}
        ) from error


# --- injuries, treatments, outcomes ---------------------------------------------------


def _living(person: Person, what: str) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.status == Status.DECEASED:
        raise HavenError(
            _("%(full_name)s is recorded deceased: cannot record %(what)s")
            % {"full_name": person.full_name, "what": what}
        )
    return person


@audited("health.record_injury")
@transaction.atomic
def record_injury(
    *,
    by: Author,
    person: Person,
    body_region: str,
    kind: str,
    cause: str = Cause.UNKNOWN,
    burn_body_surface_percent: int | None = None,
    occurred_at: datetime | None = None,
    place: str = "",
    description: str = "",
) -> Injury:
    """Record an injury; a burn needs the % of body surface burned (1–100), nothing else may."""
    _choice(body_region, BodyRegion, "body region")
    _choice(kind, InjuryKind, "injury kind")
    _choice(cause, Cause, "cause")
    if kind == InjuryKind.BURN:
        if burn_body_surface_percent is None:
            # xgettext:no-python-format
            raise HavenError(_("a burn needs the % of body surface area burned"))
        if not 1 <= burn_body_surface_percent <= 100:
            raise HavenError(
                _("burned body surface %(burn_body_surface_percent)s%% is not between 1 and 100")
                % {"burn_body_surface_percent": burn_body_surface_percent}
            )
    elif burn_body_surface_percent is not None:
        raise HavenError(_("body surface %% is for burns only, not a %(kind)s") % {"kind": kind})
    person = _living(person, "an injury")
    return Injury.objects.create(
        person=person,
        body_region=body_region,
        kind=kind,
        cause=cause,
        burn_body_surface_percent=burn_body_surface_percent,
        occurred_at=event_time(occurred_at, "injury time"),
        place=place.strip(),
        description=description.strip(),
        recorded_by=acting_user(by),
    )


@audited("health.record_treatment")
@transaction.atomic
def record_treatment(
    *,
    by: Author,
    person: Person,
    what: str,
    injury: Injury | None = None,
    given_at: datetime | None = None,
    note: str = "",
    item: ItemRef | None = None,
    store: StoreRef | None = None,
    quantity: Decimal | float | int | str | None = None,
) -> Treatment:
    """Record care given; medical stock it used is issued from the store through the ledger.

    Nothing is written if the store is short ("cannot issue 3 × Splint from Clinic: 1 on hand").
    """
    if not what.strip():
        raise HavenError(_("a treatment needs a description of what was done"))
    person = _living(person, f"a treatment ({what.strip()})")
    if injury is not None and injury.person_id != person.pk:
        raise HavenError(
            _("injury %(pk)s is not %(full_name)s's")
            % {"pk": injury.pk, "full_name": person.full_name}
        )
    treatment = Treatment.objects.create(
        person=person,
        injury=injury,
        given_at=event_time(given_at, "treatment time"),
        given_by=acting_user(by),
        what=what.strip(),
        note=note.strip(),
    )
    uses_stock = item is not None or store is not None or quantity is not None
    if uses_stock:
        _consume_stock(by=by, treatment=treatment, item=item, store=store, quantity=quantity)
    return treatment


def _consume_stock(
    *, by: Author, treatment: Treatment, item: ItemRef | None, store: StoreRef | None, quantity: Any
) -> None:
    if item is None or store is None or quantity is None:
        raise HavenError(_("stock used by a treatment needs an item, a store and a quantity"))
    stock_item, stock_store = stock.get_item(item), stock.get_store(store)
    if stock_item.category != Category.MEDICAL:
        raise HavenError(
            _(
                "%(name)s is %(get_category_display)s stock, "
                "not medical: a treatment uses medical stock"
            )
            % {
                "name": stock_item.name,
                "get_category_display": stock_item.get_category_display().lower(),
            }
        )
    entries = stock.issue(
        by=by,
        item=stock_item,
        store=stock_store,
        quantity=quantity,
        purpose=IssuePurpose.TREATMENT,
        reference=f"health/treatment/{treatment.pk}",
        person=treatment.person,
        note=treatment.what,
        at=treatment.given_at,
    )
    treatment.item = stock_item
    treatment.store = stock_store
    treatment.quantity = -sum((entry.quantity for entry in entries), Decimal(0))
    treatment.save(update_fields=["item", "store", "quantity"])
    treatment.ledger_entries.set(entries)


@audited("health.record_outcome")
@transaction.atomic
def record_outcome(
    *,
    by: Author,
    person: Person,
    outcome: str,
    note: str = "",
    destination: str = "",
    occurred_at: datetime | None = None,
    return_to_present: bool = True,
    death: Mapping[str, Any] | None = None,
) -> OutcomeRecord:
    """How a casualty's care went. "died" opens a death record (the person becomes
    deceased); "recovered" returns them to present unless told not to; "transferred"
    records their departure; a final outcome takes them off the triage queue."""
    _choice(outcome, Outcome, "outcome")
    person = _living(person, f"the outcome {outcome!r}")
    when = event_time(occurred_at, "outcome time")
    event = None
    if outcome == Outcome.DIED:
        details = dict(death or {})
        details.setdefault("cause", Cause.UNKNOWN)
        details.setdefault("cause_detail", note)
        details.setdefault("confidence", IdentificationConfidence.CONFIRMED)
        record = record_death(by=by, person=person, died_at=when, **details)
        event = record.status_event
    elif outcome == Outcome.RECOVERED and return_to_present and person.status == Status.INJURED:
        event = people.change_status(
            by=by,
            person=person,
            status=Status.PRESENT,
            reason=note.strip() or "recovered",
            occurred_at=max(when, person.status_changed_at),
        )
    elif outcome == Outcome.TRANSFERRED:
        if not destination.strip():
            raise HavenError(
                _("a transfer of %(full_name)s needs a destination")
                % {"full_name": person.full_name}
            )
        departure = people.record_departure(
            by=by,
            person=person,
            reason=f"transferred for care{': ' + note.strip() if note.strip() else ''}",
            destination=destination,
            left_at=max(when, person.status_changed_at),
        )
        event = departure.status_event
    if outcome in FINAL_OUTCOMES:
        TriageRecord.objects.filter(person=person, is_current=True).update(is_current=False)
    return OutcomeRecord.objects.create(
        person=person,
        outcome=outcome,
        occurred_at=when,
        recorded_by=acting_user(by),
        note=note.strip(),
        destination=destination.strip(),
        status_event=event,
    )


# --- the casualty register --------------------------------------------------------------

DEATH_FIELDS = (
    "died_at",
    "time_is_estimate",
    "place",
    "cause",
    "cause_detail",
    "circumstances",
    "identified_by",
    "confidence",
    "disposition",
    "disposition_place",
    "personal_effects",
    "next_of_kin",
    "next_of_kin_told",
)


def _clean_death(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(DEATH_FIELDS)
    if unknown:
        raise HavenError(
            _("unknown death record field(s): %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    cleaned = dict(values)
    if "cause" in cleaned:
        _choice(cleaned["cause"], Cause, "cause of death")
    if "confidence" in cleaned:
        _choice(cleaned["confidence"], IdentificationConfidence, "identification confidence")
    if "disposition" in cleaned:
        _choice(cleaned["disposition"], Disposition, "disposition")
    if "died_at" in cleaned:
        if cleaned["died_at"] is None:
            raise HavenError(_("a death record needs the date and time of death"))
        cleaned["died_at"] = event_time(cleaned["died_at"], "time of death")
    for name, value in cleaned.items():
        if isinstance(value, str):
            cleaned[name] = value.strip()
    return cleaned


@audited("health.record_death")
@transaction.atomic
def record_death(
    *,
    by: Author,
    person: Person,
    died_at: datetime,
    cause: str,
    confidence: str,
    confirm: bool = False,
    **details: Any,
) -> DeathRecord:
    """Enter a death in the casualty register; the person becomes deceased.

    Refused if the register already holds their death: correct that record instead.
    """
    cleaned = _clean_death(
        {"died_at": died_at, "cause": cause, "confidence": confidence, **details}
    )
    person = Person.objects.select_for_update().get(pk=person.pk)
    existing = DeathRecord.objects.current().filter(person=person).first()
    if existing is not None:
        raise HavenError(
            _(
                "%(full_name)s is already recorded dead (death "
                "record %(pk)s): correct that record instead"
            )
            % {"full_name": person.full_name, "pk": existing.pk}
        )
    event = None
    if person.status != Status.DECEASED:
        event = people.change_status(
            by=by,
            person=person,
            status=Status.DECEASED,
            reason=f"death recorded: {Cause(cleaned['cause']).label.lower()}",
            place=cleaned.get("place", ""),
            occurred_at=max(cleaned["died_at"], person.status_changed_at),
        )
    TriageRecord.objects.filter(person=person, is_current=True).update(is_current=False)
    now = timezone.now()
    return DeathRecord.objects.create(
        person=person,
        recorded_by=acting_user(by),
        recorded_at=now,
        confirmed_at=now if confirm else None,
        confirmed_by=acting_user(by) if confirm else None,
        status_event=event,
        **cleaned,
    )


@read_only
def get_death_record(record_id: int) -> DeathRecord:
    try:
        return DeathRecord.objects.select_related("person").get(pk=record_id)
    except DeathRecord.DoesNotExist as error:
        raise NotFoundError(
            _("no death record with id %(record_id)s") % {"record_id": record_id}
        ) from error


def _locked_message(record: DeathRecord) -> str:
    return (
        f"death record {record.pk} for {record.person.full_name} is confirmed and locked: "
        "record a correction with a reason"
    )


@audited("health.update_death_record")
@transaction.atomic
def update_death_record(*, by: Author, record: DeathRecord, **changes: Any) -> DeathRecord:
    """Complete a draft death record; once confirmed it can only be corrected."""
    record = DeathRecord.objects.select_for_update().select_related("person").get(pk=record.pk)
    if record.is_confirmed:
        raise HavenError(_locked_message(record))
    if record.corrects_id is None and hasattr(record, "correction"):
        raise HavenError(
            _("death record %(pk)s has been replaced by a correction") % {"pk": record.pk}
        )
    for name, value in _clean_death(changes).items():
        setattr(record, name, value)
    record.save()
    return record


@audited("health.confirm_death_record")
@transaction.atomic
def confirm_death_record(*, by: Author, record: DeathRecord) -> DeathRecord:
    """Lock a death record: from now on it is changed only by corrections."""
    record = DeathRecord.objects.select_for_update().select_related("person").get(pk=record.pk)
    if record.is_confirmed:
        raise HavenError(
            _("death record %(pk)s for %(full_name)s is already confirmed")
            % {"pk": record.pk, "full_name": record.person.full_name}
        )
    record.confirmed_at = timezone.now()
    record.confirmed_by = acting_user(by)
    record.save(update_fields=["confirmed_at", "confirmed_by"])
    return record


@audited("health.correct_death_record")
@transaction.atomic
def correct_death_record(
    *, by: Author, record: DeathRecord, reason: str, **changes: Any
) -> DeathRecord:
    """A new, confirmed entry replacing a confirmed one, with the reason; the old one stays."""
    if not reason.strip():
        raise HavenError(_("a correction needs a reason"))
    record = DeathRecord.objects.select_for_update().select_related("person").get(pk=record.pk)
    if not record.is_confirmed:
        raise HavenError(
            _("death record %(pk)s is not confirmed yet: complete it instead of correcting it")
            % {"pk": record.pk}
        )
    if DeathRecord.objects.filter(corrects=record).exists():
        raise HavenError(
            _("death record %(pk)s has already been corrected: correct the newest entry")
            % {"pk": record.pk}
        )
    cleaned = _clean_death(changes)
    values = {name: getattr(record, name) for name in DEATH_FIELDS}
    values.update(cleaned)
    if values == {name: getattr(record, name) for name in DEATH_FIELDS}:
        raise HavenError(
            _("the correction of death record %(pk)s changes nothing") % {"pk": record.pk}
        )
    now = timezone.now()
    return DeathRecord.objects.create(
        person=record.person,
        recorded_by=acting_user(by),
        recorded_at=now,
        confirmed_at=now,
        confirmed_by=acting_user(by),
        corrects=record,
        correction_reason=reason.strip(),
        status_event=record.status_event,
        **values,
    )


@audited("health.set_starting_population")
@transaction.atomic
def set_starting_population(*, by: Author, count: int, note: str = "") -> StartingPopulation:
    """Set how many lived here before the crisis (the base of the casualty shares)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise HavenError(
            _("starting population %(count)r is not a positive whole number") % {"count": count}
        )
    return StartingPopulation.objects.create(count=count, set_by=acting_user(by), note=note.strip())


@read_only
def starting_population() -> int | None:
    latest = StartingPopulation.objects.first()
    if latest is not None:
        return latest.count
    return settings.HAVEN_STARTING_POPULATION or None


# --- audit ----------------------------------------------------------------------------


# Records a read, in the audit log (through the sensitive_read signal).
@read_only
def log_medical_access(*, by: Author, people_ids: Iterable[int], view: str) -> int:
    """Report a read of these people's medical records ("web:queue", "api:death" …): one
    audit event naming each person once. Returns how many people were read."""
    people = list(dict.fromkeys(people_ids))
    channel, _, page = view.partition(":")
    sensitive_read.send(
        sender=None,
        user=acting_user(by),
        group="medical",
        model="people.person",
        pks=people,
        channel=channel if channel in {"web", "api", "cli"} else None,
        view=page or view,
    )
    return len(people)

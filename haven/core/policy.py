"""The access policy, declared in one place: which fields of each model belong to which
group, and which role sees which group. Everything that shows a record — API schemas
(`haven.core.policy_schema.PolicySchema`), pages (the `policy` template tags), exports,
search and the admin — asks `visible_groups(user, record)` here and nothing else.

Need-to-know, strictly (README's role table):

- member: names, and their own record;
- scout: names; contact and location of the people on their own mission's team, and the
  destination of the missions they are on;
- quartermaster: names and households (counts by need class come as aggregates);
- clerk: identity, contact, household and where people sleep — not medical, not protection;
- medic: identity, medical and protection (pregnancy and special needs change triage and
  care);
- commander: everything.

Locations (the camp's, stores and caches, mission destinations and routes, the place of a
status change or a death) are one group: the commander sees it, anyone else only with the
`core.view_location` permission an admin grants to a user. Where a location is not shown,
it reads HIDDEN — in pages, API answers, exports, logs and error messages — so a reader
knows a place exists without learning it. Fields of any other group a role may not see are
left out of API answers (the OpenAPI schema marks them optional) and empty on pages.

Every time a location, medical or protection field is shown, `note_read` records it and the
request's end sends `haven.core.signals.sensitive_read` once per group and model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from haven.core.signals import sensitive_read

HIDDEN = "hidden"
VIEW_LOCATION = "core.view_location"


class FieldGroup(StrEnum):
    """What a field tells about a person or the camp."""

    NAME = "name"  # a record's id and name: every role that may list the records
    RECORD = "record"  # operational fields of a non-personal record (a store's kind, a lot)
    IDENTITY = "identity"  # other names, sex, birth, age, status, team, skills, languages
    CONTACT = "contact"  # phone
    HOUSEHOLD = "household"  # who lives and eats together
    SHELTER = "shelter"  # who sleeps where
    MEDICAL = "medical"  # injuries, triage, treatments, causes of death, extra energy needs
    PROTECTION = "protection"  # pregnancy, special needs, notes about a person
    LOCATION = "location"  # where the camp, its stores, missions and events are


G = FieldGroup
ALL_GROUPS = frozenset(FieldGroup)
# Reads of these groups are reported (sensitive_read) and audited.
SENSITIVE = frozenset({G.LOCATION, G.MEDICAL, G.PROTECTION})

ROLE_GROUPS: dict[str, frozenset[FieldGroup]] = {
    "commander": ALL_GROUPS,
    "clerk": frozenset({G.NAME, G.RECORD, G.IDENTITY, G.CONTACT, G.HOUSEHOLD, G.SHELTER}),
    "medic": frozenset({G.NAME, G.RECORD, G.IDENTITY, G.MEDICAL, G.PROTECTION}),
    "quartermaster": frozenset({G.NAME, G.RECORD, G.HOUSEHOLD}),
    "scout": frozenset({G.NAME, G.RECORD}),
    "member": frozenset({G.NAME, G.RECORD}),
}
# What anyone sees of their own record, whatever their role (not where it happened).
OWN_RECORD = frozenset(ALL_GROUPS - {G.LOCATION})
# What a scout sees of the people on a mission they are on, and of that mission.
MISSION_TEAM = frozenset({G.CONTACT, G.LOCATION})

_PERSON = {
    G.NAME: ["id", "full_name"],
    G.IDENTITY: [
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
        "created_at",
    ],
    G.CONTACT: ["phone"],
    G.HOUSEHOLD: ["household_id", "household"],
    G.MEDICAL: ["extra_energy_kcal", "triages", "injuries", "treatments"],
    G.PROTECTION: ["special_needs", "pregnant_or_lactating", "notes"],
}

_TRIAGE = [
    "triaged_at",
    "triaged_by",
    "algorithm",
    "category",
    "label",
    "colour",
    "priority",
    "answers",
    "reasons",
    "respiratory_rate",
    "pulse_rate",
    "systolic_bp",
    "gcs",
    "revised_trauma_score",
    "note",
    "waiting_since",
    "retriage_due_at",
    "overdue",
    "is_current",
]
_DEATH = [
    "time_is_estimate",
    "cause",
    "cause_detail",
    "circumstances",
    "identified_by",
    "confidence",
    "disposition",
    "personal_effects",
    "next_of_kin",
    "next_of_kin_told",
    "confirmed",
    "corrects_id",
    "correction_reason",
]

# Model label → group → fields (model fields and the computed fields schemas show).
MODELS: dict[str, dict[FieldGroup, list[str]]] = {
    "people.person": _PERSON,
    "people.statusevent": {
        G.NAME: ["id"],
        G.IDENTITY: [
            "person_id",
            "previous_status",
            "status",
            "occurred_at",
            "recorded_at",
            "recorded_by",
            "reason",
            "is_correction",
        ],
        G.LOCATION: ["place"],
    },
    "people.departure": {
        G.NAME: ["id", "person_id"],
        G.IDENTITY: ["left_at", "reason", "equipment_returned", "expected_back"],
        G.LOCATION: ["destination"],
    },
    "people.return": {
        G.NAME: ["id", "person_id"],
        G.IDENTITY: ["departure_id", "returned_at", "note"],
    },
    "people.household": {
        G.NAME: ["id"],
        G.HOUSEHOLD: ["name", "members"],
        G.PROTECTION: ["notes"],
    },
    "people.team": {G.NAME: ["id", "name", "members"], G.RECORD: ["purpose"]},
    "missions.mission": {
        G.NAME: ["id", "name"],
        G.RECORD: [
            "risk_level",
            "status",
            "overdue",
            "planned_departure_at",
            "expected_return_at",
            "departed_at",
            "returned_at",
            "notes",
            "return_note",
            "team",
            "objectives",
            "brought_back",
        ],
        G.LOCATION: ["destination"],
    },
    # Not a model: past runs grouped by destination (haven.missions.services.mission_history).
    "missions.destinationhistory": {
        G.RECORD: ["runs", "lost", "last_returned_at", "mean_yield_per_run"],
        G.LOCATION: ["destination"],
    },
    "health.triagerecord": {
        G.NAME: ["id", "person_id", "full_name"],
        G.MEDICAL: _TRIAGE,
        G.LOCATION: ["place"],
    },
    "health.injury": {
        G.NAME: ["id", "person_id"],
        G.MEDICAL: [
            "body_region",
            "kind",
            "cause",
            "burn_body_surface_percent",
            "occurred_at",
            "description",
        ],
        G.LOCATION: ["place"],
    },
    "health.treatment": {
        G.NAME: ["id", "person_id"],
        G.MEDICAL: [
            "injury_id",
            "what",
            "note",
            "given_at",
            "given_by",
            "item",
            "store",
            "quantity",
            "ledger_entry_ids",
        ],
    },
    # An outcome's destination is a referral (a hospital), not the camp's secret: medical.
    "health.outcomerecord": {
        G.NAME: ["id", "person_id"],
        G.MEDICAL: ["outcome", "occurred_at", "note", "destination", "status"],
    },
    # The register shows every role who died and when; the rest is medical, the places secret.
    "health.deathrecord": {
        G.NAME: ["id", "person_id", "full_name", "died_at"],
        G.MEDICAL: _DEATH,
        G.LOCATION: ["place", "disposition_place"],
    },
    # An unidentified casualty: the tag and what sets them apart identify them (clerks and
    # medics match them to a registration); where they were found is a place.
    "health.unknowncasualty": {
        G.NAME: ["id", "person_id", "tag_number"],
        G.IDENTITY: ["features", "found_at", "identified_as", "recorded_by"],
        G.LOCATION: ["found_place"],
    },
    "health.identification": {
        G.NAME: ["id", "person_id", "casualty_id"],
        G.IDENTITY: ["moved", "note", "occurred_at", "recorded_by", "undoes_id"],
    },
    # Not a model: a row of the casualty figures (haven.health.figures).
    "health.figurerow": {
        G.RECORD: ["date", "cause", "killed", "injured", "missing"],
        G.LOCATION: ["place"],
    },
    # Not a model: a person on a muster's roll call (checked in, unaccounted, elsewhere,
    # marked missing, left alone). Whoever answers musters reads names; why someone is not
    # there (their status, "in the clinic") is identity.
    "people.rollcall": {
        G.NAME: ["id", "person_id", "full_name"],
        G.RECORD: ["checked_at", "created", "markable", "event_id", "undo_event_id"],
        G.IDENTITY: [
            "status",
            "status_at_close",
            "why_not",
            "key",
            "label",
            "status_before",
            "why",
        ],
    },
    # Not a model: a household's share of a distribution plan (haven.rations.services). Who
    # is grouped with whom is the household; the quantities are the plan's.
    "rations.householdshare": {
        G.RECORD: ["planned", "handed_out"],
        G.HOUSEHOLD: ["name", "household_id", "members"],
    },
    # Not a model: a member of a household's share (inside its members, the household group).
    "rations.sharemember": {G.NAME: ["id", "full_name"], G.RECORD: ["fraction_met"]},
    "rations.rationtransfer": {
        G.NAME: ["id", "plan_id", "from_person_id", "to_person_id"],
        G.RECORD: ["item", "quantity", "reason"],
    },
    "rations.handout": {
        G.NAME: ["id", "person_id"],
        G.RECORD: ["item", "quantity", "ledger_entry_ids"],
        G.HOUSEHOLD: ["household_id"],
    },
    # A shelter's details are everyone's; who sleeps in it (occupants, stays, the unsheltered,
    # a plan's moves) is the shelter group — and, in an injured ward, the medic's too
    # (`shelter.view_injured_ward`, see WARD below).
    "shelter.shelter": {
        G.NAME: ["id", "name"],
        G.RECORD: [
            "kind",
            "covered_area_m2",
            "beds",
            "accessible",
            "heated",
            "condition",
            "zone",
            "use",
            "capacity",
            "occupied",
            "fill",
        ],
        G.SHELTER: ["occupants"],
    },
    "shelter.occupant": {G.NAME: ["id", "full_name"], G.IDENTITY: ["status"]},
    "shelter.stay": {
        G.NAME: ["id"],
        G.SHELTER: [
            "person_id",
            "shelter_id",
            "shelter",
            "started_at",
            "ended_at",
            "end",
            "end_note",
        ],
    },
    # Not models: who has no place, and a plan's proposed moves.
    "shelter.unsheltered": {G.SHELTER: ["person_id", "full_name", "reason"]},
    "shelter.planchange": {
        G.SHELTER: ["person_id", "full_name", "from_shelter_id", "to_shelter_id", "kind", "reason"]
    },
    # Tracing (haven/tracing): who asks and whom they seek is identity; how to reach the
    # asker (and the sought person's phone) is contact; where the person was last seen, or
    # a note says they are, is a location.
    "tracing.tracingrequest": {
        G.NAME: ["id", "full_name"],
        G.IDENTITY: [
            "asker_name",
            "asker_relationship",
            "given_name",
            "family_name",
            "alternate_names",
            "sex",
            "date_of_birth",
            "age_min",
            "age_max",
            "origin",
            "last_seen_at",
            "distinguishing_features",
            "has_photo",
            "consent_to_share",
            "state",
            "outcome",
            "found_person_id",
            "source",
            "pfif_record_id",
            "expires_at",
            "created_at",
            "updated_at",
        ],
        G.CONTACT: ["asker_contact", "phone"],
        G.LOCATION: ["last_seen_place"],
    },
    "tracing.tracingnote": {
        G.NAME: ["id", "request_id"],
        G.IDENTITY: [
            "status",
            "text",
            "author_name",
            "author_made_contact",
            "linked_person_id",
            "state",
            "created_at",
            "recorded_by",
        ],
        G.LOCATION: ["last_known_location"],
    },
    # A proposed pair: its score and the evidence in words (names, birth, sex) are
    # identity; what the phones share is contact.
    "tracing.candidate": {
        G.NAME: ["id", "request_id", "first_person_id", "person_id", "full_name"],
        G.IDENTITY: [
            "sought",
            "probability",
            "match_weight",
            "label",
            "evidence",
            "summary",
            "state",
            "found_at",
            "decided_at",
            "decided_by",
            "decision_note",
        ],
        G.CONTACT: ["phone_evidence"],
    },
    "stock.store": {G.NAME: ["id", "name"], G.RECORD: ["kind"], G.LOCATION: ["location"]},
    # An alert is for everyone it is issued to; its circle and polygon are places.
    "alerts.alert": {
        G.NAME: ["id", "identifier", "headline"],
        G.RECORD: [
            "sender",
            "sent",
            "status",
            "msg_type",
            "scope",
            "restriction",
            "addresses",
            "note",
            "references",
            "replaces_id",
            "category",
            "event",
            "response_type",
            "urgency",
            "severity",
            "certainty",
            "priority",
            "description",
            "instruction",
            "expires",
            "area_desc",
            "share_coordinates",
            "stage",
            "active",
            "drafted_at",
            "drafted_by",
            "approved_at",
            "approved_by",
            "issued_by",
            "assemble_at",
            "muster_id",
        ],
        G.LOCATION: ["circle", "polygon"],
    },
    # Not a model: an alert's CAP 1.2 XML, coordinates in it only as haven.alerts.cap allows.
    "alerts.capmessage": {G.NAME: ["id", "identifier"], G.RECORD: ["xml"]},
    "core.camplocation": {
        G.NAME: ["id"],
        G.RECORD: ["updated_at", "updated_by"],
        G.LOCATION: ["name", "latitude", "longitude", "description"],
    },
}

# For records about a person, the attribute holding that person's id: own-record and
# mission-team rules apply through it.
SUBJECT: dict[str, str] = {
    "people.person": "pk",
    "people.statusevent": "person_id",
    "people.departure": "person_id",
    "people.return": "person_id",
    "health.triagerecord": "person_id",
    "health.injury": "person_id",
    "health.treatment": "person_id",
    "health.outcomerecord": "person_id",
    "health.deathrecord": "person_id",
    "health.unknowncasualty": "person_id",
    "health.identification": "person_id",
}


def model_label(model: Any) -> str:
    return str(model._meta.label_lower)


def field_group(label: str, field: str) -> FieldGroup:
    """The group of a model's field; a field nobody declared is an error, not a default."""
    for group, fields in MODELS.get(label, {}).items():
        if field in fields:
            return group
    raise KeyError(f"the access policy declares no group for {label}.{field}")


def fields_of(label: str, groups: Iterable[FieldGroup]) -> set[str]:
    wanted = set(groups)
    return {
        field
        for group, fields in MODELS.get(label, {}).items()
        if group in wanted
        for field in fields
    }


def role_of(user: Any) -> str | None:
    """The user's role, read once per user object (one request)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_policy_role"):
        from haven.accounts.roles import role_of as read_role

        user._policy_role = "commander" if user.is_superuser else read_role(user)
    role: str | None = user._policy_role
    return role


def _own_person_id(user: Any) -> int | None:
    if not hasattr(user, "_policy_person_id"):
        from haven.people.models import Person

        user._policy_person_id = (
            Person.objects.filter(user=user).values_list("pk", flat=True).first()
        )
    return user._policy_person_id  # type: ignore[no-any-return]


def mission_team(user: Any) -> tuple[set[int], set[int]]:
    """(person ids, mission ids) of the missions a scout is on that are not over."""
    if not hasattr(user, "_policy_team"):
        people: set[int] = set()
        missions: set[int] = set()
        own = _own_person_id(user)
        if own is not None:
            from haven.missions.models import MissionMember

            missions = set(
                MissionMember.objects.filter(person_id=own)
                .exclude(mission__status__in=["returned", "cancelled"])
                .values_list("mission_id", flat=True)
            )
            people = set(
                MissionMember.objects.filter(mission_id__in=missions).values_list(
                    "person_id", flat=True
                )
            )
        user._policy_team = (people, missions)
    return user._policy_team  # type: ignore[no-any-return]


# Records of a shelter (or of a stay in one): in an injured ward, holders of this permission
# (the medic) see who lies there.
WARD = frozenset({"shelter.shelter", "shelter.stay"})
VIEW_WARD = "shelter.view_injured_ward"


def _in_injured_ward(record: Any) -> bool:
    from haven.shelter.choices import Use

    shelter = getattr(record, "shelter", record)
    return getattr(shelter, "use", None) == Use.INJURED_WARD


def role_groups(user: Any) -> frozenset[FieldGroup]:
    """What the user sees of any record, before the own-record and team rules."""
    groups = ROLE_GROUPS.get(role_of(user) or "", frozenset())
    if user.is_authenticated and user.has_perm(VIEW_LOCATION):
        groups = groups | {G.LOCATION}
    return groups


def _subject_id(label: str, record: Any) -> int | None:
    attribute = SUBJECT.get(label)
    if attribute is None or record is None:
        return None
    value = getattr(record, attribute, None)
    return value if isinstance(value, int) else None


def visible_groups(
    user: AbstractBaseUser | AnonymousUser, record: Any = None, label: str | None = None
) -> frozenset[FieldGroup]:
    """The groups of `record`'s fields the user may see."""
    groups = role_groups(user)
    if record is None or not user.is_authenticated or groups == ALL_GROUPS:
        return groups
    label = label or model_label(record)
    if label in WARD:
        holder: Any = user  # authenticated: a user model with permissions
        if holder.has_perm(VIEW_WARD) and _in_injured_ward(record):
            groups = groups | {G.SHELTER}
        return groups
    subject = _subject_id(label, record)
    if subject is not None:
        if subject == _own_person_id(user):
            groups = groups | OWN_RECORD
        if role_of(user) == "scout" and subject in mission_team(user)[0]:
            groups = groups | MISSION_TEAM
    elif (
        label == "missions.mission"
        and role_of(user) == "scout"
        and getattr(record, "pk", None) in mission_team(user)[1]
    ):
        groups = groups | MISSION_TEAM
    return groups


def opens(user: AbstractBaseUser | AnonymousUser, record: Any) -> bool:
    """Whether a record's own page (or API answer) opens for the user: when the policy shows
    them anything of it beyond its name. The roster's names are in the list."""
    return bool(visible_groups(user, record) - {G.NAME, G.RECORD})


def searches_identity(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether a people search may match other names and record ids and filter by status
    (the identity group), or the full name only."""
    return G.IDENTITY in role_groups(user)


def may_see(user: AbstractBaseUser | AnonymousUser, record: Any, group: str) -> bool:
    return FieldGroup(group) in visible_groups(user, record)


def shown(
    user: AbstractBaseUser | AnonymousUser,
    record: Any,
    field: str,
    *,
    request: HttpRequest | None = None,
    channel: str = "web",
) -> Any:
    """The field's value if the user may see it, else HIDDEN for a location and None for
    anything else; a sensitive value shown is noted as read."""
    label = model_label(record)
    group = field_group(label, field)
    if group not in visible_groups(user, record, label):
        return HIDDEN if group == G.LOCATION else None
    note_read(request, user, group, label, getattr(record, "pk", None), channel=channel)
    return getattr(record, field)


# -- reporting reads ---------------------------------------------------------------------

_READS = "_policy_reads"


def channel_of(request: HttpRequest) -> str:
    return "api" if request.path.startswith("/api/") else "web"


def note_read(
    request: HttpRequest | None,
    user: Any,
    group: FieldGroup,
    label: str,
    pk: Any,
    *,
    channel: str = "web",
) -> None:
    """Record that a sensitive field was shown. Within a request the reads are gathered and
    sent once per group and model when the answer is done (`flush_reads`); without one
    (the command line) they are sent at once."""
    if group not in SENSITIVE:
        return
    if request is None:
        sensitive_read.send(
            sender=None,
            user=user,
            group=str(group),
            model=label,
            pks=list(pk) if isinstance(pk, list) else ([pk] if pk is not None else []),
            channel=channel,
        )
        return
    reads: dict[tuple[str, str], list[Any]] = request.__dict__.setdefault(_READS, defaultdict(list))
    pks = reads[(str(group), label)]
    if pk is not None and pk not in pks:
        pks.append(pk)


def flush_reads(request: HttpRequest) -> None:
    reads = request.__dict__.pop(_READS, None)
    if not reads:
        return
    channel = channel_of(request)
    for (group, label), pks in reads.items():
        sensitive_read.send(
            sender=None, user=request.user, group=group, model=label, pks=pks, channel=channel
        )


class ReadReportingMiddleware:
    """Sends the sensitive reads a request gathered once its answer is ready."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        flush_reads(request)
        return response


# Answer schemas that show no record field by field — wrappers, figures, plans — with why
# they need no field groups. Every other answer schema is a PolicySchema (a test walks the
# OpenAPI schema and fails on one that is neither).
_ROLL_CALL = (
    "a muster's figures, places and batches, for those who run or answer musters "
    "(people.check_in_muster); the people on its roll call are people.rollcall rows"
)
_STOCK = (
    "stock levels, runway figures and the ledger (the ledger only for stock.view_ledgerentry: "
    "the quartermaster): items, lots, store names and quantities; no person's field, and no "
    "location (a store's is in StoreOut)"
)
_MISSION_PARTS = (
    "parts of a mission (MissionOut, HistoryOut): items and quantities, and the team's names "
    "with check-out times, for those who may see the mission (missions.view_mission)"
)
_FIGURES = (
    "figures and the triage questionnaire: counts and percentages of the camp, the next "
    "question of an algorithm; the rows that carry a place are FigureRowOut"
)
_SHELTER = (
    "shelter figures, conditions and plans' totals, for every role; who sleeps where is in "
    "the shelter.* PolicySchemas (occupants, stays, the unsheltered, a plan's moves)"
)
_RATIONS = (
    "distribution plans count people by need class (shares, members, hand-outs and "
    "transfers are rations.* PolicySchemas); one's own ration; recipes, production, "
    "forecast figures: no contact, medical, protection or location field"
)
_ALERT_ACKS = (
    "an acknowledgement (alert id, time) and, for the commander (alerts.view_acknowledgements), "
    "how many accounts have acknowledged an alert and the usernames of those who have not"
)
_SITREP = (
    "the SITREP's figures: counts and rates of the camp, no person's field; each part only "
    "for a role holding that part's own permission (haven.sitrep.indicators.SECTIONS), the "
    "camp's location through policy.shown (hidden unless the reader may locate it)"
)
OPEN_SCHEMAS: dict[str, str] = {
    **{name: _ALERT_ACKS for name in ("AlertAckOut", "AlertAckCountOut")},
    **{name: _SITREP for name in ("SitrepOut", "IndicatorOut", "SitrepNoteOut")},
    "EvidenceOut": (
        "one field's evidence about a candidate pair, only inside CandidateOut, whose groups "
        "decide who sees it (identity; the phone's evidence is contact)"
    ),
    **{name: _SHELTER for name in ("ConditionOut", "SummaryOut", "ShelterPlanOut", "ApplyOut")},
    **{
        name: _RATIONS
        for name in (
            "ShortClassOut",
            "RationPlanOut",
            "MyRationOut",
            "RecipeOut",
            "OrderOut",
            "ProposalOut",
            "ForecastOut",
            "NeedForecastOut",
        )
    },
    **{name: _FIGURES for name in ("FiguresOut", "StepOut", "QuestionOut")},
    **{name: _MISSION_PARTS for name in ("LineOut", "MemberOut", "MeanYieldOut")},
    **{name: _STOCK for name in ("ItemOut", "NeedOut", "RunwayOut", "BalanceOut", "EntryOut")},
    **{
        name: _ROLL_CALL
        for name in (
            "MusterOut",
            "PlaceCountOut",
            "MissingBatchOut",
            "MarkMissingOut",
            "RestoredOut",
            "UndoBatchOut",
        )
    },
}

"""The SITREP as a list of indicators, each in a part of the report a role may or may not
see: the rows of the HXL export, the API's answer and the page's links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from haven.core import policy
from haven.people.choices import Sex, Status
from haven.planning.triage import TriageCategory
from haven.sitrep.figures import CMR_EMERGENCY, U5MR_EMERGENCY, Sitrep

# A part of the report → the permission that shows it (besides sitrep.view_sitrep): each
# role sees only figures it could count itself on the app's own pages.
SECTIONS: dict[str, str | None] = {
    "people": None,
    "health": "health.view_medical_details",
    "supplies": "stock.view_item",
    "shelter": "shelter.view_shelter",
    "missions": "missions.view_all_missions",
    "alerts": None,
}
# The events behind a figure are records of people (or of the ledger, of missions): listed
# to those who may read them (haven.sitrep.views.events).
EVENTS_PERMISSION: dict[str, str] = {
    "people": "people.view_person_details",
    "health": "health.view_medical_details",
    "supplies": "stock.view_ledgerentry",
    "shelter": "shelter.view_occupants",
    "missions": "missions.view_all_missions",
    "alerts": "alerts.view_alert",
}


def visible_sections(user: Any) -> frozenset[str]:
    """The parts of the SITREP `user` sees (all of them for the command line: None)."""
    if user is None:
        return frozenset(SECTIONS)
    return frozenset(name for name, perm in SECTIONS.items() if perm is None or user.has_perm(perm))


def camp_location(user: Any) -> str:
    """The camp's location name as the access policy shows it to `user` (None: the command
    line, which the server's operator runs): HIDDEN where the policy hides it."""
    from haven.core.camp import camp_location as stored

    location = stored()
    if location is None:
        return ""
    if user is None:
        policy.note_read(None, None, policy.G.LOCATION, "core.camplocation", location.pk)
        return location.name
    value = policy.shown(user, location, "name")
    return str(value or "")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One figure: its key (the events page's `figure`), name, value and what breaks it down."""

    key: str
    section: str
    name: str
    value: float | None
    unit: str = ""
    threshold: float | None = None  # a standard to reach, or an emergency line to stay under
    flagged: bool = False
    population: dict[str, int] | None = None  # f, m, children, elderly, total
    affected: dict[str, int] | None = None  # killed, missing, injured


def category(value: str) -> str:
    """A triage category's label (\"Immediate (red)\")."""
    try:
        return TriageCategory(value).label
    except ValueError:  # a category written around the services: shown as stored
        return value


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def indicators(report: Sitrep, sections: frozenset[str]) -> list[Indicator]:
    """The report's figures a reader of `sections` sees, one per indicator."""
    p = report.people
    found: list[Indicator] = []
    if "people" in sections:
        found += [
            Indicator(
                "population",
                "people",
                str(_("Population in camp")),
                p.in_camp_end,
                "people",
                population={
                    "f": p.in_camp(sex=Sex.FEMALE),
                    "m": p.in_camp(sex=Sex.MALE),
                    "children": p.children,
                    "elderly": p.elderly,
                    "total": p.in_camp_end,
                },
            ),
            Indicator(
                "population_change",
                "people",
                str(_("Change in population")),
                p.in_camp_end - p.in_camp_start,
                "people",
            ),
            *[
                Indicator(f"status_{status}", "people", str(label), p.by_status_end[status])
                for status, label in Status.choices
            ],
            Indicator("arrivals", "people", str(_("Arrivals")), p.arrivals, "people"),
            Indicator("departures", "people", str(_("Departures")), p.departures, "people"),
            Indicator(
                "deaths",
                "people",
                str(_("Deaths")),
                p.deaths,
                "people",
                affected={"killed": p.deaths},
            ),
            Indicator(
                "cmr",
                "people",
                str(_("Crude mortality rate")),
                _round(p.cmr),
                "deaths/10,000/day",
                CMR_EMERGENCY,
                p.cmr_emergency,
            ),
            Indicator(
                "u5mr",
                "people",
                str(_("Under-five mortality rate")),
                _round(p.u5mr),
                "deaths/10,000/day",
                U5MR_EMERGENCY,
                p.u5mr_emergency,
            ),
            Indicator(
                "missing",
                "people",
                str(_("Newly missing")),
                p.missing,
                "people",
                affected={"missing": p.missing},
            ),
            Indicator("found", "people", str(_("Found")), p.found, "people"),
        ]
    if "health" in sections:
        h = report.health
        found += [
            Indicator(
                "triage",
                "health",
                str(_("Injured in the triage queue")),
                h.queue,
                "people",
                affected={"injured": h.queue},
            ),
            *[
                Indicator(f"triage_{tag}", "health", category(tag), n, "people")
                for tag, n in sorted(h.by_category.items())
            ],
            Indicator(
                "retriage_overdue",
                "health",
                str(_("Re-triage overdue")),
                h.overdue,
                "people",
                flagged=h.overdue > 0,
            ),
        ]
    if "supplies" in sections:
        s = report.supplies
        found += [
            Indicator(
                "water",
                "supplies",
                str(_("Water issued")),
                _round(s.litres_per_person_day, 1),
                "L/person/day",
                s.water_standard,
                s.water_below,
            ),
            Indicator(
                "food",
                "supplies",
                str(_("Food energy issued")),
                _round(s.kcal_per_person_day, 0),
                "kcal/person/day",
                s.kcal_standard,
                s.kcal_below,
            ),
            *[
                Indicator(
                    f"runway_{need.need}",
                    "supplies",
                    str(_("Days of supply: %(need)s") % {"need": need.label}),
                    None if need.days == float("inf") else round(need.days, 1),
                    "days",
                    flagged=need.status != "ok",
                )
                for need in s.runway
            ],
        ]
    if "shelter" in sections:
        sh = report.shelter
        found += [
            Indicator(
                "covered_area",
                "shelter",
                str(_("Covered living space")),
                _round(sh.covered_per_person, 2),
                "m²/person",
                sh.standard,
                sh.below,
            ),
            Indicator(
                "without_shelter",
                "shelter",
                str(_("People without shelter")),
                sh.without_shelter,
                "people",
                flagged=sh.without_shelter > 0,
            ),
        ]
    if "missions" in sections:
        m = report.missions
        found += [
            Indicator("missions_out", "missions", str(_("Missions out")), m.out),
            Indicator(
                "missions_overdue",
                "missions",
                str(_("Missions overdue")),
                m.overdue,
                flagged=m.overdue > 0,
            ),
            Indicator("missions_returned", "missions", str(_("Missions returned")), m.returned),
        ]
    if "alerts" in sections:
        found.append(Indicator("alerts", "alerts", str(_("Active alerts")), len(report.alerts)))
    return found

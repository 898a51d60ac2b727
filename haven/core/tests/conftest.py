"""The small camp the access matrices walk."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.core.policy import G

# A marker per secret group, put into that group's text fields of the camp below.
MARKERS = {
    G.CONTACT: "CONTACT7X",
    G.PROTECTION: "PROTECT7X",
    G.MEDICAL: "MEDICAL7X",
    G.LOCATION: "LOCATE7X",
}


@pytest.fixture
def camp(users: dict[str, Any]) -> dict[str, Any]:
    """People of every kind the rules tell apart: the member's own record, the scout and a
    teammate on a mission, a stranger; each with contact, protection and location markers."""
    from haven.missions import services as missions
    from haven.people import musters
    from haven.people import services as people

    clerk = users["clerk"]
    household = people.create_household(name="Yusuf", notes=f"{MARKERS[G.PROTECTION]} hh")
    team = people.create_team(name="Search", purpose="search")

    def person(name: str, user: Any = None) -> Any:
        record = people.register_person(
            by=clerk,
            full_name=name,
            phone=f"{MARKERS[G.CONTACT]} {name}",
            household=household.pk,
            team=team.pk,
            special_needs=f"{MARKERS[G.PROTECTION]} needs",
            notes=f"{MARKERS[G.PROTECTION]} notes",
            place=f"{MARKERS[G.LOCATION]} gate",
        )
        if user is not None:
            record.user = user
            record.save()
        return record

    own = person("Mina Own", users["member"])
    scout = person("Sami Scout", users["scout"])
    mate = person("Tariq Mate")
    stranger = person("Zora Stranger")
    people.change_status(
        by=clerk, person=stranger, status="injured", place=f"{MARKERS[G.LOCATION]} road"
    )
    from haven.health import services as health
    from haven.shelter import services as shelters

    tent = shelters.add_shelter(by=None, name="Tent 1", covered_area_m2="20")
    shelters.assign(by=clerk, person=own, shelter=tent)

    triage = health.record_triage(
        by=users["medic"],
        person=stranger,
        answers={"walking": "no", "breathing": "yes", "respiratory_rate": 34},
        place=f"{MARKERS[G.LOCATION]} ditch",
        note=f"{MARKERS[G.MEDICAL]} note",
    )
    fallen = person("Omar Fallen")
    death = health.record_death(
        by=users["medic"],
        person=fallen,
        died_at=timezone.now() - timedelta(hours=1),
        cause="violence",
        confidence="confirmed",
        place=f"{MARKERS[G.LOCATION]} field",
        cause_detail=f"{MARKERS[G.MEDICAL]} wound",
    )
    now = timezone.now()
    mission = missions.plan_mission(
        by=users["quartermaster"],
        name="Run",
        destination=f"{MARKERS[G.LOCATION]} market",
        team=[scout, mate],
        planned_departure_at=now,
        expected_return_at=now + timedelta(hours=8),
    )
    muster = musters.open_muster(by=clerk, label="Evening")
    from haven.core import camp as camp_location
    from haven.stock import services as stock

    store = stock.create_store(by=None, name="Mill cache", location=f"{MARKERS[G.LOCATION]} mill")
    stock.receive(by=None, item="ration-pack", store=store, quantity=5, source="donation")
    from haven.rations import services as rations

    plan = rations.preview_plan(by=users["quartermaster"], store=store, horizon_days=3)
    shelter_plan = shelters.make_plan(by=clerk)
    camp_location.set_camp_location(
        by=None, name=f"{MARKERS[G.LOCATION]} valley", latitude="12.5", longitude="-3.25"
    )
    from haven.alerts import services as alerts

    alert = alerts.draft_alert(
        by=clerk,
        headline="Raid on the north road",
        event="Armed attack",
        urgency="Immediate",
        severity="Severe",
        certainty="Observed",
        scope="Restricted",
        restriction="camp staff",
        area_desc="north road",
        circle="12.5,-3.25 2",
    )
    alerts.approve_alert(by=users["commander"], alert=alert)
    alerts.issue_alert(by=users["commander"], alert=alert)
    from haven.tracing import matcher
    from haven.tracing import services as tracing

    traced = tracing.open_request(
        by=clerk,
        asker_name="Ada Asker",
        asker_contact=f"{MARKERS[G.CONTACT]} asker",
        given_name="Zora",
        family_name="Stranger",
        phone=f"{MARKERS[G.CONTACT]} 5550101",
        last_seen_place=f"{MARKERS[G.LOCATION]} bridge",
        consent_to_share=True,
    )
    tracing.add_note(
        by=clerk, request=traced, text="seen", last_known_location=f"{MARKERS[G.LOCATION]} well"
    )
    candidate = matcher.match_person(person=stranger)[0]
    return {
        "alert_id": alert.pk,
        "muster_id": muster.pk,
        "shelter_id": tent.pk,
        "plan_id": plan.pk,
        "shelter_plan_id": shelter_plan.pk,  # plan_id under /shelter/
        "record_id": triage.pk,
        "death_id": death.pk,  # record_id under /deaths/
        "ref": "ration-pack",
        "item_code": "ration-pack",
        "store_id": store.pk,
        "action": "issue",
        "entry_id": 1,
        "household_id": household.pk,
        "batch_id": 1,  # a POST-only page: the walk checks its GET answers no 5xx
        "person_id": stranger.pk,
        "mission_id": mission.pk,
        "request_id": traced.pk,
        "candidate_id": candidate.pk,
        "people": {"own": own, "scout": scout, "mate": mate, "stranger": stranger},
    }

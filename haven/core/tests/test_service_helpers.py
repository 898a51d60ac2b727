"""The service helpers every app shares: the acting user, time checks and look-ups.

The last tests drive one write of each app with the same bad times: they must all refuse
them alike (a time without a zone, a time in the future).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from haven.core import services as core
from haven.core.errors import HavenError, NotFoundError
from haven.people.models import Person
from haven.stock.models import Item, Store

# --- who acts -------------------------------------------------------------------------


def test_the_acting_user_is_the_signed_in_user(users: dict[str, Any]) -> None:
    assert core.acting_user(users["clerk"]) == users["clerk"]


@pytest.mark.parametrize("by", [None, AnonymousUser()], ids=["system", "anonymous"])
def test_the_system_and_anonymous_act_as_nobody(by: Any) -> None:
    assert core.acting_user(by) is None


# --- when -----------------------------------------------------------------------------


def test_no_time_means_now() -> None:
    before = timezone.now()
    assert before <= core.event_time(None) <= timezone.now()


def test_a_time_in_the_past_with_a_zone_is_kept() -> None:
    at = timezone.now() - timedelta(days=3)
    assert core.event_time(at, "check-in time") == at


def test_a_time_without_a_zone_is_refused_not_guessed() -> None:
    with pytest.raises(HavenError, match=r"check-in time 2026-11-30T10:00:00 has no time zone"):
        core.event_time(datetime(2026, 11, 30, 10, 0), "check-in time")


def test_a_time_a_few_minutes_ahead_is_clock_drift_not_the_future() -> None:
    at = timezone.now() + timedelta(minutes=4)
    assert core.event_time(at) == at


def test_a_time_beyond_the_tolerance_is_in_the_future(settings: Any) -> None:
    at = timezone.now() + timedelta(minutes=20)
    with pytest.raises(HavenError, match=r"triage time .* is in the future"):
        core.event_time(at, "triage time")
    settings.HAVEN_FUTURE_TOLERANCE_MINUTES = 30
    assert core.event_time(at, "triage time") == at


def test_something_that_is_not_a_time_is_refused() -> None:
    with pytest.raises(HavenError, match="time '10:00' is not a date and time"):
        core.event_time("10:00")  # type: ignore[arg-type]


def test_a_planned_time_may_lie_ahead_but_needs_a_zone() -> None:
    ahead = timezone.now() + timedelta(days=3)
    assert core.planned_time(ahead, "planned departure") == ahead
    with pytest.raises(HavenError, match=r"planned departure .* has no time zone"):
        core.planned_time(datetime(2026, 12, 3, 6, 0), "planned departure")


# --- look-ups -------------------------------------------------------------------------


@pytest.fixture
def amina(db: None) -> Person:
    return Person.objects.create(full_name="Amina Yusuf", status="present")


def test_a_person_is_found_by_id_as_a_number_or_digits(amina: Person) -> None:
    assert core.get_person(amina.pk) == amina
    assert core.get_person(str(amina.pk)) == amina


@pytest.mark.parametrize("ref", [987654, "abc", -3, 0, 10**20, True], ids=str)
def test_an_unknown_person_id_is_not_found(db: None, ref: Any) -> None:
    with pytest.raises(NotFoundError, match="no person with id"):
        core.get_person(ref)


def test_several_people_come_back_in_the_order_asked(amina: Person) -> None:
    other = Person.objects.create(full_name="Tomás Rivera", status="present")
    assert core.get_people([other.pk, amina.pk]) == [other, amina]
    with pytest.raises(NotFoundError, match="no person with id 777, 778"):
        core.get_people([amina.pk, 777, 778])


@pytest.fixture
def stores(db: None) -> list[Store]:
    return [Store.objects.create(name=name) for name in ("Central store", "Clinic store")]


def test_a_store_is_found_by_name_ignoring_case_or_by_id(stores: list[Store]) -> None:
    assert core.get_store("clinic STORE") == stores[1]
    assert core.get_store(stores[0].pk) == stores[0]
    assert core.get_store(str(stores[0].pk)) == stores[0]
    assert core.get_store(stores[1]) is stores[1]


def test_an_unknown_store_lists_the_stores_there_are(stores: list[Store]) -> None:
    with pytest.raises(
        NotFoundError, match=r"no store 'Atlantis' \(stores: Central store, Clinic store\)"
    ):
        core.get_store("Atlantis")


def test_with_no_store_at_all_the_message_says_so(db: None) -> None:
    with pytest.raises(NotFoundError, match=r"no store 'Central' \(no stores yet\)"):
        core.get_store("Central")


def test_a_long_list_of_stores_is_cut_short(db: None) -> None:
    Store.objects.bulk_create(Store(name=f"Cache {n:02}") for n in range(20))
    with pytest.raises(NotFoundError) as caught:
        core.get_store("Atlantis")
    assert "Cache 11, …)" in str(caught.value)
    assert "Cache 12" not in str(caught.value)


def test_a_huge_store_number_is_not_found_rather_than_overflowing(stores: list[Store]) -> None:
    with pytest.raises(NotFoundError, match="no store '99999999999999999999'"):
        core.get_store("99999999999999999999")


def test_an_item_is_found_by_code_name_or_id(db: None) -> None:
    cereal = Item.objects.get(code="cereal")
    assert core.get_item("cereal") == cereal
    assert core.get_item(cereal.name.upper()) == cereal
    assert core.get_item(cereal.pk) == cereal


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("cereals", "cereal"), ("tourniquett", "tourniquet"), ("water", "drinking-water")],
)
def test_an_unknown_item_suggests_close_codes(db: None, typed: str, suggested: str) -> None:
    with pytest.raises(NotFoundError, match=rf"no item '{typed}' in the catalogue") as caught:
        core.get_item(typed)
    assert "did you mean" in str(caught.value)
    assert suggested in str(caught.value)


def test_an_item_like_nothing_gets_no_suggestion(db: None) -> None:
    with pytest.raises(NotFoundError) as caught:
        core.get_item("zzqx")
    assert str(caught.value) == "no item 'zzqx' in the catalogue"


# --- every app checks times alike -----------------------------------------------------


def _people_change(at: datetime, camp: dict[str, Any]) -> Any:
    from haven.people import services

    return services.change_status(by=None, person=camp["person"], status="injured", occurred_at=at)


def _stock_receive(at: datetime, camp: dict[str, Any]) -> Any:
    from haven.stock import services

    return services.receive(
        by=None, item="cereal", store=camp["store"], quantity=5, source="donation", at=at
    )


def _health_injury(at: datetime, camp: dict[str, Any]) -> Any:
    from haven.health import services

    return services.record_injury(
        by=None, person=camp["person"], body_region="head", kind="laceration", occurred_at=at
    )


def _shelter_check_in(at: datetime, camp: dict[str, Any]) -> Any:
    from haven.shelter import services

    return services.assign(by=None, person=camp["person"], shelter=camp["shelter"], at=at)


def _mission_departure(at: datetime, camp: dict[str, Any]) -> Any:
    from haven.missions import services

    return services.depart(by=None, mission=camp["mission"], at=at)


WRITES: dict[str, Callable[[datetime, dict[str, Any]], Any]] = {
    "people": _people_change,
    "stock": _stock_receive,
    "health": _health_injury,
    "shelter": _shelter_check_in,
    "missions": _mission_departure,
}


@pytest.fixture
def small_camp(db: None) -> dict[str, Any]:
    from haven.missions import services as missions
    from haven.shelter import services as shelter

    now = timezone.now()
    person = Person.objects.create(
        full_name="Amina Yusuf", status="present", status_changed_at=now - timedelta(days=2)
    )
    runner = Person.objects.create(full_name="Tomás Rivera", status="present")
    return {
        "person": person,
        "store": Store.objects.create(name="Central store"),
        "shelter": shelter.add_shelter(by=None, name="Tent A", covered_area_m2=16),
        "mission": missions.plan_mission(
            by=None,
            name="Run",
            destination="Depot",
            team=[runner],
            planned_departure_at=now + timedelta(hours=1),
            expected_return_at=now + timedelta(hours=9),
        ),
    }


@pytest.mark.parametrize("app", list(WRITES))
def test_every_app_refuses_a_time_without_a_zone(app: str, small_camp: dict[str, Any]) -> None:
    with pytest.raises(HavenError, match="has no time zone"):
        WRITES[app](datetime(2026, 11, 30, 10, 0), small_camp)


@pytest.mark.parametrize("app", list(WRITES))
def test_every_app_refuses_a_time_in_the_future(app: str, small_camp: dict[str, Any]) -> None:
    with pytest.raises(HavenError, match="is in the future"):
        WRITES[app](timezone.now() + timedelta(days=1), small_camp)


@pytest.mark.parametrize("app", list(WRITES))
def test_every_app_accepts_a_past_time_with_a_zone(app: str, small_camp: dict[str, Any]) -> None:
    assert WRITES[app](timezone.now() - timedelta(minutes=30), small_camp)

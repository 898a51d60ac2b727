"""Locations are secret: the camp's, the stores'. The commander reads them, a user granted
core.view_location reads them, everyone else reads "hidden"; each read is reported."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from haven.core import camp as camp_location
from haven.core.policy import G
from haven.core.signals import sensitive_read
from haven.core.tests.conftest import MARKERS

SECRET = MARKERS[G.LOCATION]
OTHERS = ["quartermaster", "medic", "scout", "clerk", "member"]


@pytest.fixture
def reads() -> Iterator[list[dict[str, Any]]]:
    heard: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    sensitive_read.connect(listen)
    yield heard
    sensitive_read.disconnect(listen)


@pytest.mark.parametrize("role", OTHERS)
def test_stores_locations_read_hidden(
    camp: dict[str, Any],
    api_as: Callable[[str], Client],
    client_as: Callable[[str], Client],
    role: str,
) -> None:
    stores = api_as(role).get("/api/v1/stock/stores").json()["items"]
    assert [store["location"] for store in stores] == ["hidden"]
    page = client_as(role).get("/stock/").content.decode()
    assert SECRET not in page and "Warehouse · hidden" in page
    camp_page = client_as(role).get("/camp/location/").content.decode()
    assert SECRET not in camp_page and "12.5" not in camp_page and "hidden" in camp_page


def test_the_commander_reads_them_and_each_read_is_reported(
    camp: dict[str, Any],
    api_as: Callable[[str], Client],
    client_as: Callable[[str], Client],
    reads: list[dict[str, Any]],
) -> None:
    stores = api_as("commander").get("/api/v1/stock/stores").json()["items"]
    assert stores[0]["location"].startswith(SECRET)
    assert SECRET in client_as("commander").get("/camp/location/").content.decode()
    located = [(r["model"], r["channel"]) for r in reads if r["group"] == "location"]
    assert located == [("stock.store", "api"), ("core.camplocation", "web")]


def test_a_grant_shows_them_to_one_user(
    camp: dict[str, Any], users: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    users["quartermaster"].user_permissions.add(Permission.objects.get(codename="view_location"))
    stores = api_as("quartermaster").get("/api/v1/stock/stores").json()["items"]
    assert stores[0]["location"].startswith(SECRET)
    stores = api_as("clerk").get("/api/v1/stock/stores").json()["items"]
    assert stores[0]["location"] == "hidden"


def test_only_the_commander_sets_the_camps_location(
    db: None, client_as: Callable[[str], Client]
) -> None:
    posted = {"name": "North ridge", "latitude": "1.5", "longitude": "2.5"}
    assert client_as("clerk").post("/camp/location/", posted).status_code == 403
    response = client_as("commander").post("/camp/location/", posted)
    assert response.status_code == 302
    assert camp_location.camp_location().name == "North ridge"  # type: ignore[union-attr]
    bad = client_as("commander").post("/camp/location/", {**posted, "latitude": "91"})
    assert bad.status_code == 400
    assert "latitude is out of range" in bad.content.decode()
    assert camp_location.camp_location().latitude == 1.5  # type: ignore[union-attr]


def test_the_command_line_sets_and_reads_it(
    db: None, capsys: pytest.CaptureFixture[str], reads: list[dict[str, Any]]
) -> None:
    call_command("camp", "set-location", "Quarry", "--lat", "10.25", "--lon", "20.5")
    assert "Quarry" not in capsys.readouterr().out  # not echoed
    call_command("camp", "location")
    assert "Quarry\n10.250000, 20.500000" in capsys.readouterr().out
    assert [(r["group"], r["channel"]) for r in reads] == [("location", "cli")]
    with pytest.raises(CommandError, match="longitude is not a number") as error:
        call_command("camp", "set-location", "Quarry", "--lat", "1", "--lon", "east")
    assert "east" not in str(error.value)
    with pytest.raises(CommandError, match="both latitude and longitude"):
        call_command("camp", "set-location", "Quarry", "--lat", "1")


@pytest.mark.parametrize(
    ("role", "sees"),
    [("commander", True), ("scout", True), ("quartermaster", False), ("clerk", False)],
)
def test_a_missions_destination_is_for_its_scouts_and_the_commander(
    camp: dict[str, Any],
    api_as: Callable[[str], Client],
    client_as: Callable[[str], Client],
    role: str,
    sees: bool,
) -> None:
    mission_id = camp["mission_id"]
    answer = api_as(role).get(f"/api/v1/missions/{mission_id}")
    page = client_as(role).get(f"/missions/{mission_id}/")
    if role == "clerk":
        assert answer.status_code == page.status_code == 403
        return
    destination = answer.json()["destination"]
    assert destination.startswith(SECRET) if sees else destination == "hidden"
    assert (SECRET in page.content.decode()) == sees

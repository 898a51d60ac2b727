"""One bad record never takes a page down.

Rows are written straight into the database, around the services, as a bad import, a
hand edit or an old bug would leave them: a shelter with a covered area of 0.00, a person
born in the future (and, where SQLite lets it be stored, on the 45th of the 13th month),
an item with no unit. Every affected page and the dashboard still render for the
commander; the bad row says what is wrong with it; the error is logged once, with its
traceback. A dashboard panel that fails shows "this panel could not be drawn".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.utils import timezone

from haven.core.dashboard import Panel
from haven.core.rows import BadRow, read_rows
from haven.people import services as people
from haven.people.models import Person
from haven.shelter import services as shelter
from haven.shelter.models import Shelter
from haven.stock import services as stock

pytestmark = pytest.mark.django_db


def _write(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def camp(users: dict[str, Any]) -> dict[str, Any]:
    clerk = users["clerk"]
    since = timezone.now() - timedelta(days=2)
    tent_a = shelter.add_shelter(by=clerk, name="Tent A", covered_area_m2=16)
    tent_b = shelter.add_shelter(by=clerk, name="Tent B", covered_area_m2=16)
    amina = people.register_person(by=clerk, full_name="Amina Yusuf", registered_at=since)
    sleeper = people.register_person(by=clerk, full_name="Omar Sleeper", registered_at=since)
    future = people.register_person(by=clerk, full_name="Future Born", registered_at=since)
    shelter.assign(by=clerk, person=amina, shelter=tent_a)
    shelter.assign(by=clerk, person=sleeper, shelter=tent_b)
    store = stock.create_store(by=clerk, name="Central store")
    stock.receive(by=None, item="cereal", store=store, quantity=50, source="opening")
    stock.receive(by=None, item="drinking-water", store=store, quantity=900, source="opening")
    _write("UPDATE shelter_shelter SET covered_area_m2 = 0 WHERE id = %s", tent_b.pk)
    _write("UPDATE people_person SET date_of_birth = %s WHERE id = %s", "2090-06-01", future.pk)
    _write("UPDATE stock_item SET unit = '' WHERE code = 'cereal'")
    # A date Python cannot hold: SQLite keeps any text, PostgreSQL dates go past year 9999.
    unreadable = people.register_person(by=clerk, full_name="Nadia Broken", registered_at=since)
    broken = "2024-13-45" if connection.vendor == "sqlite" else "10000-01-01"
    _write("UPDATE people_person SET date_of_birth = %s WHERE id = %s", broken, unreadable.pk)
    return {"tent_a": tent_a, "tent_b": tent_b, "future": future, "unreadable": unreadable}


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "haven.rows" and r.levelno >= logging.ERROR]


def test_the_dashboard_renders_and_names_the_shelter_it_could_not_count(
    client_as: Callable[[str], Any], camp: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    response = client_as("commander").get("/")
    page = response.content.decode()
    assert response.status_code == 200
    for title in ("Headcount", "Casualties", "Supply runway", "Low stock", "Shelter tonight"):
        assert f"<h2>{title}</h2>" in page
    assert "1 shelter not counted:" in page
    assert "Tent B</a> (covered area 0.0 m² must be positive)" in page
    assert "no unit of measure recorded" in page  # Low stock: the cereal row
    errors = _errors(caplog)
    assert errors and all(record.exc_info for record in errors)
    assert sum("shelter Tent B could not be shown" in r.getMessage() for r in errors) == 1


def test_the_shelter_board_shows_the_bad_shelter_and_counts_the_others(
    client_as: Callable[[str], Any], camp: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    response = client_as("commander").get("/shelter/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Places not counted: covered area 0.0 m² must be positive (1 sleeping here)" in page
    assert ">1/4<" in page  # Tent A: 16 m² at 3.5 m² a person, one asleep
    assert "Future Born" in page  # without shelter, and their record flagged
    assert "date of birth is in the future" in page
    [error] = [r for r in _errors(caplog) if "Tent B" in r.getMessage()]
    assert error.exc_info is not None


def test_the_bad_shelters_own_page_says_what_is_wrong(
    client_as: Callable[[str], Any], camp: dict[str, Any]
) -> None:
    response = client_as("commander").get(f"/shelter/{camp['tent_b'].pk}/")
    assert response.status_code == 200
    assert "not counted: covered area 0.0 m² must be positive" in response.content.decode()


def test_a_shelter_plan_holds_the_bad_shelter_as_it_is(
    users: dict[str, Any], camp: dict[str, Any]
) -> None:
    plan = shelter.make_plan(by=users["commander"])
    assert plan.capacity == 4 + 1  # Tent A, and Tent B for the one who sleeps there
    moved = {person_id for person_id, _, to in plan.changes if to == camp["tent_b"].pk}
    assert not moved


def test_the_people_list_shows_the_bad_people_and_everyone_else(
    client_as: Callable[[str], Any], camp: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    response = client_as("commander").get("/people/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Amina Yusuf" in page and "Omar Sleeper" in page
    assert "Future Born" in page and "date of birth is in the future" in page
    assert f"person {camp['unreadable'].pk}</strong> cannot be shown as it is" in page
    assert "date of birth is not a valid date" in page
    assert "2024-13-45" not in page and "10000-01-01" not in page  # named here, told in the log
    [error] = _errors(caplog)
    assert error.exc_info is not None and "could not be read" in error.getMessage()


def test_the_stock_table_and_item_card_say_the_unit_is_missing(
    client_as: Callable[[str], Any], camp: dict[str, Any]
) -> None:
    quartermaster = client_as("commander")
    table = quartermaster.get("/stock/")
    card = quartermaster.get("/stock/items/cereal/")
    assert table.status_code == card.status_code == 200
    assert "no unit of measure recorded" in table.content.decode()
    assert "Drinking water" in table.content.decode()
    assert "This item needs correcting: no unit of measure recorded" in card.content.decode()


# --- the mechanisms ---------------------------------------------------------------------


def test_a_panel_that_fails_to_gather_its_figures_stands_alone(
    client_as: Callable[[str], Any],
    users: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(request: Any) -> list[Panel]:
        raise RuntimeError("the shelter table is on fire")

    monkeypatch.setattr("haven.shelter.dashboard.panels", broken)
    response = client_as("commander").get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("This panel could not be drawn.") == 1
    assert "<h2>Shelter</h2>" in page and "<h2>Headcount</h2>" in page
    assert "on fire" not in page  # the details go to the log, not to every role's screen
    [error] = _errors(caplog)
    assert error.exc_info is not None and "shelter" in error.getMessage()


def test_a_panel_that_fails_to_draw_stands_alone(
    client_as: Callable[[str], Any],
    users: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(request: Any) -> list[Panel]:
        return [Panel("Shelter tonight", "shelter/panel.html", {"uncounted": [object()]})]

    monkeypatch.setattr("haven.shelter.dashboard.panels", broken)
    page = client_as("commander").get("/").content.decode()
    assert page.count("This panel could not be drawn.") == 1
    assert "<h2>Shelter tonight</h2>" in page and "<h2>Casualties</h2>" in page
    [error] = _errors(caplog)
    assert error.exc_info is not None and "Shelter tonight" in error.getMessage()


def test_a_row_that_fails_to_draw_becomes_one_cell_saying_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Exploding:
        def __str__(self) -> str:
            return "Row 2"

        @property
        def name(self) -> str:
            raise ValueError("year 0 is out of range")

    class Fine:
        name = "Row 1"

    template = Template(
        "{% load guard %}{% for row in rows %}{% guard colspan=3 label=row %}"
        "<tr><td>{{ row.name }}</td></tr>{% endguard %}{% endfor %}"
    )
    html = template.render(Context({"rows": [Fine(), Exploding()]}))
    assert "<tr><td>Row 1</td></tr>" in html
    assert '<tr class="bad-row"><td colspan="3"><strong>Row 2</strong> could not be shown: ' in html
    assert "year 0 is out of range" in html
    [error] = _errors(caplog)
    assert error.exc_info is not None


def test_rows_are_read_in_one_query_when_none_is_bad(
    camp: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        rows = read_rows(Shelter.objects.order_by("name"))
    assert [row.name for row in rows] == ["Tent A", "Tent B"]


def test_an_unreadable_row_is_read_apart_and_named(camp: dict[str, Any]) -> None:
    rows = read_rows(Person.objects.order_by("full_name")[:10])
    bad = [row for row in rows if isinstance(row, BadRow)]
    assert [row.full_name for row in rows if not isinstance(row, BadRow)] == [
        "Amina Yusuf",
        "Future Born",
        "Omar Sleeper",
    ]
    assert bad == [
        BadRow(
            f"person {camp['unreadable'].pk}",
            "date of birth is not a valid date",
            camp["unreadable"].pk,
        )
    ]

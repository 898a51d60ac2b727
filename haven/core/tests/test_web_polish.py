"""What a browser gets besides the pages: compressed answers, long-lived static files, an
icon everywhere, and error pages with the navigation."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings


def test_favicon_ico_redirects_to_the_icon(client: Client) -> None:
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    assert answer["Location"].endswith("core/favicon.svg")


def test_pages_are_gzip_compressed_for_a_browser_that_asks(
    client_as: Callable[[str], Client],
) -> None:
    commander = client_as("commander")
    plain = commander.get("/")
    packed = commander.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert b"<nav" in gzip.decompress(packed.content)
    assert len(packed.content) < len(plain.content) / 2


def test_api_answers_are_compressed_too(client_as: Callable[[str], Client]) -> None:
    answer = client_as("clerk").get("/api/v1/openapi.json", HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200
    assert answer["Content-Encoding"] == "gzip"


def test_a_missing_page_has_the_navigation(client_as: Callable[[str], Client]) -> None:
    answer = client_as("clerk").get("/people/no-such-page/")
    assert answer.status_code == 404
    html = answer.content.decode()
    assert 'class="menu"' in html
    assert "Not found" in html
    assert "/people/no-such-page/" in html


def test_a_forbidden_page_has_the_navigation(client_as: Callable[[str], Client]) -> None:
    answer = client_as("member").get("/audit/")
    assert answer.status_code == 403
    html = answer.content.decode()
    assert 'class="menu"' in html
    assert "Not allowed" in html


def test_the_server_error_page_draws_without_a_request() -> None:
    from django.views.defaults import server_error

    answer = server_error(RequestFactory().get("/"))
    assert answer.status_code == 500
    html = answer.content.decode()
    assert "Something went wrong" in html
    assert "core/haven.css" in html


def test_collected_static_files_are_hashed_compressed_and_cached_for_a_year(
    tmp_path: Path, db: Any
) -> None:
    from django.templatetags.static import static

    from haven.core.staticfiles import collect_static

    with override_settings(STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=False):
        assert collect_static()
        assert not collect_static(), "nothing changed: a restart does not collect again"
        url = static("core/haven.css")
        assert url != "/static/core/haven.css"
        assert (tmp_path / (url.removeprefix("/static/") + ".gz")).exists()
        answer = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert answer.status_code == 200
        assert "immutable" in answer["Cache-Control"]
        assert answer["Content-Encoding"] == "gzip"


def test_without_collected_files_a_page_still_names_the_plain_file(
    tmp_path: Path, client_as: Callable[[str], Client]
) -> None:
    with override_settings(STATIC_ROOT=tmp_path):
        html = client_as("clerk").get("/").content.decode()
    assert "/static/core/haven.css" in html


@pytest.mark.parametrize("path", ["/static/core/haven.css"])
def test_plain_static_files_keep_a_short_lifetime(path: str, client: Client) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert "immutable" not in answer["Cache-Control"]


def test_a_refused_form_shows_its_error_once(client_as: Callable[[str], Client]) -> None:
    answer = client_as("clerk").post(
        "/people/add/",
        {
            "full_name": "Amal Future",
            "sex": "f",
            "date_of_birth": "2999-01-01",
            "extra_energy_kcal": "0",
        },
    )
    assert answer.status_code == 200
    assert answer.content.decode().count("is in the future") == 1


def test_a_time_in_an_error_reads_as_local_time_not_iso() -> None:
    from datetime import UTC, datetime

    from haven.core.errors import HavenError
    from haven.core.services import event_time

    with pytest.raises(HavenError) as refused:
        event_time(datetime(2999, 12, 31, 10, 0, tzinfo=UTC), "triage time")
    assert "31 Dec 2999 10:00 UTC" in str(refused.value)
    assert "T10:00:00" not in str(refused.value)


@pytest.mark.browser
def test_a_400_character_name_wraps_on_a_phone(
    users: dict[str, Any], page_as: Callable[[str], Any]
) -> None:
    from haven.people import services

    person = services.register_person(by=users["clerk"], full_name="Abdirahman" * 40)
    page = page_as("clerk")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (f"/people/{person.pk}/", "/people/"):
        page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path

"""Every alerts page as every role; the banner on every page until acknowledged; the
draft → approve → issue flow through the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from haven.alerts import services
from haven.alerts.models import Alert
from haven.alerts.tests.conftest import fields

pytestmark = pytest.mark.django_db

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")
DRAFTERS = {"commander", "clerk", "medic"}


@pytest.fixture
def three(issued: Callable[..., Any], users: dict[str, Any]) -> dict[str, Alert]:
    active = issued()
    draft = services.draft_alert(by=users["medic"], **fields(headline="Still a draft"))
    return {"active": active, "draft": draft}


@pytest.mark.parametrize("role", ROLES)
def test_pages_as_every_role(
    three: dict[str, Alert], client_as: Callable[[str], Client], role: str
) -> None:
    client = client_as(role)
    active, draft = three["active"], three["draft"]
    pages = {
        "/alerts/": 200,
        "/alerts/?show=past": 200,
        "/alerts/?show=drafts": 200,
        f"/alerts/{active.pk}/": 200,
        f"/alerts/{active.pk}/cap.xml": 200,
        "/alerts/feed.atom": 200,
        "/alerts/draft/": 200 if role in DRAFTERS else 403,
        f"/alerts/{draft.pk}/": 200 if role in DRAFTERS else 404,
        f"/alerts/{active.pk}/update/": 200 if role in DRAFTERS else 403,
        f"/alerts/{active.pk}/acknowledgements/": 200 if role == "commander" else 403,
    }
    for url, status in pages.items():
        assert client.get(url).status_code == status, (role, url)
    listing = client.get("/alerts/?show=drafts").content.decode()
    assert ("Still a draft" in listing) == (role in DRAFTERS)


@pytest.mark.parametrize("role", ROLES)
def test_writes_as_every_role(
    three: dict[str, Alert], client_as: Callable[[str], Client], role: str
) -> None:
    client = client_as(role)
    active, draft = three["active"], three["draft"]
    may = {
        f"/alerts/{draft.pk}/approve/": role == "commander",
        f"/alerts/{active.pk}/cancel/": role in DRAFTERS,
        f"/alerts/{active.pk}/ack/": True,
    }
    for url, allowed in may.items():
        code = client.post(url).status_code
        assert (code == 302) == allowed and (code in (302, 403)), (role, url, code)


def test_the_banner_shows_on_every_page_until_acknowledged(
    issued: Callable[..., Any], client_as: Callable[[str], Client]
) -> None:
    alert = issued(assemble_at="", instruction="Stay inside.")
    client = client_as("quartermaster")
    for url in ("/", "/alerts/", "/stock/", "/shelter/"):
        page = client.get(url).content.decode()
        assert 'id="alert-banner"' in page and alert.headline in page, url
    answer = client.post(f"/alerts/{alert.pk}/ack/", {"next": "/stock/"})
    assert answer.status_code == 302 and answer["Location"] == "/stock/"
    assert 'id="alert-banner"' not in client.get("/").content.decode()
    # An outside address is not followed.
    other = client_as("scout")
    answer = other.post(f"/alerts/{alert.pk}/ack/", {"next": "https://example.org/"})
    assert answer["Location"] == f"/alerts/{alert.pk}/"


def test_no_banner_for_drafts_or_signed_out(
    users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    services.draft_alert(by=users["commander"], **fields())
    assert 'id="alert-banner"' not in client_as("member").get("/").content.decode()
    assert 'id="alert-banner"' not in Client().get("/login/").content.decode()


def test_draft_approve_issue_through_the_pages(
    users: dict[str, Any], deputy: Any, client_as: Callable[[str], Client]
) -> None:
    form = {
        **{k: v for k, v in fields().items() if k != "expires"},
        "expires": "2099-01-01T10:00",
        "status": "Actual",
        "scope": "Public",
    }
    answer = client_as("commander").post("/alerts/draft/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    alert = Alert.objects.get()
    page = client_as("commander").get(f"/alerts/{alert.pk}/").content.decode()
    assert 'id="approve"' not in page and "a second person" in page
    deputy_client = Client()
    deputy_client.force_login(deputy)
    assert deputy_client.post(f"/alerts/{alert.pk}/approve/").status_code == 302
    answer = deputy_client.post(f"/alerts/{alert.pk}/issue/", {"assemble_at": "the north gate"})
    assert answer.status_code == 302
    alert.refresh_from_db()
    assert alert.stage == "issued" and alert.muster is not None
    page = client_as("commander").get(f"/alerts/{alert.pk}/").content.decode()
    assert 'id="muster"' in page and "the north gate" in page
    assert 'id="ack-count">0<' in page


def test_a_bad_draft_is_refused_on_the_page(client_as: Callable[[str], Client]) -> None:
    form = {
        **{k: v for k, v in fields().items() if k != "expires"},
        "expires": "2099-01-01T10:00",
        "status": "Actual",
        "scope": "Public",
        "polygon": "1,1 1,2 2,2 2,1",
    }
    answer = client_as("commander").post("/alerts/draft/", form)
    assert answer.status_code == 200 and "area polygon is not closed" in answer.content.decode()
    assert not Alert.objects.exists()


def test_the_clerk_does_not_see_coordinates(
    issued: Callable[..., Any], client_as: Callable[[str], Client]
) -> None:
    alert = issued(scope="Restricted", restriction="staff", circle="12.5,-3.25 2")
    assert "12.5,-3.25" in client_as("commander").get(f"/alerts/{alert.pk}/").content.decode()
    assert "12.5,-3.25" not in client_as("clerk").get(f"/alerts/{alert.pk}/").content.decode()
    assert (
        "12.5,-3.25" not in client_as("clerk").get(f"/alerts/{alert.pk}/cap.xml").content.decode()
    )


def test_the_alert_shows_its_muster_live(
    users: dict[str, Any], deputy: Any, client_as: Callable[[str], Client]
) -> None:
    from haven.people import musters
    from haven.people import services as people

    here = people.register_person(by=users["clerk"], full_name="Amina Yusuf")
    people.register_person(by=users["clerk"], full_name="Omar Haddad")
    alert = services.draft_alert(by=users["commander"], **fields())
    services.approve_alert(by=deputy, alert=alert)
    alert = services.issue_alert(by=deputy, alert=alert, assemble_at="the north gate")
    assert alert.muster is not None
    musters.check_in(by=users["clerk"], muster=alert.muster, person=here)
    page = client_as("clerk").get(f"/alerts/{alert.pk}/").content.decode()
    assert f'hx-get="/people/muster/{alert.muster.pk}/counts/"' in page
    assert 'id="checked-count">1<' in page and 'id="remaining-count">1<' in page
    # Who may not answer musters sees the alert, not the roll call.
    assert 'id="muster"' not in client_as("member").get(f"/alerts/{alert.pk}/").content.decode()

"""The Atom feed of active alerts: a session or a bearer token, nothing for strangers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from haven.accounts.models import ApiToken
from haven.accounts.services import create_token, revoke_token
from haven.alerts import services

pytestmark = pytest.mark.django_db
ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def test_strangers_get_401(issued: Callable[..., Any]) -> None:
    issued()
    answer = Client().get("/alerts/feed.atom")
    assert answer.status_code == 401 and answer["WWW-Authenticate"].startswith("Bearer")
    assert b"Armed group" not in answer.content
    wrong = Client(HTTP_AUTHORIZATION="Bearer not-a-token").get("/alerts/feed.atom")
    assert wrong.status_code == 401
    assert Client().get("/alerts/1/cap.xml").status_code == 401


def test_a_bearer_token_reads_the_feed(issued: Callable[..., Any], users: dict[str, Any]) -> None:
    alert = issued(circle="12.5,-3.25 2", share_coordinates=True)
    token = create_token(username="member")
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/alerts/feed.atom")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    entries = feed.findall("atom:entry", ATOM)
    assert [e.findtext("atom:title", namespaces=ATOM) for e in entries] == [alert.headline]
    assert b"12.5" not in answer.content  # a feed carries no coordinates
    updated = entries[0].findtext("atom:updated", namespaces=ATOM) or ""
    assert updated.endswith("+00:00")
    links = {link.get("rel"): link.get("href") for link in entries[0].findall("atom:link", ATOM)}
    assert (links["related"] or "").endswith(f"/alerts/{alert.pk}/cap.xml")
    revoke_token(token_id=ApiToken.objects.get().pk)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/alerts/feed.atom").status_code == 401


def test_a_session_reads_the_feed_and_expired_ones_leave(
    issued: Callable[..., Any], users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    alert = issued()
    cancel = services.cancel_alert(by=users["commander"], alert=issued(status="Exercise"))
    services.issue_alert(by=users["commander"], alert=cancel)
    feed = ET.fromstring(client_as("scout").get("/alerts/feed.atom").content)
    assert [
        e.findtext("atom:title", namespaces=ATOM) for e in feed.findall("atom:entry", ATOM)
    ] == [alert.headline]

"""The commander's lockdown: sessions end, tokens are revoked, everyone else must set a new
password before anything else, and the readers of location data are listed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from haven.accounts.models import ApiToken
from haven.accounts.services import create_token
from haven.audit.models import AuditEvent, PasswordChangeRequired
from haven.core.signals import sensitive_read

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the conftest users' password
NEW_PASSWORD = "a brand new password 42"


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_the_web_lockdown_asks_for_confirmation_then_locks_everyone_else_out(
    users: dict[str, Any], client_as: Callable[[str], Any]
) -> None:
    clerk, scout = _signed_in("clerk"), _signed_in("scout")
    create_token(username="clerk")
    create_token(username="commander")
    sensitive_read.send(
        sender=None, user=users["scout"], group="location", model="stock.store", pks=[1]
    )
    sensitive_read.send(
        sender=None, user=users["scout"], group="location", model="stock.store", pks=[2]
    )
    sensitive_read.send(
        sender=None, user=users["medic"], group="medical", model="people.person", pks=[1]
    )
    commander = _signed_in("commander")
    assert "Lock down now" in commander.get("/audit/lockdown/").content.decode()
    unconfirmed = commander.post("/audit/lockdown/", {"days": 7})
    assert unconfirmed.status_code == 200 and Session.objects.count() == 3
    done = commander.post("/audit/lockdown/", {"days": 7, "confirm": "on"})
    page = done.content.decode()
    assert "2 sessions ended, 1 API token revoked, 5 people must set a new password" in page
    assert "scout" in page and "medic" not in page.split('id="readers"')[1]
    assert Session.objects.count() == 1  # the commander's own
    assert commander.get("/audit/").status_code == 200
    assert clerk.get("/people/").status_code == 302 and scout.get("/").status_code == 302
    live = ApiToken.objects.filter(revoked_at__isnull=True)
    assert [token.user.username for token in live] == ["commander"]
    assert PasswordChangeRequired.objects.count() == 5
    event = AuditEvent.objects.get(action="audit.lockdown")
    assert (event.username, event.channel) == ("commander", "web")
    assert "keep_session" in event.summary and event.summary["keep_session"] == "(secret)"


def test_after_a_lockdown_only_the_password_page_opens_until_a_new_one_is_set(
    users: dict[str, Any],
) -> None:
    call_command("lockdown", "--commander", "commander")
    clerk = _signed_in("clerk")
    answer = clerk.get("/people/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password/"
    assert clerk.get("/api/v1/people/").status_code == 403
    assert clerk.get("/accounts/password/").status_code == 200
    refused = clerk.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert refused.status_code == 200
    assert clerk.get("/people/").status_code == 302
    changed = clerk.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert clerk.get("/people/").status_code == 200
    assert not PasswordChangeRequired.objects.filter(user=users["clerk"]).exists()
    assert PasswordChangeRequired.objects.filter(user=users["scout"]).exists()
    commander = _signed_in("commander")
    assert commander.get("/people/").status_code == 200
    event = AuditEvent.objects.get(action="audit.password_renewed")
    assert (event.username, event.channel) == ("clerk", "web")


@pytest.mark.parametrize("role", ["quartermaster", "medic", "scout", "clerk", "member"])
def test_only_the_commander_may_lock_down(client_as: Callable[[str], Any], role: str) -> None:
    client = client_as(role)
    assert client.get("/audit/lockdown/").status_code == 403
    assert client.post("/audit/lockdown/", {"days": 7, "confirm": "on"}).status_code == 403
    assert not PasswordChangeRequired.objects.exists()


def test_the_command_lists_location_readers_and_refuses_bad_input(
    users: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    sensitive_read.send(sender=None, user=users["clerk"], group="location", model="x.y", pks=[1])
    call_command("lockdown", "--days", "3")
    out = capsys.readouterr().out
    assert "6 people must set a new password" in out and "clerk: 1 reads" in out
    with pytest.raises(CommandError, match="days 0 is not a whole number"):
        call_command("lockdown", "--days", "0")
    with pytest.raises(CommandError, match="'clerk' is not a commander"):
        call_command("lockdown", "--commander", "clerk")
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("lockdown", "--commander", "nobody")
    assert AuditEvent.objects.filter(action="audit.lockdown", channel="cli").count() == 1


def test_location_reads_the_policy_reports_reach_the_lockdown_list(users: dict[str, Any]) -> None:
    from haven.audit.services import location_readers
    from haven.core import policy

    policy.note_read(None, users["scout"], policy.FieldGroup.LOCATION, "stock.store", 7)
    read = AuditEvent.objects.get(kind="read", group="location")
    assert (read.username, read.record_list()) == ("scout", ["stock.store:7"])
    assert [reader.username for reader in location_readers(days=1)] == ["scout"]

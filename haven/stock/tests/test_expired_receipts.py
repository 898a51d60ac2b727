"""Receiving a lot already past its expiry needs an explicit confirmation, and is flagged.

A lot that expired in 2020 was once received without a word. Now the service refuses it
with a message naming the lot and the date unless told `accept_expired`; the web form has
a box to tick, the CLI `--accept-expired`, the API `accept_expired`. An accepted receipt
is flagged on its ledger entry, which the item card's ledger and the API show.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from haven.core.errors import HavenError
from haven.stock import services
from haven.stock.models import Item, LedgerEntry, Lot, Store

REFUSED = "lot OLD of Ration pack (one day) expired on 2020-03-01"


def _receive(store: Store, **extra: Any) -> list[LedgerEntry]:
    return services.receive(
        by=None,
        item="ration-pack",
        store=store,
        quantity=4,
        lot_code="OLD",
        expiry_date=date(2020, 3, 1),
        source="donation",
        **extra,
    )


def test_an_expired_lot_is_refused_naming_the_lot_and_date(store: Store) -> None:
    with pytest.raises(
        HavenError, match="^" + re.escape(REFUSED) + ": receiving it needs an explicit"
    ):
        _receive(store)
    assert not LedgerEntry.objects.exists()
    assert not Lot.objects.filter(code="OLD").exists()


def test_an_existing_lot_that_has_since_expired_is_refused_too(
    store: Store, ration: Item, today: date
) -> None:
    _receive(store, accept_expired=True)
    with pytest.raises(HavenError, match=re.escape(REFUSED)):
        services.receive(
            by=None, item=ration, store=store, quantity=1, lot_code="OLD", source="donation"
        )


def test_confirmed_it_is_received_and_flagged(store: Store, ration: Item) -> None:
    [entry] = _receive(store, accept_expired=True)
    assert entry.accepted_expired
    assert services.on_hand(ration, store) == 4
    assert services.usable_on_hand(ration, store) == 0


def test_a_lot_still_good_is_not_flagged(store: Store, today: date) -> None:
    [entry] = services.receive(
        by=None,
        item="ration-pack",
        store=store,
        quantity=2,
        expiry_date=today,
        source="donation",
        accept_expired=True,
    )
    assert not entry.accepted_expired


def test_the_web_form_needs_the_box_ticked(
    client_as: Callable[[str], Any], store: Store, ration: Item
) -> None:
    form = {
        "receive-store": store.pk,
        "receive-quantity": "4",
        "receive-source": "donation",
        "receive-lot_code": "OLD",
        "receive-expiry_date": "2020-03-01",
    }
    quartermaster = client_as("quartermaster")
    url = "/stock/items/ration-pack/receive/"
    page = quartermaster.post(url, form, follow=True).content.decode()
    assert REFUSED in page
    assert "tick “The lot is already expired: receive it anyway” to receive it" in page
    assert not LedgerEntry.objects.exists()

    page = quartermaster.post(url, form | {"receive-accept_expired": "on"}, follow=True)
    assert LedgerEntry.objects.get().accepted_expired
    assert "expired lot accepted" in page.content.decode()


def test_the_cli_needs_accept_expired(store: Store) -> None:
    argv = ["receive", "ration-pack", "4", "--store", "Store A", "--lot", "OLD"]
    argv += ["--expiry", "2020-03-01"]
    with pytest.raises(CommandError) as error:
        call_command("stock", *argv)
    assert error.value.returncode == 2 and REFUSED in str(error.value)
    assert str(error.value).endswith("add --accept-expired to receive it")
    assert not LedgerEntry.objects.exists()
    out = io.StringIO()
    call_command("stock", *argv, "--accept-expired", stdout=out)
    assert "(expired lot, accepted)" in out.getvalue()
    assert LedgerEntry.objects.get().accepted_expired


def test_the_api_needs_accept_expired(api_as: Callable[[str], Any], store: Store) -> None:
    body = {
        "item": "ration-pack",
        "store": "Store A",
        "quantity": 4,
        "source": "donation",
        "lot_code": "OLD",
        "expiry_date": "2020-03-01",
    }
    api = api_as("quartermaster")
    refused = api.post("/api/v1/stock/receive", body, content_type="application/json")
    assert refused.status_code == 400 and REFUSED in refused.json()["detail"]
    assert refused.json()["detail"].endswith('send "accept_expired": true to receive it')
    assert not LedgerEntry.objects.exists()
    posted = api.post(
        "/api/v1/stock/receive", body | {"accept_expired": True}, content_type="application/json"
    )
    assert posted.status_code == 201 and posted.json()[0]["accepted_expired"] is True
    ledger = api.get("/api/v1/stock/items/ration-pack/ledger").json()
    entries = ledger["items"] if isinstance(ledger, dict) else ledger
    assert [entry["accepted_expired"] for entry in entries] == [True]


def test_the_expiry_counts_on_the_day_received(store: Store, today: date) -> None:
    # Received a week ago, when it still had two days to go: not expired then.
    [entry] = services.receive(
        by=None,
        item="ration-pack",
        store=store,
        quantity=1,
        expiry_date=today - timedelta(days=5),
        source="donation",
        at=timezone.now() - timedelta(days=7),
    )
    assert not entry.accepted_expired

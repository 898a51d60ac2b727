"""The stock list import, on the command line and the web: a file it cannot read is refused
with one line naming the line and column (exit 2; a 400 page with the message), nothing is
received; an already expired lot needs the same confirmation as a receipt, and is flagged;
an export (formula cells escaped) imports again unchanged."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.core.tests.badfiles import Case, bad_files, good_encodings
from haven.stock import exchange, services
from haven.stock.models import Balance, LedgerEntry, Store

pytestmark = pytest.mark.django_db

HEADER = ["item", "store", "quantity"]
ROW = ["cereal", "Store A", "250"]
BAD = bad_files(HEADER, ROW)


def _upload(client: Any, data: bytes, **form: Any) -> Any:
    return client.post(
        "/stock/import/", {"file": SimpleUploadedFile("list.csv", data), **form}, follow=False
    )


@pytest.mark.parametrize("case", BAD, ids=lambda case: case.id)
def test_cli_refuses_a_bad_file_with_one_line_and_exit_2(
    case: Case, store: Store, tmp_path: Path
) -> None:
    source = tmp_path / "stock.csv"
    source.write_bytes(case.data)
    with pytest.raises(CommandError) as caught:
        call_command("stock", "import", str(source))
    assert caught.value.returncode == 2
    assert "\n" not in str(caught.value)
    assert re.search(case.message, str(caught.value)), str(caught.value)
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("case", BAD, ids=lambda case: case.id)
def test_web_refuses_a_bad_file_with_a_400_page(
    case: Case, store: Store, client_as: Callable[[str], Any]
) -> None:
    response = _upload(client_as("quartermaster"), case.data)
    assert response.status_code == 400
    page = response.content.decode()
    shown = re.sub(r"\s+", " ", html.unescape(page))
    assert re.search(case.message.lstrip("^").rstrip("$"), shown), shown[-2000:]
    assert "Import a stock list" in page
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("encoding,data", good_encodings("item,store,quantity\ncereal,Store A,2\n"))
def test_every_readable_encoding_is_received(
    encoding: str, data: bytes, store: Store, client_as: Callable[[str], Any]
) -> None:
    response = _upload(client_as("quartermaster"), data)
    assert response.status_code == 302, response.content.decode()[-500:]
    assert services.on_hand("cereal", store) == 2


def _expired_list(tmp_path: Path, today: date) -> Path:
    path = tmp_path / "stock.csv"
    old = (today - timedelta(days=400)).isoformat()
    fresh = (today + timedelta(days=30)).isoformat()
    path.write_text(
        f"item,store,quantity,lot,expiry\ncereal,Store A,5,OLD,{old}\ncereal,Store A,9,NEW,{fresh}\n"
    )
    return path


def test_cli_import_of_an_expired_lot_needs_accept_expired(
    store: Store, tmp_path: Path, today: date
) -> None:
    path = _expired_list(tmp_path, today)
    with pytest.raises(CommandError) as caught:
        call_command("stock", "import", str(path))
    assert caught.value.returncode == 2
    assert "line 2: lot OLD of Cereal" in str(caught.value)
    assert "--accept-expired" in str(caught.value)
    assert not LedgerEntry.objects.exists()
    call_command("stock", "import", str(path), "--accept-expired", stdout=io.StringIO())
    flagged = dict(LedgerEntry.objects.values_list("lot__code", "accepted_expired"))
    assert flagged == {"OLD": True, "NEW": False}


def test_web_import_of_an_expired_lot_needs_the_box(
    store: Store, tmp_path: Path, today: date, client_as: Callable[[str], Any]
) -> None:
    data = _expired_list(tmp_path, today).read_bytes()
    client = client_as("quartermaster")
    refused = _upload(client, data)
    assert refused.status_code == 400
    assert "expired on" in refused.content.decode()
    assert not LedgerEntry.objects.exists()
    assert _upload(client, data, accept_expired="on").status_code == 302
    assert LedgerEntry.objects.filter(accepted_expired=True).count() == 1


def test_an_export_with_formula_names_imports_again(store: Store, tmp_path: Path) -> None:
    services.create_store(by=None, name="=cmd|' /C calc'!A0")
    services.create_store(by=None, name="-Store C")
    for name, quantity in (("Store A", 3), ("=cmd|' /C calc'!A0", 4), ("-Store C", 5)):
        services.receive(by=None, item="cereal", store=name, quantity=quantity, source="donation")
    out = io.StringIO()
    exchange.export_csv(out)
    text = out.getvalue()
    assert ",'=cmd|' /C calc'!A0," in text and ",'-Store C," in text
    before = sorted(Balance.objects.values_list("store__name", "quantity"))
    LedgerEntry.objects.all().delete()
    Balance.objects.all().delete()
    path = tmp_path / "export.csv"
    path.write_text(text)
    call_command("stock", "import", str(path), stdout=io.StringIO())
    assert sorted(Balance.objects.values_list("store__name", "quantity")) == before

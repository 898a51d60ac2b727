from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import hxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.stock import exchange, services
from haven.stock.models import Item, LedgerEntry, Store


def test_export_is_valid_hxl(stocked: dict[str, Any], other_store: Store) -> None:
    services.receive(by=None, item="soap", store=other_store, quantity=30, source="donation")
    out = io.StringIO()
    assert exchange.export_csv(out) == 3
    dataset = hxl.data(io.BytesIO(out.getvalue().encode()))
    tags = dataset.display_tags
    for tag in ("#item+code", "#item+name", "#loc+name", "#value+quantity", "#date+expiry"):
        assert tag in tags
    rows = list(dataset)
    assert {row.get("#item+code") for row in rows} == {"ration-pack", "soap"}
    assert sum(float(row.get("#value+quantity")) for row in rows) == 42
    report = hxl.validate(hxl.data(io.BytesIO(out.getvalue().encode())))
    assert report["is_valid"], report


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "stock.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_receives_every_row(tmp_path: Path, store: Store) -> None:
    soon = (date.today() + timedelta(days=30)).isoformat()
    path = write(
        tmp_path,
        f"item,store,quantity,lot,expiry\ncereal,Store A,250,C-1,{soon}\nSoap (250 g bar),store a,40,,\n",
    )
    out = io.StringIO()
    call_command("stock", "import", str(path), stdout=out)
    assert "received 2 stock lines" in out.getvalue()
    assert services.on_hand("cereal", store) == 250
    assert services.get_lot("cereal", "C-1").expiry_date.isoformat() == soon  # type: ignore[union-attr]
    assert services.rebuild(by=None) == []


def test_import_with_a_bad_row_writes_nothing(tmp_path: Path, store: Store) -> None:
    path = write(
        tmp_path,
        "item,store,quantity\ncereal,Store A,250\nunobtainium,Store A,3\nsoap,Store A,-4\n",
    )
    with pytest.raises(CommandError) as error:
        call_command("stock", "import", str(path))
    assert error.value.returncode == 2
    assert "line 3: no item 'unobtainium'" in str(error.value)
    assert "line 4: quantity '-4' must be > 0" in str(error.value)
    assert LedgerEntry.objects.count() == 0


def test_cli_posts_and_refuses(store: Store, ration: Item) -> None:
    out = io.StringIO()
    call_command("stock", "receive", "ration-pack", "12", "--store", "Store A", stdout=out)
    call_command("stock", "issue", "ration-pack", "2", "--store", "Store A", stdout=out)
    call_command(
        "stock", "adjust", "ration-pack", "1", "--store", "Store A", "--reason", "lost", stdout=out
    )
    call_command("stock", "count", "ration-pack", "8", "--store", "Store A", stdout=out)
    assert services.on_hand(ration, store) == 8
    for argv, message in [
        (
            ["issue", "ration-pack", "40", "--store", "Store A"],
            "cannot issue 40 × Ration pack (one day) from Store A: 8 on hand",
        ),
        (["issue", "ration-pack", "abc", "--store", "Store A"], "quantity 'abc' is not a number"),
        (["receive", "nothing", "1", "--store", "Store A"], "no item 'nothing'"),
        (["count", "ration-pack", "3", "--store", "Store A", "--lot", "ZZ"], "no lot 'ZZ'"),
        (
            ["transfer", "ration-pack", "1", "--from", "Store A", "--to", "Nowhere"],
            "no store 'Nowhere'",
        ),
    ]:
        before = LedgerEntry.objects.count()
        with pytest.raises(CommandError) as error:
            call_command("stock", *argv)
        assert error.value.returncode == 2 and message in str(error.value)
        assert LedgerEntry.objects.count() == before


def test_cli_rebuild_and_export(stocked: dict[str, Any], tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("stock", "rebuild", stdout=out)
    assert "balances equal the ledger (2 entries)" in out.getvalue()
    target = tmp_path / "out.csv"
    call_command("stock", "export", "--output", str(target), stdout=out)
    assert target.read_text().splitlines()[1].startswith("#item+code")

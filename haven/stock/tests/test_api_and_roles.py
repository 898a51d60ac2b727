from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from haven.stock import services
from haven.stock.models import Item, LedgerEntry, Store

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def stocked_kits(store: Store, kit: Item, ration: Item) -> None:
    services.receive(by=None, item=kit, store=store, quantity=10, source="donation")
    services.receive(by=None, item=ration, store=store, quantity=10, source="donation")


# --- who may see ---------------------------------------------------------------------

SEE = {
    "commander": 200,
    "quartermaster": 200,
    "medic": 200,
    "scout": 200,
    "clerk": 200,
    "member": 200,
}
# Need-to-know: the ledger (who drew what, when) is the quartermaster's.
LEDGER = {
    "commander": 200,
    "quartermaster": 200,
    "medic": 403,
    "scout": 403,
    "clerk": 403,
    "member": 403,
}
EXPORT = {
    "commander": 200,
    "quartermaster": 200,
    "medic": 403,
    "scout": 403,
    "clerk": 403,
    "member": 403,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/stock/", SEE),
        ("/stock/items/ration-pack/", SEE),
        ("/stock/export.csv", EXPORT),
        ("/stock/import/", EXPORT),
        ("/api/v1/stock/items", SEE),
        ("/api/v1/stock/items/ration-pack", SEE),
        ("/api/v1/stock/runway", SEE),
        ("/api/v1/stock/stores", SEE),
        ("/api/v1/stock/balances", SEE),
        ("/api/v1/stock/items/ration-pack/ledger", LEDGER),
    ],
)
def test_reading(
    client_as: Callable[[str], Any],
    api_as: Callable[[str], Any],
    store: Store,
    role: str,
    url: str,
    expected: dict[str, int],
) -> None:
    client = api_as(role) if url.startswith("/api/") else client_as(role)
    assert client.get(url).status_code == expected[role]


def test_clerk_sees_levels_but_not_the_ledger_on_the_item_card(
    client_as: Callable[[str], Any], stocked_kits: None
) -> None:
    page = client_as("clerk").get("/stock/items/trauma-kit/").content.decode()
    assert "On hand by store" in page and "Ledger" not in page


# --- who may write -------------------------------------------------------------------

QM_ONLY = {
    "commander": 201,
    "quartermaster": 201,
    "medic": 403,
    "scout": 403,
    "clerk": 403,
    "member": 403,
}
MEDICAL = {
    "commander": 201,
    "quartermaster": 201,
    "medic": 201,
    "scout": 403,
    "clerk": 403,
    "member": 403,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "body", "expected"),
    [
        (
            "/api/v1/stock/receive",
            {"item": "soap", "store": "Store A", "quantity": 5, "source": "donation"},
            QM_ONLY,
        ),
        (
            "/api/v1/stock/issue",
            {"item": "trauma-kit", "store": "Store A", "quantity": 1, "purpose": "treatment"},
            MEDICAL,
        ),
        (
            "/api/v1/stock/issue",
            {"item": "ration-pack", "store": "Store A", "quantity": 1, "purpose": "person"},
            QM_ONLY,
        ),
        (
            "/api/v1/stock/adjust",
            {"item": "ration-pack", "store": "Store A", "quantity": 1, "reason": "damaged"},
            QM_ONLY,
        ),
        ("/api/v1/stock/count", {"item": "ration-pack", "store": "Store A", "counted": 9}, QM_ONLY),
        (
            "/api/v1/stock/transfer",
            {"item": "ration-pack", "from_store": "Store A", "to_store": "Store B", "quantity": 1},
            QM_ONLY,
        ),
        ("/api/v1/stock/stores", {"name": "Cache 2", "kind": "cache"}, QM_ONLY),
    ],
)
def test_writing(
    api_as: Callable[[str], Any],
    stocked_kits: None,
    other_store: Store,
    role: str,
    url: str,
    body: dict[str, Any],
    expected: dict[str, int],
) -> None:
    before = LedgerEntry.objects.count()
    response = post(api_as(role), url, body)
    assert response.status_code == expected[role], response.content
    if expected[role] == 403:
        assert LedgerEntry.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
def test_reversing(api_as: Callable[[str], Any], stocked_kits: None, role: str) -> None:
    entry = LedgerEntry.objects.filter(item__code="ration-pack").get()
    response = post(api_as(role), f"/api/v1/stock/entries/{entry.pk}/reverse", {"reason": "typo"})
    assert response.status_code == QM_ONLY[role]


@pytest.mark.parametrize("role", ROLES)
def test_posting_from_the_item_card(
    client_as: Callable[[str], Any], stocked_kits: None, store: Store, role: str
) -> None:
    before = LedgerEntry.objects.count()
    response = client_as(role).post(
        "/stock/items/trauma-kit/issue/",
        {"issue-store": store.pk, "issue-quantity": "1", "issue-purpose": "treatment"},
    )
    allowed = role in ("commander", "quartermaster", "medic")
    assert response.status_code == (302 if allowed else 403)
    assert LedgerEntry.objects.count() == before + (1 if allowed else 0)


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"item": "ration-pack", "quantity": 40},
            400,
            "cannot issue 40 × Ration pack (one day) from Store A: 10 on hand",
        ),
        ({"item": "ration-pack", "quantity": -3}, 400, "quantity -3 must be > 0"),
        ({"item": "ration-pack", "quantity": "lots"}, 422, "quantity"),
        ({"item": "unobtainium", "quantity": 1}, 404, "no item 'unobtainium' in the catalogue"),
        ({"item": "ration-pack", "quantity": 1, "store": "Nowhere"}, 404, "no store 'Nowhere'"),
        ({"item": "ration-pack", "quantity": 1, "lot_code": "X"}, 404, "no lot 'X' of Ration pack"),
    ],
)
def test_bad_issues_are_refused_and_write_nothing(
    api_as: Callable[[str], Any],
    stocked_kits: None,
    body: dict[str, Any],
    status: int,
    message: str,
) -> None:
    before = LedgerEntry.objects.count()
    payload = {"store": "Store A", "purpose": "person", **body}
    response = post(api_as("quartermaster"), "/api/v1/stock/issue", payload)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert LedgerEntry.objects.count() == before


def test_count_of_missing_lot_over_the_api(
    api_as: Callable[[str], Any], stocked_kits: None
) -> None:
    response = post(
        api_as("quartermaster"),
        "/api/v1/stock/count",
        {"item": "ration-pack", "store": "Store A", "counted": 3, "lot_code": "NOPE"},
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "no lot 'NOPE' of Ration pack (one day)"


def test_issue_over_the_api_returns_the_entries(
    api_as: Callable[[str], Any], stocked_kits: None
) -> None:
    response = post(
        api_as("medic"),
        "/api/v1/stock/issue",
        {"item": "trauma-kit", "store": "Store A", "quantity": "2.5", "purpose": "treatment"},
    )
    assert response.status_code == 201
    [entry] = response.json()
    assert Decimal(entry["quantity"]) == Decimal("-2.5") and entry["recorded_by"] == "medic"

"""The distribution sheet: the whole list of a plan on paper, a signature column per row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.people import services as people
from haven.rations import services
from haven.rations.models import DistributionPlan
from haven.rations.tests.conftest import Camp

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(camp: Camp, users: dict[str, Any]) -> DistributionPlan:
    return services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)


def test_the_sheet_has_every_share_a_row_with_a_signature_column(
    client_as: Callable[[str], Any], plan: DistributionPlan
) -> None:
    shares = len(services.distribution_list(plan))
    html = client_as("quartermaster").get(f"/rations/plans/{plan.pk}/sheet/").content.decode()
    assert "Signature or thumbprint" in html
    assert html.count('<td class="sign-col"></td>') == shares > 2
    assert "Aydin household" in html and "Leyla Aydin" in html
    assert "core/haven.css" in html and 'class="topbar"' not in html
    assert "Gone Away" not in html  # departed: no share


def test_on_the_sheet_a_role_without_the_household_group_sees_numbered_shares(
    client_as: Callable[[str], Any], plan: DistributionPlan
) -> None:
    html = client_as("medic").get(f"/rations/plans/{plan.pk}/sheet/").content.decode()
    assert "Aydin household" not in html and "Leyla Aydin" not in html
    assert "Share 1" in html and "Signature or thumbprint" in html


def test_the_whole_list_is_printed_however_many_pages_the_screen_takes(
    client_as: Callable[[str], Any], plan: DistributionPlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haven.rations import views

    monkeypatch.setattr(views, "DISTRIBUTION_PAGE", 1)
    client = client_as("clerk")
    assert "Page 1 of" in client.get(f"/rations/plans/{plan.pk}/list/").content.decode()
    html = client.get(f"/rations/plans/{plan.pk}/sheet/").content.decode()
    assert html.count('<td class="sign-col"></td>') == len(services.distribution_list(plan))
    assert (
        f"/rations/plans/{plan.pk}/sheet/"
        in client.get(f"/rations/plans/{plan.pk}/list/").content.decode()
    )


def test_the_sheet_costs_the_same_queries_for_more_households(
    client_as: Callable[[str], Any], camp: Camp, users: dict[str, Any]
) -> None:
    client = client_as("quartermaster")

    def queries() -> int:
        plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/rations/plans/{plan.pk}/sheet/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(10):
        household = people.create_household(name=f"Family {n}")
        for given in ("Ada", "Obi"):
            people.register_person(
                by=users["clerk"], full_name=f"{given} Family{n}", household=household
            )
    assert queries() == before

"""Done when: a tracing officer finds, reviews and confirms a reunification in the browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from haven.core.tests.test_accessibility import violations
from haven.people import services as people
from haven.tracing import services
from haven.tracing.choices import Outcome
from haven.tracing.models import TracingRequest


@pytest.mark.browser
def test_a_tracing_officer_confirms_a_reunification(
    page_as: Callable[[str], Any], users: dict[str, Any]
) -> None:
    clerk = users["clerk"]
    found = people.register_person(
        by=clerk,
        given_name="Ahmad",
        family_name="Haddad",
        sex="m",
        date_of_birth=date(1979, 6, 1),
    )  # matched on commit, as every registration is
    services.open_request(
        by=clerk,
        asker_name="Rania Haddad",
        asker_relationship="wife",
        given_name="Ahmed",
        family_name="Hadad",
        sex="m",
        age_min=45,
        age_max=48,
        consent_to_share=True,
    )
    page = page_as("clerk")
    page.get_by_role("link", name="Tracing").first.click()
    page.fill("#q", "Hadad")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ahmed Hadad").click()
    candidate = page.locator("article.candidate").first
    candidate.wait_for()
    assert "Ahmad Haddad" in candidate.inner_text()
    evidence = candidate.locator("ul.evidence").inner_text()
    assert "Hadad" in evidence and "Haddad" in evidence
    page.screenshot(path="/tmp/screens/tracing-review.png", full_page=True)
    assert violations(page) == []  # axe-core: nothing serious on the review page
    candidate.get_by_placeholder("Why (optional)").fill("his wife recognised him")
    candidate.get_by_role("button", name="Confirm: same person").click()
    page.locator("h1 .badge.outcome-reunified").wait_for()
    assert "Ahmad Haddad" in page.locator("p.ok").inner_text()
    page.screenshot(path="/tmp/screens/tracing-confirmed.png", full_page=True)
    page.get_by_role("link", name="Tracing").first.click()
    reunified = page.locator("#reunified")
    reunified.get_by_role("link", name="Ahmed Hadad").wait_for()
    page.get_by_role("link", name="New request").click()
    page.locator("form.card").wait_for()
    assert violations(page) == []
    request = TracingRequest.objects.get()
    assert request.outcome == Outcome.REUNIFIED and request.found_person == found

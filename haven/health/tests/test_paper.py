"""Triage tags on paper: several to an A4 page, each with a QR code of the person's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import segno
from django.template import Context, Template
from django.test import RequestFactory

from haven.health import services
from haven.health.tests.conftest import START_RED
from haven.people.models import Person

pytestmark = pytest.mark.django_db


def test_each_tag_carries_a_qr_code_of_the_persons_page(
    client_as: Callable[[str], Any], users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    people = [make_person(name) for name in ("Ada Obi", "Ben Eze", "Chi Uche")]
    for person in people:
        services.record_triage(by=users["medic"], person=person, answers=START_RED)
    html = client_as("medic").get("/health/tags/").content.decode()
    codes = re.findall(r'<svg viewBox="[^"]+" class="qr-code"><title>([^<]*)</title>', html)
    assert sorted(codes) == sorted(person.display_id for person in people)
    assert html.count('class="tag"') == 3
    assert 'class="tags"' in html and "health/health.css" in html


def test_the_qr_code_reads_back_as_the_persons_address(users: dict[str, Any]) -> None:
    request = RequestFactory().get("/health/tags/")
    html = Template("{% load paper %}{% qr_link '/people/7/' 'P-7' %}").render(
        Context({"request": request})
    )
    expected = segno.make("http://testserver/people/7/", error="m").svg_inline(
        border=2, omitsize=True, title="P-7", svgclass="qr-code"
    )
    assert html == expected

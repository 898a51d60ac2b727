"""The tracing lists cost the same number of queries with 2 rows as with 20."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.people import services as people
from haven.tracing import matcher, services
from haven.tracing.models import TracingRequest

URLS = (
    "/api/v1/tracing/requests/",
    "/api/v1/tracing/candidates/",
    "/api/v1/tracing/requests/{first}/notes",
    "/tracing/",
    "/tracing/candidates/",
    "/tracing/requests/{first}/",
)


def _grow(clerk: Any, rows: int) -> None:
    """`rows` people, each sought by a request (each pair a candidate), each request with
    `rows` notes on the first."""
    have = TracingRequest.objects.count()
    for index in range(have, rows):
        person = people.register_person(
            by=clerk, given_name=f"Amina{chr(97 + index)}", family_name="Abdullahi", sex="f"
        )
        matcher.match_person(person=person)
        request = services.open_request(
            by=clerk,
            asker_name="Halima",
            given_name=f"Amina{chr(97 + index)}",
            family_name="Abdulahi",
            sex="f",
            consent_to_share=True,
        )
        services.add_note(
            by=clerk, request=TracingRequest.objects.order_by("pk").first() or request, text="x"
        )


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200, (url, answer.content[:300])
    return len(queries.captured_queries)


@pytest.mark.parametrize("url", URLS)
def test_a_list_of_20_costs_what_a_list_of_2_does(
    url: str,
    users: dict[str, Any],
    api_as: Callable[[str], Client],
    client_as: Callable[[str], Client],
) -> None:
    client = api_as("commander") if url.startswith("/api/") else client_as("commander")
    _grow(users["clerk"], 2)
    first = TracingRequest.objects.order_by("pk").first()
    assert first is not None
    address = url.format(first=first.pk)
    _count(client, address)  # the token's first use of the minute is written down once
    small = _count(client, address)
    _grow(users["clerk"], 20)
    assert first.candidates.exists()
    assert _count(client, address) == small, address

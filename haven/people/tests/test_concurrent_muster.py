"""Several clerks check people in at once: each person is checked in exactly once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from haven.people import musters, services
from haven.people.models import MusterCheckIn

pytestmark = pytest.mark.django_db(transaction=True)


def test_four_clerks_checking_in_the_same_people(users: dict[str, Any]) -> None:
    people = [
        services.register_person(by=users["clerk"], full_name=f"Person {i}") for i in range(10)
    ]
    muster = musters.open_muster(by=users["clerk"])
    errors: list[BaseException] = []
    created = []
    lock = threading.Lock()

    def clerk() -> None:
        try:
            for person in people:
                result = musters.check_in(by=users["clerk"], muster=muster, person=person)
                with lock:
                    created.append(result.created)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sum(created) == 10
    assert MusterCheckIn.objects.filter(muster=muster).count() == 10

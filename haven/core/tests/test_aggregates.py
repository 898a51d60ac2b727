"""The proof and repair every kept aggregate shares (`haven.core.aggregates.rebuild`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from haven.core.aggregates import Mismatch, rebuild
from haven.people import aggregates
from haven.people import services as people
from haven.people.models import HeadcountClass, Person


def _headcount(write: Any, *, fix: bool) -> list[Mismatch]:
    return rebuild(
        HeadcountClass,
        key=aggregates.KEY_FIELDS,
        value=["people"],
        counted=lambda: aggregates.counted(Person.objects.all()),
        write=write,
        mismatch=Mismatch,
        fix=fix,
    )


def test_a_fix_that_fails_leaves_the_table_as_it_was(db: None) -> None:
    people.register_person(by=None, full_name="Amina", sex="f", date_of_birth=date(1990, 3, 4))
    HeadcountClass.objects.update(people=5)

    def failing(truth: Mapping[Any, int]) -> None:
        aggregates.apply(truth)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        _headcount(failing, fix=True)
    # The delete and the partial write are rolled back together.
    assert list(HeadcountClass.objects.values_list("people", flat=True)) == [5]
    [mismatch] = _headcount(aggregates.apply, fix=True)
    assert (mismatch.stored, mismatch.recounted) == (5, 1)
    assert _headcount(aggregates.apply, fix=False) == []


def test_a_row_stored_as_zero_is_no_difference_and_missing_rows_count_zero(db: None) -> None:
    people.register_person(by=None, full_name="Amina", sex="f", date_of_birth=date(1990, 3, 4))
    [row] = HeadcountClass.objects.all()
    HeadcountClass.objects.create(
        status="departed",
        sex="m",
        birth_year=0,
        birth_month=0,
        pregnant_or_lactating=False,
        worker=False,
        extra_energy_kcal=0,
        people=0,
    )
    assert _headcount(aggregates.apply, fix=False) == []
    row.delete()
    [mismatch] = _headcount(aggregates.apply, fix=False)
    assert (mismatch.stored, mismatch.recounted) == (0, 1)
    assert str(mismatch).endswith(": stored 0, recounted 1")

"""The people import writes a batch at a time (constant memory) yet stays all-or-nothing:
a bad row after batches were written rolls them back; ids are checked across batches."""

from __future__ import annotations

import io

import pytest

from haven.people import importing
from haven.people.models import Household, Person, StatusEvent

pytestmark = pytest.mark.django_db

ROWS = "".join(f"camp/{n},Person {n},Household {n // 2}\n" for n in range(1, 8))
HEADER = "id,full_name,household\n"


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH", 3)


def test_batches_add_up_to_every_row_with_households_and_events() -> None:
    done: list[int] = []
    result = importing.import_people(
        by=None, stream=io.StringIO(HEADER + ROWS), progress=done.append
    )
    assert result.imported == 7 and done == [3, 6, 7]
    assert list(Person.objects.order_by("pk").values_list("record_id", flat=True)) == [
        f"camp/{n}" for n in range(1, 8)
    ]
    assert Household.objects.count() == 4
    assert Person.objects.get(record_id="camp/2").household.name == "Household 1"  # type: ignore[union-attr]
    assert StatusEvent.objects.filter(reason="imported").count() == 7


def test_a_bad_row_in_a_later_batch_rolls_back_the_earlier_ones() -> None:
    text = HEADER + ROWS + "camp/8,,\ncamp/3,Again,\n"
    with pytest.raises(importing.ImportRejected) as caught:
        importing.import_people(by=None, stream=io.StringIO(text))
    assert [str(error) for error in caught.value.errors] == [
        "line 9: no name (full_name, or given_name and family_name)",
        "line 10: duplicate id 'camp/3' (also earlier in the file)",
    ]
    assert not Person.objects.exists() and not StatusEvent.objects.exists()
    assert not Household.objects.exists()


def test_skip_invalid_keeps_the_first_of_a_duplicated_id_across_batches() -> None:
    text = HEADER + ROWS + "camp/1,Again,\n"
    result = importing.import_people(by=None, stream=io.StringIO(text), skip_invalid=True)
    assert result.imported == 7 and result.skipped == 1
    assert Person.objects.get(record_id="camp/1").full_name == "Person 1"

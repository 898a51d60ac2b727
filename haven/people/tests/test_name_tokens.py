"""The duplicate check finds namesakes from the index of name tokens, which every writer of
a name keeps equal to the tokens of the people's keys."""

from __future__ import annotations

import contextlib
import io
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.core.errors import HavenError
from haven.people import duplicates, importing, merging, nametokens, services
from haven.people.choices import Status
from haven.people.duplicates import possible_duplicates, record_from, record_of
from haven.people.models import NameToken, Person

pytestmark = pytest.mark.django_db


def register(**details: Any) -> Person:
    return services.register_person(by=None, **details)


def namesakes(**details: Any) -> list[Person]:
    return duplicates._namesakes(record_from(details), ())


def test_a_namesake_in_another_script_spelling_or_alternate_name_is_found() -> None:
    yusuf = register(given_name="Muhammad", family_name="Yusuf", sex="m")
    olena = register(full_name="Олена Бойко", sex="f")
    fatima = register(full_name="Fatima Nur", alternate_names="Fatuma Hassan", sex="f")
    register(full_name="Amina Haddad", sex="f")
    assert namesakes(full_name="محمد يوسف") == [yusuf]
    assert namesakes(given_name="Mohamed", family_name="Yousef") == [yusuf]
    assert namesakes(full_name="Yusuf Muhammad") == [yusuf]  # in the other order
    assert namesakes(full_name="Olena Boiko") == [olena]
    assert namesakes(full_name="Fatuma Hassan") == [fatima]
    # Every word must match: a shared given name is not enough.
    assert namesakes(full_name="Muhammad Haddad") == []


def test_after_a_name_is_edited_the_old_name_no_longer_finds_them_and_the_new_one_does() -> None:
    person = register(full_name="Amina Haddad", sex="f")
    services.update_person(by=None, person=person, full_name="Leyla Karimova")
    assert namesakes(full_name="Amina Haddad") == []
    assert namesakes(full_name="Leila Karimova") == [person]
    services.update_person(by=None, person=person, alternate_names="Amina Haddad")
    assert namesakes(full_name="Amina Haddad") == [person]
    assert nametokens.rebuild() == []


def test_an_edit_that_changes_no_name_rewrites_no_token() -> None:
    person = register(full_name="Amina Haddad", sex="f")
    with CaptureQueriesContext(connection) as queries:
        services.update_person(by=None, person=person, phone="+963 93 555 1234")
    assert not [q for q in queries if NameToken._meta.db_table in q["sql"]]


def test_the_people_of_an_import_are_found() -> None:
    lines = "full_name,sex,date_of_birth\nOmar Haddad,m,1980-02-03\nОлена Бойко,f,\n"
    importing.import_people(by=None, stream=io.StringIO(lines))
    omar = Person.objects.get(full_name="Omar Haddad")
    assert namesakes(full_name="عمر حداد") == [omar]
    found = possible_duplicates(
        record_from({"full_name": "Omar Hadad", "sex": "m", "date_of_birth": date(1980, 2, 3)})
    )
    assert [item.person for item in found] == [omar]
    assert namesakes(full_name="Olena Boyko") == [Person.objects.get(full_name="Олена Бойко")]
    assert nametokens.rebuild() == []


def test_a_merged_record_and_the_excluded_are_not_namesakes() -> None:
    kept = register(full_name="Omar Haddad", sex="m")
    twin = register(full_name="Omar Hadad", sex="m")
    assert set(namesakes(full_name="Omar Haddad")) == {kept, twin}
    merging.merge_people(by=None, kept=kept, merged=twin)
    assert namesakes(full_name="Omar Haddad") == [kept]
    assert duplicates._namesakes(record_from({"full_name": "Omar Haddad"}), [kept.pk]) == []
    # The merged record keeps its own tokens: an undo finds it again.
    merging.unmerge_people(by=None, merged=Person.objects.get(pk=twin.pk))
    assert set(namesakes(full_name="Omar Haddad")) == {kept, twin}
    assert nametokens.rebuild() == []


def test_among_many_namesakes_those_of_the_same_sex_and_age_come_first() -> None:
    # Bulk-created people are indexed too; alphabetically (and by id) all come first.
    Person.objects.bulk_create(
        Person(full_name="Muhammad Yusuf", sex="f", date_of_birth=date(2010, 5, 1))
        for _ in range(duplicates.CANDIDATES + 10)
    )
    wanted = register(full_name="Muhammad Yusuf", sex="m", date_of_birth=date(1990, 4, 12))
    found = namesakes(full_name="Mohamed Yousef", sex="m", date_of_birth=date(1990, 12, 4))
    assert len(found) == duplicates.CANDIDATES
    assert found[0] == wanted
    assert namesakes(full_name="Mohamed Yousef", sex="m", estimated_age=36)[0] == wanted
    assert nametokens.rebuild() == []


def test_a_bulk_write_of_keys_reindexes_them() -> None:
    person = register(full_name="Amina Haddad", sex="f")
    person.full_name = "Leyla Karimova"
    person.refresh_search_text()
    Person.objects.bulk_update([person], ["full_name", "search_text", "search_key"])
    assert namesakes(full_name="Leila Karimova") == [person]
    Person.objects.filter(pk=person.pk).update(search_key=" hadad ")
    assert namesakes(full_name="Haddad") == [person]
    assert nametokens.rebuild() == []


def test_a_save_of_a_person_read_without_the_key_rewrites_every_token() -> None:
    person = register(full_name="Amina Haddad", sex="f")
    partial = Person.objects.only("full_name", "given_name", "family_name").get(pk=person.pk)
    partial.full_name = "Leyla Karimova"
    partial.save()
    assert namesakes(full_name="Amina Haddad") == []
    assert namesakes(full_name="Leila Karimova") == [person]
    assert nametokens.rebuild() == []


def _plan(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(
            str(row[-1] if connection.vendor == "sqlite" else row[0]) for row in cursor
        )


def test_the_lookup_reads_the_token_index_and_never_scans_the_people() -> None:
    register(full_name="Muhammad Yusuf", sex="m", date_of_birth=date(1990, 4, 12))
    record = record_from(
        {"full_name": "Mohamed Yousef", "sex": "m", "date_of_birth": date(1990, 12, 4)}
    )
    assert len(duplicates._namesakes(record, ())) == 1
    sql, params = _lookup_sql(record)
    assert sql.count("INTERSECT") == 1  # one set of ids per word, intersected in SQL
    plan = _plan(sql, params)
    table = Person._meta.db_table
    if connection.vendor == "postgresql":
        assert not [line for line in plan.splitlines() if f"Seq Scan on {table}" in line], plan
    else:
        assert f"SCAN {table}" not in plan, plan
    assert "people_name_token_lookup" in plan, plan


def _lookup_sql(record: Any) -> tuple[str, Any]:
    """The lookup's statement and parameters, as `people_with_every` sends it."""
    captured: dict[str, Any] = {}

    class Stop(Exception):
        pass

    def execute(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "people_nametoken" in sql:
            captured.update(sql=sql, params=params)
            raise Stop
        return execute(sql, params, many, context)

    with connection.execute_wrapper(execute), contextlib.suppress(Stop):
        duplicates._namesakes(record, ())
    return captured["sql"], captured["params"]


def test_rebuild_names_a_difference_and_fix_repairs_it() -> None:
    person = register(full_name="Amina Haddad", sex="f")
    NameToken.objects.filter(person=person, token="amina").delete()
    NameToken.objects.create(person=person, token="+olena")
    [mismatch] = nametokens.rebuild()
    assert str(mismatch) == f"name tokens of #{person.pk}: missing amina; extra +olena"
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("rebuild", stdout=out)
    assert raised.value.returncode == 1
    assert str(mismatch) in out.getvalue()
    call_command("rebuild", "--fix", stdout=io.StringIO())
    assert nametokens.rebuild() == []
    assert namesakes(full_name="Amina Haddad") == [person]


NAMES = st.sampled_from(
    [
        "Muhammad Yusuf",
        "محمد يوسف",
        "Mohamed Yousef",
        "Olena Boiko",
        "Олена Бойко",
        "Amina Haddad",
        "Akobirow Rustam",
        "Fatima",
        "",
    ]
)
events = st.one_of(
    st.tuples(st.just("register"), NAMES, NAMES),
    st.tuples(st.just("edit"), st.integers(0, 30), NAMES, NAMES),
    st.tuples(st.just("import"), st.lists(st.tuples(NAMES, NAMES), max_size=3)),
    st.tuples(st.just("merge"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("unmerge"), st.integers(0, 30)),
)


def _someone(index: int) -> Person | None:
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    return Person.objects.get(pk=people[index % len(people)]) if people else None


def _apply(event: tuple[Any, ...]) -> None:
    kind = event[0]
    if kind == "register":
        register(full_name=event[1] or "Someone", alternate_names=event[2])
    elif kind == "import":
        rows = "".join(f'"{name or "Someone"}","{other}"\n' for name, other in event[1])
        importing.import_people(by=None, stream=io.StringIO("full_name,alternate_names\n" + rows))
    elif kind == "merge":
        kept, merged = _someone(event[1]), _someone(event[2])
        if kept is not None and merged is not None:
            merging.merge_people(by=None, kept=kept, merged=merged)
    elif kind == "unmerge":
        person = _someone(event[1])
        if person is not None:
            merging.unmerge_people(by=None, merged=person)
    else:
        person = _someone(event[1])
        if person is not None:
            services.update_person(
                by=None, person=person, full_name=event[2] or "Someone", alternate_names=event[3]
            )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(events, max_size=8))
def test_any_sequence_of_writes_keeps_the_tokens_equal_to_a_recount(
    sequence: list[tuple[Any, ...]],
) -> None:
    for event in sequence:
        # A refused write changes nothing: the tokens must still be exact.
        with contextlib.suppress(HavenError):
            _apply(event)
    assert nametokens.rebuild() == []
    for person in Person.objects.exclude(status=Status.MERGED):
        assert person in duplicates._namesakes(record_of(person), ())

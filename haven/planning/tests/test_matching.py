"""Record matching: names across scripts and spellings, dates that slipped, explained pairs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.planning.errors import PlanningInputError
from haven.planning.matching import (
    Label,
    MatchModel,
    MatchSettings,
    PairExplanation,
    PersonRecord,
    Registry,
    link,
    normalise,
)

TODAY = date(2024, 6, 1)
SETTINGS = MatchSettings(reference_date=TODAY)

# Everyone else in the registry: different people, so that the model has a population.
CROWD = [
    PersonRecord(
        f"c{i}", given, family, sex=sex, date_of_birth=date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
    )
    for i, (given, family, sex) in enumerate(
        (g, f, s)
        for g, s in (
            ("Amina", "f"),
            ("Omar", "m"),
            ("Iryna", "f"),
            ("Taras", "m"),
            ("Hodan", "f"),
            ("Bilal", "m"),
        )
        for f in ("Nasser", "Melnyk", "Warsame", "Saidov", "Khoury", "Bondarenko", "Hirsi", "Qasim")
    )
]


def pair_explanation(first: PersonRecord, second: PersonRecord) -> PairExplanation:
    registry = Registry([*CROWD, first, second], SETTINGS)
    return registry.explain(first.record_id, second.record_id)


def words_of(explanation: PairExplanation) -> str:
    return " | ".join(item.words for item in explanation.evidence)


def test_cyrillic_name_transliterates_to_its_latin_spelling() -> None:
    assert normalise.compact("Олена") == "olena"
    assert normalise.compact("Abdul-Rahman") == normalise.compact("Abdulrahman")


def test_mohamed_matches_muhammad() -> None:
    explanation = pair_explanation(
        PersonRecord("a", "Mohamed", "Haddad", sex="m", date_of_birth=date(1990, 3, 4)),
        PersonRecord("b", "Muhammad", "Haddad", sex="m", date_of_birth=date(1990, 3, 4)),
    )
    assert "given names are spellings of one name (Mohamed / Muhammad)" in words_of(explanation)
    assert explanation.label == Label.LIKELY


def test_arabic_script_name_agrees_with_its_latin_spelling() -> None:
    explanation = pair_explanation(
        PersonRecord("a", "Yusuf", "Haddad", sex="m", date_of_birth=date(1988, 7, 9)),
        PersonRecord("b", "يوسف", "حداد", sex="m", date_of_birth=date(1988, 7, 9)),
    )
    text = words_of(explanation)
    assert "given names agree after transliteration (Yusuf / يوسف)" in text
    assert "family names agree after transliteration (Haddad / حداد)" in text
    assert explanation.label == Label.LIKELY


def test_two_arabic_letters_are_not_read_as_one_latin_sound() -> None:
    # طحان is t, h, n: "th" here is two letters, not the one sound of Thamer (ثامر).
    explanation = pair_explanation(
        PersonRecord("a", "Ali", "Tahan", sex="m", date_of_birth=date(1968, 2, 3)),
        PersonRecord("b", "علي", "طحان", sex="m", date_of_birth=date(1968, 2, 3)),
    )
    assert "family names agree after transliteration (Tahan / طحان)" in words_of(explanation)
    assert explanation.label == Label.LIKELY


def test_akobirow_is_a_spelling_of_akobirov() -> None:
    explanation = pair_explanation(
        PersonRecord("a", "Rustam", "Akobirow", sex="m", date_of_birth=date(1985, 2, 2)),
        PersonRecord("b", full_name="Rustam Akobirov", sex="m", date_of_birth=date(1985, 2, 2)),
    )
    assert "family names are spellings of one name (Akobirow / Akobirov)" in words_of(explanation)
    assert explanation.label == Label.LIKELY


def test_day_month_swap_is_explained() -> None:
    explanation = pair_explanation(
        PersonRecord("a", "Olena", "Kovalenko", sex="f", date_of_birth=date(1990, 3, 4)),
        PersonRecord("b", "Olena", "Kovalenko", sex="f", date_of_birth=date(1990, 4, 3)),
    )
    assert "day and month of birth swapped" in words_of(explanation)
    assert explanation.label == Label.LIKELY


def test_swapped_given_and_family_names_are_explained() -> None:
    explanation = pair_explanation(
        PersonRecord("a", "Olena", "Kovalenko", sex="f", date_of_birth=date(1990, 3, 4)),
        PersonRecord("b", "Kovalenko", "Олена", sex="f", date_of_birth=date(1990, 3, 4)),
    )
    assert "given and family names swapped" in words_of(explanation)
    assert explanation.label == Label.LIKELY


def test_same_phone_ending_is_explained() -> None:
    explanation = pair_explanation(
        PersonRecord("a", "Hassan", "Jama", sex="m", age_years=40, phone="+252 61 555 1234"),
        PersonRecord("b", "Hassan", "Jama", sex="m", age_years=41, phone="62 555 1234"),
    )
    text = words_of(explanation)
    assert "same phone ending (…1234)" in text
    assert "ages agree (aged 40 / aged 41)" in text


def test_phone_written_differently_is_the_same_number() -> None:
    explanation = pair_explanation(
        PersonRecord("a", "Ivan", "Melnyk", phone="+380 50 123 4567"),
        PersonRecord("b", "Ivan", "Melnyk", phone="0501234567"),
    )
    assert "same phone number" in words_of(explanation)


def test_different_people_sharing_a_surname_are_not_proposed() -> None:
    explanation = pair_explanation(
        PersonRecord("a", "Fatima", "Haddad", sex="f", date_of_birth=date(1970, 5, 5)),
        PersonRecord("b", "Muhammad", "Haddad", sex="m", date_of_birth=date(2001, 9, 30)),
    )
    assert explanation.label is None
    assert "given names differ (Fatima / Muhammad)" in words_of(explanation)


def test_a_scan_finds_the_duplicate_and_skips_a_rejected_pair() -> None:
    first = PersonRecord("a", "Mohamed", "Yusuf", sex="m", date_of_birth=date(1990, 1, 2))
    second = PersonRecord("b", "Muhammad", "Yousef", sex="m", date_of_birth=date(1990, 1, 2))
    registry = Registry([*CROWD, first, second], SETTINGS)
    assert [(p.record_id_a, p.record_id_b) for p in registry.scan().likely()] == [("a", "b")]
    assert registry.scan(exclude=[("b", "a")]).pairs == ()


def test_matching_one_record_ranks_the_registry_and_explains() -> None:
    registry = Registry(CROWD, SETTINGS)
    sought = replace(CROWD[9], record_id="request-1", given_name="Омар")
    candidates = registry.match(sought, limit=3)
    assert candidates[0].record_id_b == CROWD[9].record_id
    assert candidates[0].label == Label.LIKELY
    assert "given names agree after transliteration (Омар / Omar)" in candidates[0].summary()
    assert registry.match(sought, exclude=[CROWD[9].record_id])[:1] != candidates[:1]


def test_linking_two_lists_pairs_across_them_only() -> None:
    requests = [
        PersonRecord("r1", "Bilal", "Khoury", sex="m", date_of_birth=CROWD[44].date_of_birth)
    ]
    result = link(requests, CROWD, SETTINGS)
    assert {(p.record_id_a, p.record_id_b) for p in result.likely()} == {
        ("r1", CROWD[44].record_id)
    }


def test_a_model_round_trips_through_plain_data() -> None:
    model = Registry(CROWD, SETTINGS).model
    assert MatchModel.from_dict(model.to_dict(), SETTINGS) == model


def test_bad_input_names_the_thing_and_the_value() -> None:
    with pytest.raises(PlanningInputError, match="sex 'q' of record z"):
        Registry([PersonRecord("z", "Ali", sex="q")], SETTINGS)
    with pytest.raises(PlanningInputError, match="record id 'z' appears twice"):
        Registry([PersonRecord("z", "Ali"), PersonRecord("z", "Omar")], SETTINGS)
    with pytest.raises(PlanningInputError, match=r"likely threshold 1\.5"):
        MatchSettings(reference_date=TODAY, likely_threshold=1.5)


def test_name_variant_groups_do_not_contradict_each_other() -> None:
    variants = normalise.default_variants()
    assert variants.conflicts == []
    assert variants.same_group("mohamed", "muhammad")
    assert variants.same_group("yousef", "joseph")


# --- properties -------------------------------------------------------------------------

REGISTRY = Registry(CROWD, SETTINGS)
LATIN_AND_NATIVE = [
    ("Muhammad", "محمد"),
    ("Fatima", "فاطمة"),
    ("Yusuf", "يوسف"),
    ("Haddad", "حداد"),
    ("Ibrahim", "إبراهيم"),
    ("Khalid", "خالد"),
    ("Olena", "Олена"),
    ("Mykola", "Микола"),
    ("Kovalenko", "Коваленко"),
    ("Akobirov", "Акобиров"),
    ("Zainab", "زينب"),
    ("Omar", "عمر"),
]
names = st.sampled_from([latin for latin, _ in LATIN_AND_NATIVE] + ["Amina", "Taras", "Hodan"])
records = st.builds(
    PersonRecord,
    record_id=st.just("x"),
    given_name=names,
    family_name=names,
    sex=st.sampled_from(["f", "m", ""]),
    date_of_birth=st.dates(date(1930, 1, 1), date(2023, 12, 31)),
    phone=st.sampled_from(["", "+963 99 123 4567", "0501234567"]),
)
quick = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _weight(first: PersonRecord, second: PersonRecord) -> float:
    registry = Registry([first, replace(second, record_id="y")], SETTINGS, model=REGISTRY.model)
    return registry.explain(first.record_id, "y").match_weight


@quick
@given(records, records)
def test_scores_are_symmetric(first: PersonRecord, second: PersonRecord) -> None:
    assert _weight(first, second) == pytest.approx(_weight(second, first), abs=1e-9)


@quick
@given(records, records)
def test_a_record_matches_itself_better_than_anyone_else(
    first: PersonRecord, other: PersonRecord
) -> None:
    assert _weight(first, first) >= _weight(first, other) - 1e-9
    # Described in full (names, sex, date of birth, phone), a record is its own likely match.
    described = replace(first, sex=first.sex or "f", phone=first.phone or "+963 99 123 4567")
    itself = Registry(
        [described, replace(described, record_id="y")], SETTINGS, model=REGISTRY.model
    )
    assert itself.explain("x", "y").label == Label.LIKELY


@quick
@given(st.sampled_from(LATIN_AND_NATIVE), records)
def test_a_name_and_its_own_script_form_agree(
    names_pair: tuple[str, str], record: PersonRecord
) -> None:
    latin, native = names_pair
    first = replace(record, given_name=latin)
    second = replace(record, record_id="y", given_name=native)
    explanation = Registry([first, second], SETTINGS, model=REGISTRY.model).explain("x", "y")
    given_evidence = next(item for item in explanation.evidence if item.field == "given_name")
    assert given_evidence.level in {"exact", "variant"}
    assert given_evidence.weight > 0

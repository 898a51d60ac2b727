"""Mass-casualty triage: every branch of START, JumpSTART and SALT, the RTS, the walker."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.planning.errors import PlanningInputError
from haven.planning.triage import (
    AGE_RANGE,
    PULSE_RATE_RANGE,
    Algorithm,
    Answer,
    AvpuResponse,
    GlobalSort,
    JumpStartObservations,
    Observations,
    Question,
    SaltObservations,
    StartObservations,
    TriageCategory,
    TriageResult,
    algorithm_for_age,
    answers_to_observations,
    coded_gcs,
    coded_respiratory_rate,
    coded_systolic_bp,
    jumpstart,
    next_step,
    observations_to_answers,
    questions,
    revised_trauma_score,
    revised_trauma_score_from_codes,
    salt,
    start,
    triage,
)

PROPERTY = settings(max_examples=150, deadline=None)

# A breathing adult who is neither walking nor in any START red sign.
STABLE_ADULT = StartObservations(
    walking=False, breathing=True, respiratory_rate=18, radial_pulse=True, obeys_commands=True
)
# A breathing child within every JumpSTART limit.
STABLE_CHILD = JumpStartObservations(
    walking=False,
    breathing=True,
    respiratory_rate=30,
    peripheral_pulse=True,
    avpu=AvpuResponse.ALERT,
)
# A SALT casualty passing every individual check.
SALT_NO_LIFE_THREAT = SaltObservations(
    global_sort=GlobalSort.STILL,
    breathing=True,
    obeys_commands_or_moves_purposefully=True,
    peripheral_pulse=True,
    respiratory_distress=False,
    uncontrolled_major_haemorrhage=False,
    minor_injuries_only=False,
)


# --- START ------------------------------------------------------------------------------


def test_start_walking_patient_is_green() -> None:
    result = start(StartObservations(walking=True))
    assert result.category is TriageCategory.GREEN
    assert result.reasons == ("walks",)


def test_start_breathes_only_after_airway_opened_is_red() -> None:
    result = start(
        StartObservations(walking=False, breathing=False, breathes_after_airway_opened=True)
    )
    assert result.category is TriageCategory.RED
    assert result.reasons[-1] == "breathes after airway opened"


def test_start_apnoeic_after_airway_is_black() -> None:
    result = start(
        StartObservations(walking=False, breathing=False, breathes_after_airway_opened=False)
    )
    assert result.category is TriageCategory.BLACK
    assert result.reasons[-1] == "still not breathing after airway opened"


def test_start_respiratory_rate_over_30_is_red() -> None:
    result = start(replace(STABLE_ADULT, respiratory_rate=34))
    assert result.category is TriageCategory.RED
    assert "respiratory rate 34/min > 30" in result.reasons


def test_start_respiratory_rate_of_30_goes_on_to_perfusion() -> None:
    result = start(replace(STABLE_ADULT, respiratory_rate=30))
    assert result.category is TriageCategory.YELLOW
    assert "respiratory rate 30/min ≤ 30" in result.reasons


def test_start_no_radial_pulse_is_red() -> None:
    result = start(replace(STABLE_ADULT, radial_pulse=False))
    assert result.category is TriageCategory.RED
    assert result.reasons[-1] == "no radial pulse"


def test_start_capillary_refill_over_2_seconds_is_red() -> None:
    result = start(replace(STABLE_ADULT, capillary_refill_s=3))
    assert result.category is TriageCategory.RED
    assert result.reasons[-1] == "capillary refill 3 s > 2 s"


def test_start_capillary_refill_of_2_seconds_is_enough_without_a_pulse_check() -> None:
    result = start(
        StartObservations(
            walking=False,
            breathing=True,
            respiratory_rate=18,
            capillary_refill_s=2,
            obeys_commands=True,
        )
    )
    assert result.category is TriageCategory.YELLOW
    assert "capillary refill 2 s ≤ 2 s" in result.reasons


def test_start_not_obeying_simple_commands_is_red() -> None:
    result = start(replace(STABLE_ADULT, obeys_commands=False))
    assert result.category is TriageCategory.RED
    assert result.reasons[-1] == "does not obey simple commands"


def test_start_obeying_simple_commands_is_yellow() -> None:
    result = start(STABLE_ADULT)
    assert result.category is TriageCategory.YELLOW
    assert result.reasons == (
        "does not walk",
        "respiratory rate 18/min ≤ 30",
        "radial pulse present",
        "obeys simple commands",
    )


def test_start_missing_observation_on_the_branch_reached_is_named() -> None:
    with pytest.raises(PlanningInputError, match="START needs respiratory_rate"):
        start(StartObservations(walking=False, breathing=True))


def test_start_needs_radial_pulse_or_capillary_refill() -> None:
    with pytest.raises(PlanningInputError, match="START needs radial_pulse"):
        start(StartObservations(walking=False, breathing=True, respiratory_rate=18))


def test_start_observations_off_the_branch_are_not_needed() -> None:
    assert start(StartObservations(walking=True, breathing=None)).category is (TriageCategory.GREEN)


def test_breathing_patient_with_zero_respiratory_rate_is_a_contradiction() -> None:
    with pytest.raises(PlanningInputError, match="respiratory rate 0/min contradicts"):
        start(replace(STABLE_ADULT, respiratory_rate=0))


# --- JumpSTART --------------------------------------------------------------------------


def apnoeic_child(
    *,
    breathes_after_airway_positioned: bool,
    peripheral_pulse: bool | None = None,
    breathes_after_rescue_breaths: bool | None = None,
) -> JumpStartObservations:
    return JumpStartObservations(
        walking=False,
        breathing=False,
        breathes_after_airway_positioned=breathes_after_airway_positioned,
        peripheral_pulse=peripheral_pulse,
        breathes_after_rescue_breaths=breathes_after_rescue_breaths,
    )


def test_jumpstart_walking_child_is_green() -> None:
    assert jumpstart(JumpStartObservations(walking=True)).category is TriageCategory.GREEN


def test_jumpstart_apnoeic_breathes_after_airway_positioned_is_red() -> None:
    result = jumpstart(apnoeic_child(breathes_after_airway_positioned=True))
    assert result.category is TriageCategory.RED
    assert result.reasons[-1] == "breathes after airway positioned"


def test_jumpstart_apnoeic_without_pulse_is_black() -> None:
    result = jumpstart(
        apnoeic_child(breathes_after_airway_positioned=False, peripheral_pulse=False)
    )
    assert result.category is TriageCategory.BLACK
    assert result.reasons[-1] == "no palpable pulse"


def test_jumpstart_apnoeic_with_pulse_breathes_after_rescue_breaths_is_red() -> None:
    result = jumpstart(
        apnoeic_child(
            breathes_after_airway_positioned=False,
            peripheral_pulse=True,
            breathes_after_rescue_breaths=True,
        )
    )
    assert result.category is TriageCategory.RED
    assert result.reasons[-1] == "breathes after 5 rescue breaths"


def test_jumpstart_apnoeic_with_pulse_still_apnoeic_after_rescue_breaths_is_black() -> None:
    result = jumpstart(
        apnoeic_child(
            breathes_after_airway_positioned=False,
            peripheral_pulse=True,
            breathes_after_rescue_breaths=False,
        )
    )
    assert result.category is TriageCategory.BLACK
    assert result.reasons[-1] == "still apnoeic after 5 rescue breaths"


def test_jumpstart_respiratory_rate_under_15_is_red() -> None:
    result = jumpstart(replace(STABLE_CHILD, respiratory_rate=14))
    assert result.category is TriageCategory.RED
    assert result.reasons[-1] == "respiratory rate 14/min < 15"


def test_jumpstart_respiratory_rate_over_45_is_red() -> None:
    result = jumpstart(replace(STABLE_CHILD, respiratory_rate=46))
    assert result.category is TriageCategory.RED
    assert result.reasons[-1] == "respiratory rate 46/min > 45"


@pytest.mark.parametrize("rate", [15, 45])
def test_jumpstart_respiratory_rate_limits_15_and_45_are_within_range(rate: int) -> None:
    result = jumpstart(replace(STABLE_CHILD, respiratory_rate=rate))
    assert result.category is TriageCategory.YELLOW


def test_jumpstart_no_palpable_peripheral_pulse_is_red() -> None:
    result = jumpstart(replace(STABLE_CHILD, peripheral_pulse=False))
    assert result.category is TriageCategory.RED
    assert result.reasons[-1] == "no palpable peripheral pulse"


def test_jumpstart_inappropriate_response_to_pain_or_posturing_is_red() -> None:
    child = replace(STABLE_CHILD, avpu=AvpuResponse.PAIN_INAPPROPRIATE_OR_POSTURING)
    assert jumpstart(child).category is TriageCategory.RED


def test_jumpstart_unresponsive_is_red() -> None:
    child = replace(STABLE_CHILD, avpu=AvpuResponse.UNRESPONSIVE)
    assert jumpstart(child).category is TriageCategory.RED


@pytest.mark.parametrize(
    "avpu", [AvpuResponse.ALERT, AvpuResponse.VOICE, AvpuResponse.PAIN_APPROPRIATE]
)
def test_jumpstart_alert_voice_or_appropriate_pain_response_is_yellow(
    avpu: AvpuResponse,
) -> None:
    result = jumpstart(replace(STABLE_CHILD, avpu=avpu))
    assert result.category is TriageCategory.YELLOW


def test_jumpstart_missing_pulse_check_in_apnoeic_child_is_named() -> None:
    with pytest.raises(PlanningInputError, match="JumpSTART needs peripheral_pulse"):
        jumpstart(apnoeic_child(breathes_after_airway_positioned=False))


# --- SALT -------------------------------------------------------------------------------


def test_salt_not_breathing_after_airway_opened_is_dead() -> None:
    result = salt(
        SaltObservations(
            global_sort=GlobalSort.STILL, breathing=False, breathes_after_airway_opened=False
        )
    )
    assert result.category is TriageCategory.DEAD
    assert result.reasons[-1] == "still not breathing after airway opened"


def test_salt_breathing_after_airway_opened_goes_on_to_assessment() -> None:
    casualty = replace(SALT_NO_LIFE_THREAT, breathing=False, breathes_after_airway_opened=True)
    result = salt(casualty)
    assert result.category is TriageCategory.DELAYED
    assert "breathes after airway opened" in result.reasons


def test_salt_not_obeying_commands_and_likely_to_survive_is_immediate() -> None:
    casualty = replace(
        SALT_NO_LIFE_THREAT,
        obeys_commands_or_moves_purposefully=False,
        likely_to_survive_with_current_resources=True,
    )
    result = salt(casualty)
    assert result.category is TriageCategory.IMMEDIATE
    assert "does not obey commands or move purposefully" in result.reasons


def test_salt_no_peripheral_pulse_and_likely_to_survive_is_immediate() -> None:
    casualty = replace(
        SALT_NO_LIFE_THREAT, peripheral_pulse=False, likely_to_survive_with_current_resources=True
    )
    result = salt(casualty)
    assert result.category is TriageCategory.IMMEDIATE
    assert "no peripheral pulse" in result.reasons


def test_salt_respiratory_distress_and_likely_to_survive_is_immediate() -> None:
    casualty = replace(
        SALT_NO_LIFE_THREAT,
        respiratory_distress=True,
        likely_to_survive_with_current_resources=True,
    )
    result = salt(casualty)
    assert result.category is TriageCategory.IMMEDIATE
    assert "in respiratory distress" in result.reasons


def test_salt_uncontrolled_haemorrhage_and_likely_to_survive_is_immediate() -> None:
    casualty = replace(
        SALT_NO_LIFE_THREAT,
        uncontrolled_major_haemorrhage=True,
        likely_to_survive_with_current_resources=True,
    )
    result = salt(casualty)
    assert result.category is TriageCategory.IMMEDIATE
    assert "major haemorrhage not controlled" in result.reasons


def test_salt_failed_check_and_unlikely_to_survive_is_expectant() -> None:
    casualty = replace(
        SALT_NO_LIFE_THREAT,
        respiratory_distress=True,
        likely_to_survive_with_current_resources=False,
    )
    result = salt(casualty)
    assert result.category is TriageCategory.EXPECTANT
    assert result.reasons[-1] == "unlikely to survive with current resources"


def test_salt_all_checks_passed_and_minor_injuries_only_is_minimal() -> None:
    result = salt(replace(SALT_NO_LIFE_THREAT, minor_injuries_only=True))
    assert result.category is TriageCategory.MINIMAL


def test_salt_all_checks_passed_and_more_than_minor_injuries_is_delayed() -> None:
    result = salt(SALT_NO_LIFE_THREAT)
    assert result.category is TriageCategory.DELAYED
    assert result.reasons[-1] == "more than minor injuries"


def test_salt_walker_with_uncontrolled_haemorrhage_can_be_immediate() -> None:
    casualty = replace(
        SALT_NO_LIFE_THREAT,
        global_sort=GlobalSort.WALKS,
        uncontrolled_major_haemorrhage=True,
        likely_to_survive_with_current_resources=True,
    )
    assert salt(casualty).category is TriageCategory.IMMEDIATE


def test_salt_checks_after_the_first_failed_one_are_not_needed() -> None:
    casualty = SaltObservations(
        global_sort=GlobalSort.STILL,
        breathing=True,
        obeys_commands_or_moves_purposefully=False,
        likely_to_survive_with_current_resources=True,
    )
    assert salt(casualty).category is TriageCategory.IMMEDIATE


def test_salt_global_sort_is_the_first_step() -> None:
    with pytest.raises(PlanningInputError, match="SALT needs global_sort"):
        salt(SaltObservations(breathing=True))


def test_triage_dispatches_on_the_observations_type() -> None:
    assert triage(STABLE_ADULT).algorithm is Algorithm.START
    assert triage(STABLE_CHILD).algorithm is Algorithm.JUMPSTART
    assert triage(SALT_NO_LIFE_THREAT).algorithm is Algorithm.SALT


# --- Categories -------------------------------------------------------------------------


def test_categories_sort_immediate_first_and_dead_last() -> None:
    queue = sorted(TriageCategory, key=lambda category: category.priority)
    assert [category.priority for category in queue] == [1, 1, 2, 2, 3, 3, 4, 5, 5]
    assert TriageCategory.RED.priority == TriageCategory.IMMEDIATE.priority == 1
    assert TriageCategory.YELLOW.priority == TriageCategory.DELAYED.priority == 2
    assert TriageCategory.GREEN.priority == TriageCategory.MINIMAL.priority == 3
    assert TriageCategory.EXPECTANT.priority == 4
    assert TriageCategory.BLACK.priority == TriageCategory.DEAD.priority == 5


def test_every_category_has_a_css_colour_and_a_label() -> None:
    for category in TriageCategory:
        assert re.fullmatch(r"#[0-9a-f]{6}", category.colour)
        assert category.label
    assert TriageCategory.IMMEDIATE.label == "Immediate (red)"
    assert TriageCategory.IMMEDIATE.colour == TriageCategory.RED.colour


# --- Revised Trauma Score ---------------------------------------------------------------


def test_rts_of_a_normal_adult_is_7_8408() -> None:
    assert revised_trauma_score(15, 120, 18) == 7.8408


def test_rts_of_the_worst_values_is_zero() -> None:
    assert revised_trauma_score(3, 0, 0) == 0.0


def test_rts_weights_each_coded_value() -> None:
    assert revised_trauma_score_from_codes(1, 0, 0) == 0.9368
    assert revised_trauma_score_from_codes(0, 1, 0) == 0.7326
    assert revised_trauma_score_from_codes(0, 0, 1) == 0.2908


@pytest.mark.parametrize(
    ("gcs", "code"),
    [(15, 4), (13, 4), (12, 3), (9, 3), (8, 2), (6, 2), (5, 1), (4, 1), (3, 0)],
)
def test_gcs_coding_boundaries(gcs: int, code: int) -> None:
    assert coded_gcs(gcs) == code


@pytest.mark.parametrize(
    ("systolic_bp", "code"),
    [(300, 4), (90, 4), (89, 3), (76, 3), (75, 2), (50, 2), (49, 1), (1, 1), (0, 0)],
)
def test_systolic_bp_coding_boundaries(systolic_bp: float, code: int) -> None:
    assert coded_systolic_bp(systolic_bp) == code


@pytest.mark.parametrize(
    ("respiratory_rate", "code"),
    [(80, 3), (30, 3), (29, 4), (10, 4), (9, 2), (6, 2), (5, 1), (1, 1), (0, 0)],
)
def test_respiratory_rate_coding_boundaries(respiratory_rate: float, code: int) -> None:
    assert coded_respiratory_rate(respiratory_rate) == code


def test_gcs_must_be_a_whole_number() -> None:
    with pytest.raises(PlanningInputError, match=r"^Glasgow Coma Scale 12\.5 is not a whole"):
        coded_gcs(12.5)  # type: ignore[arg-type]


def test_coded_values_outside_0_to_4_are_refused() -> None:
    with pytest.raises(PlanningInputError, match="coded systolic blood pressure 5 is not"):
        revised_trauma_score_from_codes(4, 5, 4)


# --- Validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: StartObservations(respiratory_rate=400),
            "respiratory rate 400/min is implausible (0–80)",
        ),
        (
            lambda: JumpStartObservations(respiratory_rate=-1),
            "respiratory rate -1/min is implausible (0–80)",
        ),
        (
            lambda: StartObservations(capillary_refill_s=12),
            "capillary refill 12 s is implausible (0–10)",
        ),
        (lambda: coded_gcs(2), "Glasgow Coma Scale 2 is implausible (3–15)"),
        (lambda: coded_gcs(16), "Glasgow Coma Scale 16 is implausible (3–15)"),
        (
            lambda: revised_trauma_score(15, -5, 18),
            "systolic blood pressure -5 mmHg is implausible (0–300)",
        ),
        (
            lambda: revised_trauma_score(15, 120, 81),
            "respiratory rate 81/min is implausible (0–80)",
        ),
        (lambda: PULSE_RATE_RANGE.check(300), "pulse rate 300/min is implausible (0–250)"),
        (lambda: algorithm_for_age(130), "age 130 years is implausible (0–120)"),
        (lambda: AGE_RANGE.check(-1), "age -1 years is implausible (0–120)"),
    ],
)
def test_implausible_values_are_refused_naming_field_and_value(
    make: Callable[[], object], message: str
) -> None:
    with pytest.raises(PlanningInputError) as error:
        make()
    assert str(error.value) == message


def test_not_a_number_is_implausible() -> None:
    with pytest.raises(PlanningInputError, match="respiratory rate nan/min is implausible"):
        StartObservations(respiratory_rate=float("nan"))


def test_a_bool_is_not_a_measurement() -> None:
    with pytest.raises(PlanningInputError, match="pulse rate True is not a number"):
        PULSE_RATE_RANGE.check(True)


# --- Algorithm by age -------------------------------------------------------------------


def test_child_under_8_gets_jumpstart() -> None:
    assert algorithm_for_age(7.9) is Algorithm.JUMPSTART
    assert algorithm_for_age(0) is Algorithm.JUMPSTART


def test_eight_year_old_gets_start() -> None:
    assert algorithm_for_age(8) is Algorithm.START


def test_unknown_age_gets_start() -> None:
    assert algorithm_for_age(None) is Algorithm.START


def test_child_age_limit_can_be_set() -> None:
    assert algorithm_for_age(9, child_under_years=12) is Algorithm.JUMPSTART


# --- The walker -------------------------------------------------------------------------


def test_walker_starts_by_asking_whether_the_patient_walks() -> None:
    question = next_step(Algorithm.START, {})
    assert isinstance(question, Question)
    assert (question.key, question.prompt, question.kind) == (
        "walking",
        "Can the patient walk?",
        "yes_no",
    )


def test_walker_asks_salt_global_sort_as_a_choice() -> None:
    question = next_step(Algorithm.SALT, {})
    assert isinstance(question, Question)
    assert question.key == "global_sort"
    assert [value for value, _label in question.choices] == ["walks", "waves", "still"]


def test_walker_walks_an_adult_to_yellow() -> None:
    answers: dict[str, Answer] = {}
    asked = []
    for answer in ["no", "yes", "18", "yes", "yes"]:
        question = next_step(Algorithm.START, answers)
        assert isinstance(question, Question)
        asked.append(question.key)
        answers[question.key] = answer
    assert asked == ["walking", "breathing", "respiratory_rate", "radial_pulse", "obeys_commands"]
    result = next_step(Algorithm.START, answers)
    assert isinstance(result, TriageResult)
    assert result == start(STABLE_ADULT)


def test_walker_number_question_carries_unit_and_limits() -> None:
    question = next_step(Algorithm.START, {"walking": False, "breathing": True})
    assert isinstance(question, Question)
    assert (question.key, question.kind, question.unit) == ("respiratory_rate", "number", "/min")
    assert (question.minimum, question.maximum) == (1, 80)


def test_walker_asks_avpu_with_five_choices() -> None:
    answers: dict[str, Answer] = {
        "walking": "no",
        "breathing": "yes",
        "respiratory_rate": 30,
        "peripheral_pulse": "yes",
    }
    question = next_step(Algorithm.JUMPSTART, answers)
    assert isinstance(question, Question)
    assert question.key == "avpu"
    assert question.kind == "choice"
    assert [value for value, _label in question.choices] == [
        member.value for member in AvpuResponse
    ]
    result = next_step(Algorithm.JUMPSTART, answers | {"avpu": "unresponsive"})
    assert isinstance(result, TriageResult)
    assert result.category is TriageCategory.RED


def test_walker_reads_a_decimal_comma() -> None:
    observations = answers_to_observations(Algorithm.START, {"capillary_refill_s": "2,5"})
    assert observations == StartObservations(capillary_refill_s=2.5)


def test_walker_refuses_an_unknown_question() -> None:
    with pytest.raises(PlanningInputError, match="START has no question 'avpu'"):
        next_step(Algorithm.START, {"avpu": "alert"})


def test_walker_refuses_an_answer_that_is_not_yes_or_no() -> None:
    with pytest.raises(PlanningInputError, match="answer 'maybe' to walking is not yes or no"):
        next_step(Algorithm.START, {"walking": "maybe"})


def test_walker_refuses_an_implausible_number() -> None:
    with pytest.raises(PlanningInputError, match=r"respiratory rate 400/min is implausible"):
        next_step(Algorithm.START, {"walking": "no", "breathing": "yes", "respiratory_rate": 400})


def test_walker_refuses_an_unknown_choice() -> None:
    with pytest.raises(PlanningInputError, match="answer 'X' to avpu is not one of alert"):
        next_step(Algorithm.JUMPSTART, {"avpu": "X"})


def test_every_question_key_is_an_observation_field() -> None:
    for algorithm, observation_type in [
        (Algorithm.START, StartObservations),
        (Algorithm.JUMPSTART, JumpStartObservations),
        (Algorithm.SALT, SaltObservations),
    ]:
        keys = [question.key for question in questions(algorithm)]
        assert keys == [field.name for field in fields(observation_type)]


# --- Properties -------------------------------------------------------------------------


def maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.none() | strategy


# The algorithms' thresholds, so that every rate branch is reached often.
respiratory_rates = (
    st.sampled_from([1, 14, 15, 29, 30, 31, 45, 46]) | st.integers(0, 80) | st.floats(0, 80)
)
capillary_refills = st.integers(0, 10) | st.floats(0, 10)


def start_observations(complete: bool = False) -> st.SearchStrategy[StartObservations]:
    wrap = (lambda strategy: strategy) if complete else maybe
    return st.builds(
        StartObservations,
        walking=wrap(st.booleans()),
        breathing=wrap(st.booleans()),
        breathes_after_airway_opened=wrap(st.booleans()),
        respiratory_rate=wrap(respiratory_rates),
        radial_pulse=wrap(st.booleans()),
        # The walker asks for the radial pulse only; capillary refill is an alternative the
        # caller may supply up-front, so complete observations leave it out.
        capillary_refill_s=st.none() if complete else maybe(capillary_refills),
        obeys_commands=wrap(st.booleans()),
    )


def jumpstart_observations(complete: bool = False) -> st.SearchStrategy[JumpStartObservations]:
    wrap = (lambda strategy: strategy) if complete else maybe
    return st.builds(
        JumpStartObservations,
        walking=wrap(st.booleans()),
        breathing=wrap(st.booleans()),
        breathes_after_airway_positioned=wrap(st.booleans()),
        peripheral_pulse=wrap(st.booleans()),
        breathes_after_rescue_breaths=wrap(st.booleans()),
        respiratory_rate=wrap(respiratory_rates),
        avpu=wrap(st.sampled_from(AvpuResponse)),
    )


def salt_observations(
    complete: bool = False, global_sort: st.SearchStrategy[GlobalSort] | None = None
) -> st.SearchStrategy[SaltObservations]:
    wrap = (lambda strategy: strategy) if complete else maybe
    return st.builds(
        SaltObservations,
        global_sort=wrap(st.sampled_from(GlobalSort)) if global_sort is None else global_sort,
        breathing=wrap(st.booleans()),
        breathes_after_airway_opened=wrap(st.booleans()),
        obeys_commands_or_moves_purposefully=wrap(st.booleans()),
        peripheral_pulse=wrap(st.booleans()),
        respiratory_distress=wrap(st.booleans()),
        uncontrolled_major_haemorrhage=wrap(st.booleans()),
        likely_to_survive_with_current_resources=wrap(st.booleans()),
        minor_injuries_only=wrap(st.booleans()),
    )


def any_observations(complete: bool = False) -> st.SearchStrategy[Observations]:
    return (
        start_observations(complete)
        | jumpstart_observations(complete)
        | salt_observations(complete)
    )


def as_typed_answers(answers: dict[str, Answer]) -> st.SearchStrategy[dict[str, Answer]]:
    """The same answers, each either as a value or as the string a web form would send."""

    def spelled(value: Answer) -> st.SearchStrategy[Answer]:
        if isinstance(value, bool):
            return st.sampled_from([value, "yes" if value else "no"])
        if isinstance(value, int | float):
            return st.sampled_from([value, repr(value)])
        return st.just(value)

    return st.fixed_dictionaries({key: spelled(value) for key, value in answers.items()})


def outcome(run: Callable[[], TriageResult]) -> TriageResult | str:
    try:
        return run()
    except PlanningInputError as error:
        return str(error)


@PROPERTY
@given(start_observations().map(lambda obs: replace(obs, walking=True)))
def test_walking_adult_is_always_green(observations: StartObservations) -> None:
    assert start(observations).category is TriageCategory.GREEN


@PROPERTY
@given(jumpstart_observations().map(lambda obs: replace(obs, walking=True)))
def test_walking_child_is_always_green(observations: JumpStartObservations) -> None:
    assert jumpstart(observations).category is TriageCategory.GREEN


@PROPERTY
@given(start_observations(complete=True) | jumpstart_observations(complete=True))
def test_green_is_the_least_urgent_category_a_living_patient_gets(
    observations: StartObservations | JumpStartObservations,
) -> None:
    result = outcome(lambda: triage(observations))
    if isinstance(result, TriageResult) and result.category is not TriageCategory.BLACK:
        assert result.category.priority <= TriageCategory.GREEN.priority


# In SALT walkers are not tagged by walking: the global sort only orders assessment, and a
# walker with a life threat (say, a bleeding limb) must still be able to reach IMMEDIATE.
# The properties are therefore: the global sort never changes the category; a casualty
# with no life threat (breathing, obeys commands, peripheral pulse, no respiratory
# distress, no uncontrolled haemorrhage), walkers included, is MINIMAL or DELAYED; and
# IMMEDIATE is only ever reached through a life threat.


@PROPERTY
@given(salt_observations(complete=True), st.sampled_from(GlobalSort))
def test_salt_global_sort_never_changes_the_category(
    observations: SaltObservations, global_sort: GlobalSort
) -> None:
    resorted = replace(observations, global_sort=global_sort)
    assert salt(resorted).category is salt(observations).category


@PROPERTY
@given(salt_observations(complete=True, global_sort=st.just(GlobalSort.WALKS)))
def test_salt_walker_without_life_threat_is_minimal_or_delayed(
    observations: SaltObservations,
) -> None:
    walker = replace(
        observations,
        breathing=True,
        obeys_commands_or_moves_purposefully=True,
        peripheral_pulse=True,
        respiratory_distress=False,
        uncontrolled_major_haemorrhage=False,
    )
    category = salt(walker).category
    assert category in (TriageCategory.MINIMAL, TriageCategory.DELAYED)


@PROPERTY
@given(salt_observations(complete=True))
def test_salt_immediate_only_through_a_life_threat(observations: SaltObservations) -> None:
    if salt(observations).category is TriageCategory.IMMEDIATE:
        assert (
            not observations.obeys_commands_or_moves_purposefully
            or not observations.peripheral_pulse
            or observations.respiratory_distress
            or observations.uncontrolled_major_haemorrhage
        )


codes = st.integers(0, 4)


@PROPERTY
@given(codes, codes, codes, st.integers(0, 2))
def test_rts_is_non_decreasing_in_each_coded_value(
    gcs_code: int, systolic_bp_code: int, respiratory_rate_code: int, which: int
) -> None:
    raised = [gcs_code, systolic_bp_code, respiratory_rate_code]
    raised[which] = min(raised[which] + 1, 4)
    before = revised_trauma_score_from_codes(gcs_code, systolic_bp_code, respiratory_rate_code)
    assert revised_trauma_score_from_codes(*raised) >= before


@PROPERTY
@given(st.integers(3, 14), st.floats(0, 300), st.floats(0, 80))
def test_rts_is_non_decreasing_in_gcs(gcs: int, systolic_bp: float, rate: float) -> None:
    lower = revised_trauma_score(gcs, systolic_bp, rate)
    assert revised_trauma_score(gcs + 1, systolic_bp, rate) >= lower


@PROPERTY
@given(st.floats(0, 300), st.floats(0, 300))
def test_systolic_bp_coding_is_non_decreasing(low: float, high: float) -> None:
    low, high = sorted((low, high))
    assert coded_systolic_bp(low) <= coded_systolic_bp(high)


@PROPERTY
@given(any_observations(), st.data())
def test_walker_given_all_answers_at_once_agrees_with_the_direct_function(
    observations: Observations, data: st.DataObject
) -> None:
    algorithm = triage_algorithm(observations)
    answers = data.draw(as_typed_answers(observations_to_answers(observations)))
    try:
        direct = triage(observations)
    except PlanningInputError as error:
        # Either a missing observation, which the walker asks for, or a contradiction,
        # which the walker refuses with the same message.
        try:
            step = next_step(algorithm, answers)
        except PlanningInputError as walker_error:
            assert str(walker_error) == str(error)
        else:
            assert isinstance(step, Question)
            assert f"needs {step.key} " in str(error)
        return
    assert next_step(algorithm, answers) == direct


def answer_to(question: Question) -> st.SearchStrategy[Answer]:
    """An answer a clerk could tap or type for the question, in any accepted spelling."""
    if question.kind == "yes_no":
        return st.sampled_from([True, False, "yes", "no"])
    if question.kind == "choice":
        return st.sampled_from([value for value, _label in question.choices])
    assert question.minimum is not None
    assert question.maximum is not None
    numbers = st.integers(int(question.minimum), int(question.maximum)) | st.floats(
        question.minimum, question.maximum
    )
    return numbers | numbers.map(str)


@pytest.mark.parametrize("algorithm", list(Algorithm))
@PROPERTY
@given(data=st.data())
def test_walker_asking_one_question_at_a_time_agrees_with_the_direct_function(
    algorithm: Algorithm, data: st.DataObject
) -> None:
    answers: dict[str, Answer] = {}
    # No branch asks more questions than the algorithm has.
    for _ in range(len(questions(algorithm)) + 1):
        step = next_step(algorithm, answers)
        if isinstance(step, TriageResult):
            break
        assert step.key not in answers
        answers[step.key] = data.draw(answer_to(step), label=step.key)
    else:
        raise AssertionError(f"walker did not finish: {answers}")
    assert step == triage(answers_to_observations(algorithm, answers))


@PROPERTY
@given(any_observations())
def test_answers_round_trip_to_the_same_observations(observations: Observations) -> None:
    algorithm = triage_algorithm(observations)
    answers = observations_to_answers(observations)
    assert answers_to_observations(algorithm, answers) == observations


def triage_algorithm(observations: Observations) -> Algorithm:
    return {
        StartObservations: Algorithm.START,
        JumpStartObservations: Algorithm.JUMPSTART,
        SaltObservations: Algorithm.SALT,
    }[type(observations)]

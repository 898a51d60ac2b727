"""Mass-casualty triage: START, JumpSTART, SALT and the Revised Trauma Score.

Each algorithm's decision tree is written once (``_start_tree``, ``_jumpstart_tree``,
``_salt_tree``) and read two ways: ``start()``/``jumpstart()``/``salt()`` apply it to
recorded observations, and ``next_step()`` walks it one question at a time for a phone
screen. Both therefore reach the same category from the same answers, and the web layer
never re-implements the tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Literal, TypeAlias, TypeVar

from haven.planning.errors import PlanningInputError

Answer: TypeAlias = str | int | float | bool
"""One answer from the walker's form: "yes"/"no" or a bool, a number, or a choice value."""

QuestionKind: TypeAlias = Literal["yes_no", "number", "choice"]


class TriageCategory(StrEnum):
    """A triage category: the START/JumpSTART colours and the SALT categories.

    ``priority`` orders a treatment queue: lower is treated first.
    """

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    BLACK = "black"
    IMMEDIATE = "immediate"
    DELAYED = "delayed"
    MINIMAL = "minimal"
    EXPECTANT = "expectant"
    DEAD = "dead"

    @property
    def colour(self) -> str:
        """The tag colour as a CSS hex colour."""
        return _CATEGORY_PRESENTATION[self][0]

    @property
    def label(self) -> str:
        """A human label naming the category and its tag colour, e.g. "Immediate (red)"."""
        return _CATEGORY_PRESENTATION[self][1]

    @property
    def priority(self) -> int:
        """Treatment order: 1 immediate, 2 delayed, 3 minimal, 4 expectant, 5 dead."""
        return _CATEGORY_PRESENTATION[self][2]


_RED_HEX = "#c62828"
_YELLOW_HEX = "#f9a825"
_GREEN_HEX = "#2e7d32"
_GREY_HEX = "#757575"
_BLACK_HEX = "#000000"

_CATEGORY_PRESENTATION: dict[TriageCategory, tuple[str, str, int]] = {
    TriageCategory.RED: (_RED_HEX, "Immediate (red)", 1),
    TriageCategory.IMMEDIATE: (_RED_HEX, "Immediate (red)", 1),
    TriageCategory.YELLOW: (_YELLOW_HEX, "Delayed (yellow)", 2),
    TriageCategory.DELAYED: (_YELLOW_HEX, "Delayed (yellow)", 2),
    TriageCategory.GREEN: (_GREEN_HEX, "Minor (green)", 3),
    TriageCategory.MINIMAL: (_GREEN_HEX, "Minimal (green)", 3),
    TriageCategory.EXPECTANT: (_GREY_HEX, "Expectant (grey)", 4),
    TriageCategory.BLACK: (_BLACK_HEX, "Deceased or expectant (black)", 5),
    TriageCategory.DEAD: (_BLACK_HEX, "Dead (black)", 5),
}


class Algorithm(StrEnum):
    """A triage algorithm."""

    START = "start"
    JUMPSTART = "jumpstart"
    SALT = "salt"

    @property
    def label(self) -> str:
        """The algorithm's usual spelling: START, JumpSTART, SALT."""
        return {"start": "START", "jumpstart": "JumpSTART", "salt": "SALT"}[self.value]


class AvpuResponse(StrEnum):
    """A child's level of response on the AVPU scale, as JumpSTART grades it."""

    ALERT = "alert"
    VOICE = "voice"
    PAIN_APPROPRIATE = "pain_appropriate"
    PAIN_INAPPROPRIATE_OR_POSTURING = "pain_inappropriate_or_posturing"
    UNRESPONSIVE = "unresponsive"

    @property
    def label(self) -> str:
        """A short label for a button."""
        return _AVPU_LABELS[self]


_AVPU_LABELS: dict[AvpuResponse, str] = {
    AvpuResponse.ALERT: "A: alert",
    AvpuResponse.VOICE: "V: responds to voice",
    AvpuResponse.PAIN_APPROPRIATE: "P: localises or withdraws from pain",
    AvpuResponse.PAIN_INAPPROPRIATE_OR_POSTURING: "P: inappropriate to pain, or posturing",
    AvpuResponse.UNRESPONSIVE: "U: unresponsive",
}


class GlobalSort(StrEnum):
    """SALT's first step: how a casualty answers "walk here" and "wave if you can"."""

    WALKS = "walks"
    WAVES = "waves"
    STILL = "still"

    @property
    def label(self) -> str:
        """A short label for a button."""
        return _GLOBAL_SORT_LABELS[self]


_GLOBAL_SORT_LABELS: dict[GlobalSort, str] = {
    GlobalSort.WALKS: "Walks",
    GlobalSort.WAVES: "Waves or moves purposefully",
    GlobalSort.STILL: "Still, or obvious life threat",
}


@dataclass(frozen=True, slots=True)
class PlausibleRange:
    """The range a measurement must fall in to be believed, with its name and unit."""

    name: str
    unit: str
    minimum: float
    maximum: float
    whole_number: bool = False

    def check(self, value: float) -> float:
        """Return ``value`` as a float, or raise PlanningInputError naming it and its value."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PlanningInputError(f"{self.name} {value!r} is not a number")
        # Written so that NaN fails too: every comparison with NaN is false.
        if not self.minimum <= value <= self.maximum:
            raise PlanningInputError(
                f"{self.name} {self.show(value)} is implausible ({self.minimum:g}–{self.maximum:g})"
            )
        if self.whole_number and not float(value).is_integer():
            raise PlanningInputError(f"{self.name} {self.show(value)} is not a whole number")
        return float(value)

    def show(self, value: float) -> str:
        """Format ``value`` with its unit, as in "34/min", "3 s" or "-5 mmHg"."""
        if not self.unit:
            return f"{value:g}"
        separator = "" if self.unit.startswith("/") else " "
        return f"{value:g}{separator}{self.unit}"


RESPIRATORY_RATE_RANGE = PlausibleRange("respiratory rate", "/min", 0, 80)
PULSE_RATE_RANGE = PlausibleRange("pulse rate", "/min", 0, 250)
CAPILLARY_REFILL_RANGE = PlausibleRange("capillary refill", "s", 0, 10)
GLASGOW_COMA_SCALE_RANGE = PlausibleRange("Glasgow Coma Scale", "", 3, 15, whole_number=True)
SYSTOLIC_BLOOD_PRESSURE_RANGE = PlausibleRange("systolic blood pressure", "mmHg", 0, 300)
AGE_RANGE = PlausibleRange("age", "years", 0, 120)
_CODED_VALUE_RANGE = PlausibleRange("coded value", "", 0, 4, whole_number=True)


def _check_optional(plausible: PlausibleRange, value: float | None) -> None:
    if value is not None:
        plausible.check(value)


# --- Revised Trauma Score ---------------------------------------------------------------

_RTS_GCS_WEIGHT = 0.9368
_RTS_SYSTOLIC_BP_WEIGHT = 0.7326
_RTS_RESPIRATORY_RATE_WEIGHT = 0.2908


def coded_gcs(gcs: int) -> int:
    """Code a Glasgow Coma Scale score for the RTS: 13–15→4, 9–12→3, 6–8→2, 4–5→1, 3→0."""
    score = GLASGOW_COMA_SCALE_RANGE.check(gcs)
    if score >= 13:
        return 4
    if score >= 9:
        return 3
    if score >= 6:
        return 2
    if score >= 4:
        return 1
    return 0


def coded_systolic_bp(systolic_bp: float) -> int:
    """Code a systolic blood pressure (mmHg): >89→4, 76–89→3, 50–75→2, 1–49→1, 0→0."""
    pressure = SYSTOLIC_BLOOD_PRESSURE_RANGE.check(systolic_bp)
    # Thresholds are chosen so fractional readings between the table's integers fall in a
    # band too, keeping the coding non-decreasing.
    if pressure > 89:
        return 4
    if pressure >= 76:
        return 3
    if pressure >= 50:
        return 2
    if pressure > 0:
        return 1
    return 0


def coded_respiratory_rate(respiratory_rate: float) -> int:
    """Code a respiratory rate (/min): 10–29→4, >29→3, 6–9→2, 1–5→1, 0→0."""
    rate = RESPIRATORY_RATE_RANGE.check(respiratory_rate)
    if rate > 29:
        return 3
    if rate >= 10:
        return 4
    if rate >= 6:
        return 2
    if rate > 0:
        return 1
    return 0


def revised_trauma_score_from_codes(
    gcs_code: int, systolic_bp_code: int, respiratory_rate_code: int
) -> float:
    """RTS = 0.9368·GCS + 0.7326·SBP + 0.2908·RR over coded values (0–4), to 4 dp."""
    for name, code in (
        ("coded GCS", gcs_code),
        ("coded systolic blood pressure", systolic_bp_code),
        ("coded respiratory rate", respiratory_rate_code),
    ):
        try:
            _CODED_VALUE_RANGE.check(code)
        except PlanningInputError:
            raise PlanningInputError(f"{name} {code!r} is not a whole number 0–4") from None
    return round(
        _RTS_GCS_WEIGHT * gcs_code
        + _RTS_SYSTOLIC_BP_WEIGHT * systolic_bp_code
        + _RTS_RESPIRATORY_RATE_WEIGHT * respiratory_rate_code,
        4,
    )


def revised_trauma_score(gcs: int, systolic_bp: float, respiratory_rate: float) -> float:
    """The Revised Trauma Score (0–7.8408) from raw GCS, systolic BP (mmHg) and RR (/min)."""
    return revised_trauma_score_from_codes(
        coded_gcs(gcs), coded_systolic_bp(systolic_bp), coded_respiratory_rate(respiratory_rate)
    )


# --- Algorithm choice -------------------------------------------------------------------


def algorithm_for_age(age_years: float | None, child_under_years: float = 8.0) -> Algorithm:
    """JumpSTART for a child younger than ``child_under_years``, else START.

    An unknown age gets START: rescuers use it for anyone who looks adult, and a
    JumpSTART-only step (rescue breaths) must not be skipped for lack of a birth date.
    """
    AGE_RANGE.check(child_under_years)
    if age_years is None:
        return Algorithm.START
    if AGE_RANGE.check(age_years) < child_under_years:
        return Algorithm.JUMPSTART
    return Algorithm.START


# --- Observations and results -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartObservations:
    """What a rescuer found on an adult, for START. None means not (yet) observed.

    Perfusion may be judged by ``radial_pulse`` or ``capillary_refill_s``; either will do.
    """

    walking: bool | None = None
    breathing: bool | None = None
    breathes_after_airway_opened: bool | None = None
    respiratory_rate: float | None = None
    radial_pulse: bool | None = None
    capillary_refill_s: float | None = None
    obeys_commands: bool | None = None

    def __post_init__(self) -> None:
        _check_optional(RESPIRATORY_RATE_RANGE, self.respiratory_rate)
        _check_optional(CAPILLARY_REFILL_RANGE, self.capillary_refill_s)


@dataclass(frozen=True, slots=True)
class JumpStartObservations:
    """What a rescuer found on a child, for JumpSTART. None means not (yet) observed.

    ``peripheral_pulse`` serves both the apnoeic child's pulse check and the perfusion step.
    """

    walking: bool | None = None
    breathing: bool | None = None
    breathes_after_airway_positioned: bool | None = None
    peripheral_pulse: bool | None = None
    breathes_after_rescue_breaths: bool | None = None
    respiratory_rate: float | None = None
    avpu: AvpuResponse | None = None

    def __post_init__(self) -> None:
        _check_optional(RESPIRATORY_RATE_RANGE, self.respiratory_rate)


@dataclass(frozen=True, slots=True)
class SaltObservations:
    """What a rescuer found, for SALT. None means not (yet) observed.

    ``breathing`` is judged after the lifesaving interventions (haemorrhage control,
    airway, chest decompression, antidote auto-injector).
    """

    global_sort: GlobalSort | None = None
    breathing: bool | None = None
    breathes_after_airway_opened: bool | None = None
    obeys_commands_or_moves_purposefully: bool | None = None
    peripheral_pulse: bool | None = None
    respiratory_distress: bool | None = None
    uncontrolled_major_haemorrhage: bool | None = None
    likely_to_survive_with_current_resources: bool | None = None
    minor_injuries_only: bool | None = None


Observations: TypeAlias = StartObservations | JumpStartObservations | SaltObservations


@dataclass(frozen=True, slots=True)
class TriageResult:
    """The category an algorithm reached and the steps, in words, that led to it."""

    algorithm: Algorithm
    category: TriageCategory
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Question:
    """One step of the walker: what to ask, and how the answer is entered.

    ``key`` is the observation field the answer fills. ``choices`` holds (value, label)
    pairs for a "choice"; ``unit``, ``minimum`` and ``maximum`` describe a "number".
    """

    key: str
    prompt: str
    kind: QuestionKind
    choices: tuple[tuple[str, str], ...] = ()
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    hint: str = ""


# --- The decision trees -----------------------------------------------------------------


class _MissingObservation(Exception):
    """Raised inside a tree when the branch reached needs an observation not yet made."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


_T = TypeVar("_T")


def _need(value: _T | None, key: str) -> _T:
    if value is None:
        raise _MissingObservation(key)
    return value


def _breathing_rate(respiratory_rate: float | None) -> float:
    rate = _need(respiratory_rate, "respiratory_rate")
    if rate == 0:
        raise PlanningInputError(
            "respiratory rate 0/min contradicts 'breathing: yes'; answer 'no' to breathing"
        )
    return rate


def _rate(rate: float) -> str:
    return RESPIRATORY_RATE_RANGE.show(rate)


def _start_tree(observations: StartObservations) -> TriageResult:
    reasons: list[str] = []

    def decided(category: TriageCategory) -> TriageResult:
        return TriageResult(Algorithm.START, category, tuple(reasons))

    if _need(observations.walking, "walking"):
        reasons.append("walks")
        return decided(TriageCategory.GREEN)
    reasons.append("does not walk")

    if not _need(observations.breathing, "breathing"):
        reasons.append("not breathing")
        if _need(observations.breathes_after_airway_opened, "breathes_after_airway_opened"):
            reasons.append("breathes after airway opened")
            return decided(TriageCategory.RED)
        reasons.append("still not breathing after airway opened")
        return decided(TriageCategory.BLACK)

    rate = _breathing_rate(observations.respiratory_rate)
    if rate > 30:
        reasons.append(f"respiratory rate {_rate(rate)} > 30")
        return decided(TriageCategory.RED)
    reasons.append(f"respiratory rate {_rate(rate)} ≤ 30")

    refill = observations.capillary_refill_s
    if observations.radial_pulse is None and refill is None:
        raise _MissingObservation("radial_pulse")
    if observations.radial_pulse is False:
        reasons.append("no radial pulse")
        return decided(TriageCategory.RED)
    if refill is not None and refill > 2:
        reasons.append(f"capillary refill {CAPILLARY_REFILL_RANGE.show(refill)} > 2 s")
        return decided(TriageCategory.RED)
    if observations.radial_pulse:
        reasons.append("radial pulse present")
    if refill is not None:
        reasons.append(f"capillary refill {CAPILLARY_REFILL_RANGE.show(refill)} ≤ 2 s")

    if not _need(observations.obeys_commands, "obeys_commands"):
        reasons.append("does not obey simple commands")
        return decided(TriageCategory.RED)
    reasons.append("obeys simple commands")
    return decided(TriageCategory.YELLOW)


def _jumpstart_tree(observations: JumpStartObservations) -> TriageResult:
    reasons: list[str] = []

    def decided(category: TriageCategory) -> TriageResult:
        return TriageResult(Algorithm.JUMPSTART, category, tuple(reasons))

    if _need(observations.walking, "walking"):
        reasons.append("walks")
        return decided(TriageCategory.GREEN)
    reasons.append("does not walk")

    if not _need(observations.breathing, "breathing"):
        reasons.append("apnoeic")
        if _need(observations.breathes_after_airway_positioned, "breathes_after_airway_positioned"):
            reasons.append("breathes after airway positioned")
            return decided(TriageCategory.RED)
        reasons.append("still apnoeic after airway positioned")
        if not _need(observations.peripheral_pulse, "peripheral_pulse"):
            reasons.append("no palpable pulse")
            return decided(TriageCategory.BLACK)
        reasons.append("palpable pulse")
        if _need(observations.breathes_after_rescue_breaths, "breathes_after_rescue_breaths"):
            reasons.append("breathes after 5 rescue breaths")
            return decided(TriageCategory.RED)
        reasons.append("still apnoeic after 5 rescue breaths")
        return decided(TriageCategory.BLACK)

    rate = _breathing_rate(observations.respiratory_rate)
    if rate < 15:
        reasons.append(f"respiratory rate {_rate(rate)} < 15")
        return decided(TriageCategory.RED)
    if rate > 45:
        reasons.append(f"respiratory rate {_rate(rate)} > 45")
        return decided(TriageCategory.RED)
    reasons.append(f"respiratory rate {_rate(rate)} within 15–45")

    if not _need(observations.peripheral_pulse, "peripheral_pulse"):
        reasons.append("no palpable peripheral pulse")
        return decided(TriageCategory.RED)
    reasons.append("palpable peripheral pulse")

    avpu = _need(observations.avpu, "avpu")
    reasons.append(f"AVPU {avpu.label}")
    if avpu in (AvpuResponse.PAIN_INAPPROPRIATE_OR_POSTURING, AvpuResponse.UNRESPONSIVE):
        return decided(TriageCategory.RED)
    return decided(TriageCategory.YELLOW)


_SALT_GLOBAL_SORT_REASONS: dict[GlobalSort, str] = {
    GlobalSort.WALKS: "global sort: walks (assessed last)",
    GlobalSort.WAVES: "global sort: waves or moves purposefully (assessed second)",
    GlobalSort.STILL: "global sort: still or obvious life threat (assessed first)",
}


def _salt_tree(observations: SaltObservations) -> TriageResult:
    reasons: list[str] = []

    def decided(category: TriageCategory) -> TriageResult:
        return TriageResult(Algorithm.SALT, category, tuple(reasons))

    # The global sort only orders who is assessed first; every casualty, walkers included,
    # then gets the same individual assessment.
    reasons.append(_SALT_GLOBAL_SORT_REASONS[_need(observations.global_sort, "global_sort")])

    if not _need(observations.breathing, "breathing"):
        reasons.append("not breathing")
        if not _need(observations.breathes_after_airway_opened, "breathes_after_airway_opened"):
            reasons.append("still not breathing after airway opened")
            return decided(TriageCategory.DEAD)
        reasons.append("breathes after airway opened")
    else:
        reasons.append("breathing")

    failed_check: str | None = None
    if not _need(
        observations.obeys_commands_or_moves_purposefully, "obeys_commands_or_moves_purposefully"
    ):
        failed_check = "does not obey commands or move purposefully"
    elif not _need(observations.peripheral_pulse, "peripheral_pulse"):
        failed_check = "no peripheral pulse"
    elif _need(observations.respiratory_distress, "respiratory_distress"):
        failed_check = "in respiratory distress"
    elif _need(observations.uncontrolled_major_haemorrhage, "uncontrolled_major_haemorrhage"):
        failed_check = "major haemorrhage not controlled"

    if failed_check is not None:
        reasons.append(failed_check)
        if _need(
            observations.likely_to_survive_with_current_resources,
            "likely_to_survive_with_current_resources",
        ):
            reasons.append("likely to survive with current resources")
            return decided(TriageCategory.IMMEDIATE)
        reasons.append("unlikely to survive with current resources")
        return decided(TriageCategory.EXPECTANT)

    reasons.append(
        "obeys commands, peripheral pulse, no respiratory distress, no uncontrolled haemorrhage"
    )
    if _need(observations.minor_injuries_only, "minor_injuries_only"):
        reasons.append("minor injuries only")
        return decided(TriageCategory.MINIMAL)
    reasons.append("more than minor injuries")
    return decided(TriageCategory.DELAYED)


def _algorithm_of(observations: Observations) -> Algorithm:
    if isinstance(observations, StartObservations):
        return Algorithm.START
    if isinstance(observations, JumpStartObservations):
        return Algorithm.JUMPSTART
    return Algorithm.SALT


def _walk_tree(observations: Observations) -> TriageResult:
    if isinstance(observations, StartObservations):
        return _start_tree(observations)
    if isinstance(observations, JumpStartObservations):
        return _jumpstart_tree(observations)
    return _salt_tree(observations)


def triage(observations: Observations) -> TriageResult:
    """Triage with the algorithm the observations belong to.

    Raises PlanningInputError naming the observation when the branch reached needs one
    that was not made.
    """
    try:
        return _walk_tree(observations)
    except _MissingObservation as missing:
        algorithm = _algorithm_of(observations)
        question = _QUESTIONS[algorithm][missing.key]
        raise PlanningInputError(
            f"{algorithm.label} needs {missing.key} ({question.prompt}) at this step, "
            "but it was not observed"
        ) from None


def start(observations: StartObservations) -> TriageResult:
    """Triage an adult with START (Simple Triage and Rapid Treatment)."""
    return triage(observations)


def jumpstart(observations: JumpStartObservations) -> TriageResult:
    """Triage a child with JumpSTART."""
    return triage(observations)


def salt(observations: SaltObservations) -> TriageResult:
    """Triage with SALT (Sort, Assess, Lifesaving interventions, Treatment/Transport)."""
    return triage(observations)


# --- The walker -------------------------------------------------------------------------


def _yes_no(key: str, prompt: str, hint: str = "") -> Question:
    return Question(key=key, prompt=prompt, kind="yes_no", hint=hint)


def _number(
    key: str, prompt: str, plausible: PlausibleRange, minimum: float, hint: str = ""
) -> Question:
    return Question(
        key=key,
        prompt=prompt,
        kind="number",
        unit=plausible.unit,
        minimum=minimum,
        maximum=plausible.maximum,
        hint=hint,
    )


def _choice(key: str, prompt: str, options: list[AvpuResponse] | list[GlobalSort]) -> Question:
    choices = tuple((option.value, option.label) for option in options)
    return Question(key=key, prompt=prompt, kind="choice", choices=choices)


_BREATHS_PER_MINUTE = _number(
    "respiratory_rate",
    "Breaths per minute?",
    RESPIRATORY_RATE_RANGE,
    # Asked only of a patient who breathes, so 0 is not a valid answer here.
    minimum=1,
    hint="Count for 15 seconds and multiply by 4.",
)

_QUESTIONS: dict[Algorithm, dict[str, Question]] = {
    Algorithm.START: {
        question.key: question
        for question in (
            _yes_no("walking", "Can the patient walk?"),
            _yes_no("breathing", "Is the patient breathing?"),
            _yes_no(
                "breathes_after_airway_opened",
                "Breathing after opening the airway?",
                hint="Head tilt and chin lift, or jaw thrust.",
            ),
            _BREATHS_PER_MINUTE,
            _yes_no("radial_pulse", "Is there a radial pulse?"),
            _number(
                "capillary_refill_s",
                "Capillary refill time?",
                CAPILLARY_REFILL_RANGE,
                minimum=CAPILLARY_REFILL_RANGE.minimum,
                hint="Press a nail bed for 5 seconds; time the colour's return.",
            ),
            _yes_no(
                "obeys_commands",
                "Does the patient obey simple commands?",
                hint='For example "Squeeze my hand."',
            ),
        )
    },
    Algorithm.JUMPSTART: {
        question.key: question
        for question in (
            _yes_no("walking", "Can the child walk?"),
            _yes_no("breathing", "Is the child breathing?"),
            _yes_no(
                "breathes_after_airway_positioned",
                "Breathing after positioning the airway?",
            ),
            _yes_no("peripheral_pulse", "Is there a palpable peripheral pulse?"),
            _yes_no(
                "breathes_after_rescue_breaths",
                "Breathing after 5 rescue breaths?",
                hint="Give 5 mouth-to-mask breaths, about 15 seconds.",
            ),
            _BREATHS_PER_MINUTE,
            _choice("avpu", "AVPU: how does the child respond?", list(AvpuResponse)),
        )
    },
    Algorithm.SALT: {
        question.key: question
        for question in (
            _choice(
                "global_sort",
                "Global sort: does the patient walk, wave, or lie still?",
                list(GlobalSort),
            ),
            _yes_no(
                "breathing",
                "Is the patient breathing?",
                hint="After lifesaving interventions: stop major bleeding, open the airway, "
                "decompress the chest, give an antidote auto-injector.",
            ),
            _yes_no(
                "breathes_after_airway_opened",
                "Breathing after opening the airway?",
                hint="For a child, consider 2 rescue breaths.",
            ),
            _yes_no(
                "obeys_commands_or_moves_purposefully",
                "Obeys commands or moves purposefully?",
            ),
            _yes_no("peripheral_pulse", "Is there a peripheral pulse?"),
            _yes_no("respiratory_distress", "Is the patient in respiratory distress?"),
            _yes_no("uncontrolled_major_haemorrhage", "Major bleeding that is not controlled?"),
            _yes_no(
                "likely_to_survive_with_current_resources",
                "Likely to survive with the resources available now?",
            ),
            _yes_no(
                "minor_injuries_only",
                "Minor injuries only?",
                hint="Could be treated by the patient or an untrained helper.",
            ),
        )
    },
}

_OBSERVATION_TYPES: dict[
    Algorithm, type[StartObservations] | type[JumpStartObservations] | type[SaltObservations]
] = {
    Algorithm.START: StartObservations,
    Algorithm.JUMPSTART: JumpStartObservations,
    Algorithm.SALT: SaltObservations,
}

_CHOICE_TYPES: dict[str, type[AvpuResponse] | type[GlobalSort]] = {
    "avpu": AvpuResponse,
    "global_sort": GlobalSort,
}

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


def _parse_answer(question: Question, answer: Answer) -> bool | float | StrEnum:
    if question.kind == "yes_no":
        if isinstance(answer, bool):
            return answer
        text = str(answer).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise PlanningInputError(f"answer {answer!r} to {question.key} is not yes or no")
    if question.kind == "number":
        if isinstance(answer, bool):
            raise PlanningInputError(f"answer {answer!r} to {question.key} is not a number")
        if isinstance(answer, int | float):
            return answer
        try:
            # A decimal comma is what many keyboards in the field produce.
            return float(answer.strip().replace(",", "."))
        except ValueError:
            raise PlanningInputError(
                f"answer {answer!r} to {question.key} is not a number"
            ) from None
    values = [value for value, _label in question.choices]
    if isinstance(answer, str) and answer in values:
        return _CHOICE_TYPES[question.key](answer)
    raise PlanningInputError(
        f"answer {answer!r} to {question.key} is not one of {', '.join(values)}"
    )


def answers_to_observations(algorithm: Algorithm, answers: Mapping[str, Answer]) -> Observations:
    """Build the algorithm's observation dataclass from a walker answers dict.

    Keys are observation field names; unanswered fields stay None. Raises
    PlanningInputError for an unknown key, an unreadable answer or an implausible value.
    """
    questions = _QUESTIONS[algorithm]
    values: dict[str, Any] = {}
    for key, answer in answers.items():
        question = questions.get(key)
        if question is None:
            raise PlanningInputError(f"{algorithm.label} has no question {key!r}")
        values[key] = _parse_answer(question, answer)
    return _OBSERVATION_TYPES[algorithm](**values)


def observations_to_answers(observations: Observations) -> dict[str, Answer]:
    """The walker answers dict for recorded observations (the inverse of the above)."""
    answers: dict[str, Answer] = {}
    for field in fields(observations):
        value = getattr(observations, field.name)
        if value is not None:
            answers[field.name] = value
    return answers


def next_step(algorithm: Algorithm, answers: Mapping[str, Answer]) -> Question | TriageResult:
    """The next question to ask given the answers so far, or the result once decided.

    Answers the branch taken does not need are ignored. Reaches the same result as
    ``start()``/``jumpstart()``/``salt()`` on ``answers_to_observations(answers)``.
    """
    observations = answers_to_observations(algorithm, answers)
    try:
        return _walk_tree(observations)
    except _MissingObservation as missing:
        return _QUESTIONS[algorithm][missing.key]


def questions(algorithm: Algorithm) -> tuple[Question, ...]:
    """Every question the algorithm may ask, in the order of its tree."""
    return tuple(_QUESTIONS[algorithm].values())

"""The words of the triage walker in the reader's language.

The triage rules live in haven/planning/triage.py, which imports nothing from Django; its
questions, hints, answers, category names and reasons are English. Each one is listed here
for the translation catalogs, and `translated` gives a text in the active language (a
reason with a measured value, such as "respiratory rate 34/min > 30", keeps its value).
A test walks every question and category so that a new one cannot go untranslated.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext, gettext_noop

# Categories, answers, questions and hints, as haven/planning/triage.py writes them.
WORDS = (
    gettext_noop("Immediate (red)"),
    gettext_noop("Delayed (yellow)"),
    gettext_noop("Minor (green)"),
    gettext_noop("Minimal (green)"),
    gettext_noop("Expectant (grey)"),
    gettext_noop("Deceased or expectant (black)"),
    gettext_noop("Dead (black)"),
    gettext_noop("A: alert"),
    gettext_noop("V: responds to voice"),
    gettext_noop("P: localises or withdraws from pain"),
    gettext_noop("P: inappropriate to pain, or posturing"),
    gettext_noop("U: unresponsive"),
    gettext_noop("Walks"),
    gettext_noop("Waves or moves purposefully"),
    gettext_noop("Still, or obvious life threat"),
    gettext_noop("Breaths per minute?"),
    gettext_noop("Count for 15 seconds and multiply by 4."),
    gettext_noop("Can the patient walk?"),
    gettext_noop("Is the patient breathing?"),
    gettext_noop("Breathing after opening the airway?"),
    gettext_noop("Head tilt and chin lift, or jaw thrust."),
    gettext_noop("Is there a radial pulse?"),
    gettext_noop("Capillary refill time?"),
    gettext_noop("Press a nail bed for 5 seconds; time the colour's return."),
    gettext_noop("Does the patient obey simple commands?"),
    gettext_noop('For example "Squeeze my hand."'),
    gettext_noop("Can the child walk?"),
    gettext_noop("Is the child breathing?"),
    gettext_noop("Breathing after positioning the airway?"),
    gettext_noop("Is there a palpable peripheral pulse?"),
    gettext_noop("Breathing after 5 rescue breaths?"),
    gettext_noop("Give 5 mouth-to-mask breaths, about 15 seconds."),
    gettext_noop("AVPU: how does the child respond?"),
    gettext_noop("Global sort: does the patient walk, wave, or lie still?"),
    gettext_noop(
        "After lifesaving interventions: stop major bleeding, open the airway, "
        "decompress the chest, give an antidote auto-injector."
    ),
    gettext_noop("For a child, consider 2 rescue breaths."),
    gettext_noop("Obeys commands or moves purposefully?"),
    gettext_noop("Is there a peripheral pulse?"),
    gettext_noop("Is the patient in respiratory distress?"),
    gettext_noop("Major bleeding that is not controlled?"),
    gettext_noop("Likely to survive with the resources available now?"),
    gettext_noop("Minor injuries only?"),
    gettext_noop("Could be treated by the patient or an untrained helper."),
    # Reasons, as the rules give them.
    gettext_noop("walks"),
    gettext_noop("does not walk"),
    gettext_noop("not breathing"),
    gettext_noop("breathing"),
    gettext_noop("breathes after airway opened"),
    gettext_noop("still not breathing after airway opened"),
    gettext_noop("no radial pulse"),
    gettext_noop("radial pulse present"),
    gettext_noop("does not obey simple commands"),
    gettext_noop("obeys simple commands"),
    gettext_noop("apnoeic"),
    gettext_noop("breathes after airway positioned"),
    gettext_noop("still apnoeic after airway positioned"),
    gettext_noop("no palpable pulse"),
    gettext_noop("palpable pulse"),
    gettext_noop("breathes after 5 rescue breaths"),
    gettext_noop("still apnoeic after 5 rescue breaths"),
    gettext_noop("no palpable peripheral pulse"),
    gettext_noop("palpable peripheral pulse"),
    gettext_noop("global sort: walks (assessed last)"),
    gettext_noop("global sort: waves or moves purposefully (assessed second)"),
    gettext_noop("global sort: still or obvious life threat (assessed first)"),
    gettext_noop("does not obey commands or move purposefully"),
    gettext_noop("no peripheral pulse"),
    gettext_noop("in respiratory distress"),
    gettext_noop("major haemorrhage not controlled"),
    gettext_noop("likely to survive with current resources"),
    gettext_noop("unlikely to survive with current resources"),
    gettext_noop(
        "obeys commands, peripheral pulse, no respiratory distress, no uncontrolled haemorrhage"
    ),
    gettext_noop("minor injuries only"),
    gettext_noop("more than minor injuries"),
)
_WORDS = frozenset(WORDS)

# Reasons that carry a measured value: (the reason's shape, its text to translate).
PATTERNS = (
    (
        re.compile(r"respiratory rate (?P<rate>\S+) > 30"),
        gettext_noop("respiratory rate %(rate)s > 30"),
    ),
    (
        re.compile(r"respiratory rate (?P<rate>\S+) ≤ 30"),
        gettext_noop("respiratory rate %(rate)s ≤ 30"),
    ),
    (
        re.compile(r"respiratory rate (?P<rate>\S+) < 15"),
        gettext_noop("respiratory rate %(rate)s < 15"),
    ),
    (
        re.compile(r"respiratory rate (?P<rate>\S+) > 45"),
        gettext_noop("respiratory rate %(rate)s > 45"),
    ),
    (
        re.compile(r"respiratory rate (?P<rate>\S+) within 15–45"),
        gettext_noop("respiratory rate %(rate)s within 15–45"),
    ),
    (
        re.compile(r"capillary refill (?P<time>\S+ s) > 2 s"),
        gettext_noop("capillary refill %(time)s > 2 s"),
    ),
    (
        re.compile(r"capillary refill (?P<time>\S+ s) ≤ 2 s"),
        gettext_noop("capillary refill %(time)s ≤ 2 s"),
    ),
)


def translated(text: str) -> str:
    """A text of the triage rules in the active language (unknown text as it is)."""
    if text in _WORDS:
        return gettext(text)
    if text.startswith("AVPU "):
        return "AVPU " + translated(text.removeprefix("AVPU "))
    for shape, message in PATTERNS:
        match = shape.fullmatch(text)
        if match:
            return gettext(message) % match.groupdict()
    return text


def known(text: str) -> bool:
    """Whether `translated` has a translation for this text (the test's question)."""
    if text.startswith("AVPU "):
        return known(text.removeprefix("AVPU "))
    return text in _WORDS or any(shape.fullmatch(text) for shape, _ in PATTERNS)

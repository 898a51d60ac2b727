"""Every word the triage walker shows comes out of the translation catalogs: each question,
hint, answer and category of every algorithm, and the reasons the rules give."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from haven.health import triage_text
from haven.planning import triage


def _texts() -> list[str]:
    texts = [category.label for category in triage.TriageCategory]
    for algorithm in triage.Algorithm:
        for question in triage.questions(algorithm):
            texts += [question.prompt, question.hint] if question.hint else [question.prompt]
            texts += [label for _value, label in question.choices]
    return texts


def test_every_question_answer_and_category_is_translatable() -> None:
    unknown = [text for text in _texts() if not triage_text.known(text)]
    assert not unknown, f"add these to haven/health/triage_text.py: {unknown}"


def _fixed_reasons() -> list[str]:
    """Every reason the rules give in words alone (those with a value are tested below)."""
    tree = ast.parse(Path(triage.__file__).read_text())
    reasons = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "append":
            reasons += [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", "") in ("failed_check", "_SALT_GLOBAL_SORT_REASONS")
            for target in node.targets
        ):
            reasons += [c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)]
    return [reason for reason in reasons if isinstance(reason, str)]


def test_every_reason_is_translatable() -> None:
    reasons = _fixed_reasons()
    assert len(reasons) > 30
    unknown = [reason for reason in reasons if not triage_text.known(reason)]
    assert not unknown, f"add these to haven/health/triage_text.py: {unknown}"


@pytest.mark.parametrize(
    "reason, french",
    [
        ("respiratory rate 34/min > 30", "fréquence respiratoire 34/min > 30"),
        ("capillary refill 3 s > 2 s", "temps de recoloration 3 s > 2 s"),
        ("AVPU U: unresponsive", "AVPU U : aucune réponse"),
        ("does not walk", "ne marche pas"),
        ("something new", "something new"),
    ],
)
def test_a_reason_keeps_its_measured_value(reason: str, french: str) -> None:
    with translation.override("fr"):
        assert triage_text.translated(reason) == french


def test_arabic_names_the_category() -> None:
    with translation.override("ar"):
        assert triage_text.translated("Immediate (red)") == "فوري (أحمر)"

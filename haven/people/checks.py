"""System checks: each discovered `<app>/muster.py` exports what a muster needs."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db.models import QuerySet

HINT = "def accounted_elsewhere() -> list[haven.people.accounting.ElsewhereGroup]"


@checks.register()
def check_muster_modules(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from haven.core.registry import app_modules
    from haven.people.accounting import MUSTER_MODULE_EXPORT, RESERVED_KEYS, ElsewhereGroup
    from haven.people.models import Person

    problems: list[checks.CheckMessage] = []
    seen: dict[str, str] = {}
    for label, module in app_modules("muster"):
        where = f"{module.__name__}.{MUSTER_MODULE_EXPORT}()"
        offer = getattr(module, MUSTER_MODULE_EXPORT, None)
        if not callable(offer):
            message = f"{module.__name__} does not export {MUSTER_MODULE_EXPORT}()"
            problems.append(checks.Error(message, hint=HINT, id="people.E001"))
            continue
        groups = offer()
        if not isinstance(groups, list | tuple):
            message = f"{where} gave {groups!r}, not a list of groups"
            problems.append(checks.Error(message, hint=HINT, id="people.E002"))
            continue
        for group in groups:
            if not isinstance(group, ElsewhereGroup):
                message = f"{where} gave {group!r}, not an ElsewhereGroup"
                problems.append(checks.Error(message, hint=HINT, id="people.E003"))
                continue
            if not (isinstance(group.people, QuerySet) and group.people.model is Person):
                message = f"{where}: group {group.key!r} has no queryset of people"
                problems.append(checks.Error(message, id="people.E004"))
            if not 0 < len(group.key) <= 80 or not 0 < len(group.label.strip()) <= 120:
                message = f"{where}: group {group.key!r} needs a key of 1–80, a label of 1–120"
                problems.append(checks.Error(message, id="people.E005"))
            if group.key in RESERVED_KEYS or group.key in seen:
                taken = "reserved" if group.key in RESERVED_KEYS else f"used by {seen[group.key]}"
                message = f"{where}: group key {group.key!r} is {taken}"
                problems.append(checks.Error(message, id="people.E006"))
            seen.setdefault(group.key, label)
    return problems

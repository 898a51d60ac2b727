from __future__ import annotations

from django.apps import AppConfig


def ensure_default_skills() -> None:
    from haven.people.choices import DEFAULT_SKILLS
    from haven.people.models import Skill

    known = set(Skill.objects.values_list("code", flat=True))
    Skill.objects.bulk_create(
        Skill(code=code, name=name) for code, name in DEFAULT_SKILLS if code not in known
    )


class PeopleConfig(AppConfig):
    name = "haven.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from haven.core.reference import on_every_migrate
        from haven.people import aggregates, checks  # noqa: F401  (signals, system checks)

        on_every_migrate(self, ensure_default_skills)

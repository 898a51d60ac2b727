"""Demo logins: one user per role, named after the role."""

from __future__ import annotations

from haven.accounts import services
from haven.accounts.choices import Role
from haven.core.demo import DEMO_PASSWORD, DemoCamp


def build(camp: DemoCamp) -> None:
    for role in Role:
        camp.users[role.value] = services.create_user(
            username=role.value,
            password=DEMO_PASSWORD,
            role=role.value,
            superuser=role == Role.COMMANDER,
        )

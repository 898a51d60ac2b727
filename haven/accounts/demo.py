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
    # The camp's own (secret) location: the commander reads it at /camp/location/, every
    # other demo login reads "hidden" there, on the stock page and in mission destinations.
    from haven.core.camp import set_camp_location

    set_camp_location(
        by=camp.users[Role.COMMANDER.value],
        name="Old quarry above the river bend",
        latitude="36.201400",
        longitude="37.134300",
        description="Tents in the lower pit; the only road in passes the mill.",
    )

from __future__ import annotations

from django.apps import AppConfig


class ShelterConfig(AppConfig):
    name = "haven.shelter"
    label = "shelter"
    verbose_name = "Shelter"

    def ready(self) -> None:
        from haven.people import aggregates
        from haven.shelter import occupancy

        # A bulk change of people's status moves the stays they sleep in between counts.
        if occupancy.people_moving not in aggregates.FOLLOWERS:
            aggregates.FOLLOWERS.append(occupancy.people_moving)

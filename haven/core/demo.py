"""The demo camp: each app adds its part in `<app>.demo.build(camp)`, in HAVEN_APPS order,
then, once every app has built, what needs them all in `<app>.demo.finish(camp)` (optional)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from faker import Faker

from haven.core.registry import app_modules

DEMO_PASSWORD = "haven-demo-camp"
DEMO_LOCALES = [
    "en_GB",
    "fr_FR",
    "tr_TR",
    "sw",
    "ha_NG",
    "yo_NG",
    "es_CO",
    "vi_VN",
    "pl_PL",
    "id_ID",
    "en_PK",
    "uz_UZ",
]


@dataclass
class DemoCamp:
    """What the apps share while building the demo: a seeded RNG, names, users, results."""

    seed: int
    now: datetime
    rng: random.Random
    faker: Faker
    users: dict[str, User] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        self.shared.setdefault("log", []).append(message)


def build_demo_camp(*, seed: int, now: datetime) -> DemoCamp:
    """Fill an empty database with a believable camp, deterministic from `seed`."""
    faker = Faker(DEMO_LOCALES, use_weighting=False)
    faker.seed_instance(seed)
    camp = DemoCamp(seed=seed, now=now, rng=random.Random(seed), faker=faker)
    with transaction.atomic():
        modules = [module for _, module in app_modules("demo")]
        for module in modules:
            module.build(camp)
        for module in modules:
            if hasattr(module, "finish"):
                module.finish(camp)
    return camp

"""The demo camp's rations: short of food and medical kits, a workshop and a medic's ability.

Runs after the stock, missions, health and shelter demos. If no stock demo has filled a
store, it opens one with too little food and almost no dressings, and a week of issues
and two supply runs so the forecast has a history. Then it adds the recipes, makes one
production order, previews and applies a fair plan, and records the first hand-outs.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from haven.core.demo import DemoCamp
from haven.people.choices import Status
from haven.people.models import Person
from haven.rations import adapters, services
from haven.stock import services as stock
from haven.stock.models import Item, LedgerEntry, Store

# Opening stock when no stock demo ran: food for about half the week's need.
OPENING = (
    ("cereal", 1100),
    ("pulses", 80),
    ("fortified-oil", 25),
    ("drinking-water", 40_000),
    ("dressing-kit", 3),
    ("scrap-metal", 120),
)
FABRICATION_STOCK = (("cloth", 60), ("scrap-metal", 120))


def _items() -> None:
    Item.objects.get_or_create(
        code="cloth",
        defaults={"name": "Cloth (cotton, clean)", "category": "other", "unit": "kg"},
    )
    Item.objects.get_or_create(
        code="field-dressing",
        defaults={
            "name": "Field dressing",
            "category": "medical",
            "medical_category": "trauma",
            "unit": "piece",
            "doses_per_unit": Decimal(1),
        },
    )


def _opening_stock(camp: DemoCamp, store: Store) -> None:
    by = camp.users.get("quartermaster")
    start = camp.now - timedelta(days=7)
    for code, quantity in OPENING:
        stock.receive(by=by, item=code, store=store, quantity=quantity, source="opening", at=start)
    headcount = Person.objects.in_camp().count()
    for day in range(6, 0, -1):
        at = camp.now - timedelta(days=day, hours=camp.rng.randint(1, 5))
        # Issued below standard already: about 1,400 kcal and 12 L a head.
        cereal = round(headcount * 0.4 * camp.rng.uniform(0.85, 1.1), 1)
        water = round(headcount * 12 * camp.rng.uniform(0.9, 1.1))
        stock.issue(
            by=by, item="cereal", store=store, quantity=cereal, purpose="distribution", at=at
        )
        stock.issue(
            by=by, item="drinking-water", store=store, quantity=water, purpose="distribution", at=at
        )
        if day in (5, 2):
            haul = camp.rng.choice(((120, 3000), (0, 0), (60, 1500)))
            if haul[0]:
                stock.receive(
                    by=by, item="cereal", store=store, quantity=haul[0], source="mission", at=at
                )
                stock.receive(
                    by=by,
                    item="drinking-water",
                    store=store,
                    quantity=haul[1],
                    source="mission",
                    at=at,
                )


def build(camp: DemoCamp) -> None:
    quartermaster = camp.users.get("quartermaster")
    clerk = camp.users.get("clerk")
    _items()
    store = Store.objects.order_by("pk").first()
    if store is None:
        store = stock.create_store(by=quartermaster, name="Central store", kind="warehouse")
    if not LedgerEntry.objects.exists():
        _opening_stock(camp, store)
    store = services.default_store()
    for code, quantity in FABRICATION_STOCK:
        if stock.on_hand(code, store) == 0:
            stock.receive(
                by=quartermaster, item=code, store=store, quantity=quantity, source="donation"
            )

    services.create_recipe(
        by=quartermaster,
        code="field-dressing",
        name="Field dressing from cloth + food energy",
        skill="medic",
        batches_per_day_per_worker=4,
        inputs={"cloth": 0.5, "kcal": 800},
        outputs={"field-dressing": 5},
        worker_kcal_per_batch=150,
        notes="A medic's ability: food energy turned into sterile dressings.",
    )
    services.create_recipe(
        by=quartermaster,
        code="tools-from-scrap",
        name="Tools from scrap metal",
        skill="fabrication",
        batches_per_day_per_worker=2,
        inputs={"scrap-metal": 4},
        outputs={"tools": 1},
        worker_kcal_per_batch=400,
        keep_on_hand={"tools": 15},
    )
    smith = adapters.fabricators("fabrication").order_by("pk").first()
    if smith is not None:
        services.order_production(
            by=quartermaster,
            recipe=services.get_recipe("tools-from-scrap"),
            batches=2,
            store=store,
            fabricator=smith,
            note="first tools for the search team",
        )

    plan = services.preview_plan(by=quartermaster, horizon_days=7, note="first fair week")
    services.apply_plan(by=camp.users.get("commander"), plan=plan)
    shares = services.household_shares(plan)
    for share in shares[:12]:
        collector = share.members[0][0]
        services.record_full_handout(
            by=clerk, plan=plan, household=share.household, person=collector
        )
    givers = [s for s in shares[:12] if s.household is not None and len(s.members) > 1]
    if givers:
        mother, child = givers[0].members[0][0], givers[0].members[1][0]
        if mother.status in (Status.PRESENT, Status.INJURED):
            ration = services.own_ration(plan, mother)
            cereal = Item.objects.get(code="cereal")
            half = (ration.total.get(cereal.pk, Decimal(0)) / 2).quantize(Decimal("0.001"))
            if half > 0:
                services.record_transfer(
                    by=clerk,
                    from_person=mother,
                    to_person=child,
                    item=cereal,
                    quantity=half,
                    reason="a parent giving half their cereal to a child",
                )
    camp.log(
        f"rations: plan #{plan.pk} applied, least served get {plan.min_fraction:.0%} of need; "
        f"{plan.short_people_count} of {plan.people_count} short"
    )

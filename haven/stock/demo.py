"""The demo camp's stores and a week of ledger since the attack: food short, water shorter,
medical kits scarce. Quantities are set from the headcount so the runway reads about
7 days of food energy and 4 days of water against the standards."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from haven.core.demo import DemoCamp
from haven.people.choices import Status
from haven.people.models import Person
from haven.stock import services
from haven.stock.models import Item, LedgerEntry

FOOD_DAYS = 7.0
WATER_DAYS = 4.0
ISSUED_KCAL_PER_PERSON = 1650  # rationed below the 2,100 standard since the attack
ISSUED_WATER_PER_PERSON = 11.0
# Share of the remaining food energy per commodity (close to the general ration).
FOOD_MIX = {
    "cereal": 0.70,
    "pulses": 0.14,
    "fortified-oil": 0.10,
    "blended-food": 0.03,
    "sugar": 0.03,
}
# item: (left now, issued per day, lot expiry in days from now)
MEDICAL = {
    "trauma-kit": (3, 1.4, 200),
    "dressing-kit": (5, 1.2, 300),
    "burn-dressing": (24, 7.0, 120),
    "iv-fluids": (18, 9.0, 400),
    "antibiotics": (22, 5.5, 60),
    "analgesics": (24, 3.0, 500),
    "splint": (6, 1.0, 0),
    "tourniquet": (4, 0.4, 0),
    "oral-rehydration": (40, 6.0, 200),
}
OTHER = {
    "iodized-salt": 12,
    "tarpaulin": 38,
    "family-tent": 9,
    "blanket": 140,
    "soap": 180,
    "diesel": 110,
    "firewood": 650,
    "scrap-metal": 320,
    "tools": 6,
}
STORES = (
    ("Central warehouse", "warehouse", "School gym"),
    ("Kitchen store", "tent", "Next to the kitchen"),
    ("Clinic store", "tent", "Injured ward"),
    ("Water point", "tent", "River bank"),
    ("Mill cache", "cache", "Under the old mill"),
    ("Pickup truck", "vehicle", "Scouts' vehicle"),
)


def _quantity(value: float, unit: str) -> Decimal:
    places = Decimal("1") if unit in {"kit", "piece", "bag", "course", "strip", "sachet"} else None
    number = Decimal(str(round(value, 1)))
    return number.quantize(places) if places else number


def build(camp: DemoCamp) -> None:
    rng = camp.rng
    qm = camp.users.get("quartermaster")
    medic = camp.users.get("medic")
    attack: datetime = camp.shared["attack_at"]
    now = camp.now
    today = now.date()
    stores = {
        name: services.create_store(by=qm, name=name, kind=kind, location=where)
        for name, kind, where in STORES
    }
    warehouse, kitchen = stores["Central warehouse"], stores["Kitchen store"]
    clinic, water_point = stores["Clinic store"], stores["Water point"]
    items = {item.code: item for item in Item.objects.all()}
    headcount = Person.objects.in_camp().count()
    extra = Person.objects.in_camp().aggregate(t=Sum("extra_energy_kcal"))["t"] or 0
    kcal_need = headcount * settings.HAVEN_STANDARD_KCAL_PER_PERSON_DAY + extra
    water_need = headcount * settings.HAVEN_STANDARD_WATER_L_PER_PERSON_DAY
    injured = list(Person.objects.filter(status=Status.INJURED).values_list("pk", flat=True))
    opening_at = attack + timedelta(hours=14)
    days = [attack.date() + timedelta(days=n) for n in range(1, (today - attack.date()).days + 1)]

    def at(day: date, hour: int) -> datetime:
        moment = datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo)
        return min(
            moment + timedelta(hours=hour, minutes=rng.randint(0, 40)), now - timedelta(hours=5)
        )

    # Plan the week: per-day issues with some jitter, then the opening stock that leaves
    # exactly the targets today.
    plan: dict[str, list[Decimal]] = {}
    final: dict[str, Decimal] = {}
    for code, share in FOOD_MIX.items():
        item = items[code]
        per_kcal = float(item.kcal_per_unit)
        final[code] = _quantity(FOOD_DAYS * kcal_need * share / per_kcal, item.unit)
        daily = headcount * ISSUED_KCAL_PER_PERSON * share / per_kcal
        plan[code] = [_quantity(daily * rng.uniform(0.85, 1.1), item.unit) for _ in days]
    final["drinking-water"] = _quantity(WATER_DAYS * water_need - 600, "L")
    plan["drinking-water"] = [
        _quantity(headcount * ISSUED_WATER_PER_PERSON * rng.uniform(0.9, 1.1), "L") for _ in days
    ]
    for code, (left, per_day, _) in MEDICAL.items():
        final[code] = Decimal(left)
        plan[code] = [Decimal(max(0, round(per_day * rng.uniform(0.6, 1.4)))) for _ in days]

    donated = {"cereal": 0.3, "pulses": 0.3, "drinking-water": 0.55}
    for code, issues in plan.items():
        item = items[code]
        issued = sum(issues, Decimal(0))
        donation = _quantity(float(issued) * donated.get(code, 0.0), item.unit)
        opening = final[code] + issued - donation
        store = clinic if item.category == "medical" else warehouse
        if code == "drinking-water":
            store = water_point
        expiry = None
        if item.expires:
            expiry = today + timedelta(days=MEDICAL.get(code, (0, 0, 240))[2] or 240)
        services.receive(
            by=qm,
            item=item,
            store=store,
            quantity=opening,
            lot_code=f"OPEN-{code[:6].upper()}",
            expiry_date=expiry,
            source="opening",
            reference="what survived in the stores",
            at=opening_at,
        )
        if donation > 0:
            services.receive(
                by=qm,
                item=item,
                store=store,
                quantity=donation,
                lot_code=f"CONVOY1-{code[:6].upper()}",
                expiry_date=today + timedelta(days=300) if item.expires else None,
                source="donation",
                reference="Red Crescent convoy",
                at=at(days[min(2, len(days) - 1)], 7),
            )
    for code, left in OTHER.items():
        services.receive(
            by=qm,
            item=items[code],
            store=warehouse,
            quantity=left,
            source="opening",
            reference="what survived in the stores",
            at=opening_at,
        )
    # Antibiotics past their date, found in the rubble: flagged, not issued.
    services.receive(
        by=qm,
        item=items["antibiotics"],
        store=clinic,
        quantity=8,
        lot_code="RUBBLE-AB",
        expiry_date=today - timedelta(days=12),
        source="other",
        note="found in the pharmacy ruins",
        at=opening_at + timedelta(hours=3),
        accept_expired=True,
    )

    services.transfer(
        by=qm,
        item=items["cereal"],
        from_store=warehouse,
        to_store=stores["Mill cache"],
        quantity=Decimal(100),
        reference="reserve hidden in case the warehouse is raided",
        at=opening_at + timedelta(hours=4),
    )
    for index, day in enumerate(days):
        for code, issues in plan.items():
            quantity = issues[index]
            if quantity <= 0:
                continue
            item = items[code]
            if item.category == "food":
                services.transfer(
                    by=qm,
                    item=item,
                    from_store=warehouse,
                    to_store=kitchen,
                    quantity=quantity,
                    reference=f"kitchen day {index + 1}",
                    at=at(day, 6),
                )
                services.issue(
                    by=qm,
                    item=item,
                    store=kitchen,
                    quantity=quantity,
                    purpose="distribution",
                    reference=f"general distribution day {index + 1}",
                    at=at(day, 8),
                )
            elif item.category == "water":
                services.issue(
                    by=qm,
                    item=item,
                    store=water_point,
                    quantity=quantity,
                    purpose="distribution",
                    reference=f"water day {index + 1}",
                    at=at(day, 7),
                )
            else:
                remaining = int(quantity)
                while remaining > 0:
                    portion = min(remaining, rng.randint(1, 3))
                    patient = Person.objects.get(pk=rng.choice(injured)) if injured else None
                    services.issue(
                        by=medic,
                        item=item,
                        store=clinic,
                        quantity=portion,
                        purpose="treatment",
                        person=patient,
                        at=at(day, rng.randint(8, 20)),
                    )
                    remaining -= portion
    # A few of the other entries a real week has.
    if len(days) >= 4:
        services.adjust(
            by=qm,
            item=items["blanket"],
            store=warehouse,
            quantity=6,
            reason="stolen",
            note="tent cut open in the night",
            at=at(days[3], 22),
        )
        [wrong] = services.issue(
            by=qm,
            item=items["soap"],
            store=warehouse,
            quantity=20,
            purpose="distribution",
            at=at(days[3], 10),
        )
        services.reverse(by=qm, entry=wrong, reason="clerk picked soap, meant to post blankets")
        services.count(
            by=qm,
            item=items["diesel"],
            store=warehouse,
            counted=98,
            note="monthly count: evaporation and a leaking jerrycan",
            at=at(days[4], 17),
        )
    services.transfer(
        by=qm,
        item=items["diesel"],
        from_store=warehouse,
        to_store=stores["Pickup truck"],
        quantity=40,
        at=at(days[-1], 9),
    )
    camp.shared["stores"] = stores
    camp.log(
        f"stock: {len(stores)} stores, "
        f"{LedgerEntry.objects.count()} ledger entries since the attack"
    )

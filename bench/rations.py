"""Benchmark of the ration planner: ``python -m bench.rations [--quick]``.

Distribution planner: plan a camp (aggregation into need classes included) and, on a smaller
camp, compare its min fraction with the same LPs solved per person (must agree within 1e-6)
and with naive equal shares. Then round a plan's household shares to hand-out steps
(``haven.planning.handout``) and compare the max–min share with the LP optimum and with
naive flooring. Deterministic (seeded).

From the database: ``python -m bench.rations --database [--people N] [--database-url URL]
[--reset]`` builds a camp of N people (default 1,000,000; bulk inserts) and 12 stocked
ration items in SQLite (a temporary data folder) or the PostgreSQL database named in the
URL (it must be empty, or ``--reset`` drops and creates it), then times ``haven rations
plan`` end to end and its parts (the need groups, read from the headcount classes; the
planner) against two baselines of the same run (a ``SELECT count(*)`` of the people, and
the need groups counted from every person in one GROUP BY, which must equal the classes'),
a draft's first page of the distribution list (it rounds and stores the camp's hand-outs
once) and its second (up to 100,000 people), and once applying the last plan, which writes
every person's share (one INSERT … SELECT) and every household's rounded hand-out, then a
page of it. ``--reuse DIR`` times again a camp an earlier run built (its data folder; with
``--database-url``, the camp left in it).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence

import numpy as np

from haven.planning.handout import round_households
from haven.planning.rations import (
    NeedStandards,
    PersonNeeds,
    RationItem,
    RationRequest,
    classes_from_people,
    disaggregated_min_fraction,
    equal_shares,
    plan_rations,
    plan_rations_for_people,
)

SEED = 20_241_125
HORIZON_DAYS = 14.0
# DESIGN.md's general ration (kg/person/day) as commodity groups.
BASKET_KG_PER_DAY = {
    "cereal": 0.400,
    "pulses": 0.060,
    "oil": 0.025,
    "blended_food": 0.050,
    "sugar": 0.015,
    "salt": 0.005,
}
STANDARDS = NeedStandards(basket_kg_per_day=BASKET_KG_PER_DAY)
AGREEMENT = 1e-6


def make_people(count: int, rng: np.random.Generator) -> list[PersonNeeds]:
    """A camp with a plausible mix of ages, pregnancies, injuries, workers and medical needs."""
    ages = rng.choice([0.5, 1, 2, 3, 4, 7, 12, 17, 30, 45, 70], size=count)
    sexes = rng.choice(["male", "female"], size=count)
    injured = rng.random(count) < 0.05
    pregnant = (sexes == "female") & (ages >= 17) & (ages <= 45) & (rng.random(count) < 0.1)
    worker = (ages >= 17) & (ages < 70) & (rng.random(count) < 0.1)
    on_antibiotics = rng.random(count) < 0.03
    with_diarrhoea = rng.random(count) < 0.04
    extra = np.where(rng.random(count) < 0.02, 300.0, 0.0)
    people = []
    for n in range(count):
        doses: dict[str, float] = {}
        if injured[n]:
            doses["trauma"] = 1.0
        if on_antibiotics[n]:
            doses["antibiotic"] = 2.0
        if with_diarrhoea[n]:
            doses["ors"] = 3.0
        people.append(
            PersonNeeds(
                person_id=f"p{n}",
                age_years=float(ages[n]),
                sex=str(sexes[n]),
                pregnant_or_lactating=bool(pregnant[n]),
                injured=bool(injured[n]),
                worker=bool(worker[n]),
                extra_kcal=float(extra[n]),
                doses_per_day=doses,
            )
        )
    return people


def make_items(people: int, rng: np.random.Generator) -> list[RationItem]:
    """Twelve items stocked at 40–110 % of what the camp needs over the horizon."""
    person_days = people * HORIZON_DAYS

    def stock(per_person_day: float) -> float:
        return float(per_person_day * person_days * rng.uniform(0.4, 1.1))

    def food(item_id: str, kcal_per_kg: float, group: str, kg: float) -> RationItem:
        return RationItem(
            item_id=item_id,
            name=f"{item_id}, kg",
            on_hand=stock(kg),
            content={"kcal": kcal_per_kg},
            group=group,
            reserve_fraction=0.05,
        )

    def dose(item_id: str, category: str, per_person_day: float) -> RationItem:
        return RationItem(
            item_id=item_id,
            name=f"{item_id}, dose",
            on_hand=stock(per_person_day),
            content={f"doses:{category}": 1.0},
        )

    return [
        food("maize meal", 3500, "cereal", 0.40),
        food("beans", 3350, "pulses", 0.06),
        food("fortified oil", 8850, "oil", 0.025),
        food("corn-soya blend", 3800, "blended_food", 0.05),
        food("sugar", 4000, "sugar", 0.015),
        food("iodized salt", 0, "salt", 0.005),
        RationItem(
            item_id="high-energy biscuits",
            name="high-energy biscuits, 100 g",
            on_hand=stock(1.0),
            content={"kcal": 450},
        ),
        RationItem(item_id="water", name="water, L", on_hand=stock(15.0), content={"litres": 1.0}),
        RationItem(
            item_id="water trucking",
            name="water, 1,000 L",
            on_hand=stock(0.003),
            content={"litres": 1000.0},
            reserve=2.0,
        ),
        dose("trauma kit", "trauma", 0.05),
        dose("amoxicillin", "antibiotic", 0.06),
        dose("ors sachet", "ors", 0.12),
    ]


def _timed_plan(
    people: Sequence[PersonNeeds], items: Sequence[RationItem]
) -> tuple[float, float, int, int]:
    started = time.perf_counter()
    plan = plan_rations_for_people(people, items, HORIZON_DAYS, standards=STANDARDS)
    return time.perf_counter() - started, plan.min_fraction, len(plan.class_ids), plan.lp_solves


def bench_planner(args: argparse.Namespace) -> bool:
    """Distribution planner: speed at scale, exactness of aggregation, gain over equal shares."""
    rng = np.random.default_rng(SEED)
    large, small = (10_000, 300) if args.quick else (100_000, 2_000)

    print(f"== distribution planner (seed {SEED}, horizon {HORIZON_DAYS:g} days) ==")
    people = make_people(large, rng)
    items = make_items(large, rng)
    seconds, min_fraction, classes, solves = _timed_plan(people, items)
    print(
        f"{large:,} people × {len(items)} items: {seconds:.3f} s incl. aggregation "
        f"→ {classes} classes, {solves} LPs, min fraction {min_fraction:.6f}"
    )
    tenth = people[: large // 10]
    tenth_seconds, *_ = _timed_plan(tenth, make_items(len(tenth), np.random.default_rng(SEED)))
    print(
        f"{len(tenth):,} people: {tenth_seconds:.3f} s → 10× the people costs "
        f"{seconds / tenth_seconds:.2f}× the time"
    )

    people = make_people(small, rng)
    items = make_items(small, rng)
    seconds, aggregated, classes, solves = _timed_plan(people, items)
    started = time.perf_counter()
    direct = disaggregated_min_fraction(people, items, HORIZON_DAYS, standards=STANDARDS)
    direct_seconds = time.perf_counter() - started
    need_classes, _ = classes_from_people(people, STANDARDS)
    naive = equal_shares(
        RationRequest(classes=need_classes, items=items, horizon_days=HORIZON_DAYS)
    )
    difference = abs(aggregated - direct)
    print(f"{small:,} people × {len(items)} items ({classes} classes):")
    print(f"  min fraction, need classes      {aggregated:.9f}  ({seconds:.3f} s)")
    print(f"  min fraction, per person LP     {direct:.9f}  ({direct_seconds:.3f} s)")
    print(
        f"  difference                      {difference:.2e}  "
        f"({'within' if difference <= AGREEMENT else 'OUTSIDE'} {AGREEMENT:g}); "
        f"classes are {direct_seconds / seconds:.0f}× faster"
    )
    gain = f"{aggregated / naive:.2f}× better" if naive > 0 else "equal shares leave someone at 0"
    print(f"  min fraction, equal shares      {naive:.9f}  → planner {gain}")
    return difference <= AGREEMENT


# Hand-out steps in each item's unit: scoops of food, whole biscuits, kits and doses,
# water by the litre and the truck by the litre it carries (0.001 of 1,000 L).
HANDOUT_STEPS = {
    "maize meal": 0.5,
    "beans": 0.5,
    "fortified oil": 0.25,
    "corn-soya blend": 0.5,
    "sugar": 0.25,
    "iodized salt": 0.05,
    "high-energy biscuits": 1.0,
    "water": 1.0,
    "water trucking": 0.001,
    "trauma kit": 1.0,
    "amoxicillin": 1.0,
    "ors sachet": 1.0,
}


def bench_rounding(args: argparse.Namespace) -> None:
    """Rounding to hand-out steps: how far the handed-out plan is from the LP's max–min."""
    rng = np.random.default_rng(SEED + 1)
    count = 3_000 if args.quick else 30_000
    people = make_people(count, rng)
    items = make_items(count, rng)
    need_classes, person_class = classes_from_people(people, STANDARDS)
    request = RationRequest(classes=need_classes, items=items, horizon_days=HORIZON_DAYS)
    plan = plan_rations(request, person_class=person_class)
    households: list[dict[str, int]] = []
    index = 0
    while index < count:
        size = int(rng.integers(1, 8))
        members = Counter(person_class[p.person_id] for p in people[index : index + size])
        households.append(dict(members))
        index += size
    started = time.perf_counter()
    rounded = round_households(plan, request, households, HANDOUT_STEPS)
    seconds = time.perf_counter() - started
    print(
        f"== rounding to hand-out steps: {count:,} people in {len(households):,} households, "
        f"{len(items)} items ({seconds:.3f} s) =="
    )
    print("  min fraction of need met by any household (needs met directly: kcal, L, doses)")
    print(f"  LP optimum, pooled per household  {rounded.lp_min_fraction:.6f}")
    print(
        f"  rounded (largest shortfall first) {rounded.rounded_min_fraction:.6f}  "
        f"({rounded.rounded_min_fraction - rounded.lp_min_fraction:+.6f})"
    )
    print(
        f"  floored to a step (naive)         {rounded.floor_min_fraction:.6f}  "
        f"({rounded.floor_min_fraction - rounded.lp_min_fraction:+.6f})"
    )
    for key, (optimum, after) in sorted(rounded.min_fraction_by_need.items()):
        print(f"    {key:<20} LP {optimum:.4f} → rounded {after:.4f} ({after - optimum:+.4f})")
    given = rounded.quantities.sum(axis=0)
    over = [
        item_id
        for i, item_id in enumerate(rounded.item_ids)
        if given[i] > plan.available[item_id] + 1e-9
    ]
    print(f"  items handed out beyond stock: {len(over)}")


# Above this many people the bench does not time a page of the distribution list.
PAGE_PEOPLE = 100_000

DATABASE_ITEMS = (
    # code, category, kcal, litres, doses per unit; units per person per day of need
    ("bench-maize", "food", 3500, 0, 0, 0.40),
    ("bench-beans", "food", 3350, 0, 0, 0.06),
    ("bench-oil", "food", 8850, 0, 0, 0.025),
    ("bench-csb", "food", 3800, 0, 0, 0.05),
    ("bench-sugar", "food", 4000, 0, 0, 0.015),
    ("bench-biscuits", "food", 450, 0, 0, 0.3),
    ("bench-water", "water", 0, 1, 0, 12.0),
    ("bench-water-truck", "water", 0, 1000, 0, 0.004),
    ("bench-trauma", "medical", 0, 0, 1, 0.05),
    ("bench-dressing", "medical", 0, 0, 1, 0.03),
    ("bench-ors", "medical", 0, 0, 1, 0.02),
    ("bench-amoxicillin", "medical", 0, 0, 1, 0.02),
)


def build_camp(people: int, rng: np.random.Generator) -> None:
    """`people` people (90 % in camp) and the 12 items, stocked at 40–110 % of 14 days' need."""
    from datetime import timedelta
    from decimal import Decimal

    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from haven.core.bulk import insert_rows
    from haven.people import aggregates
    from haven.people.models import Person, Team, fold
    from haven.stock import services as stock
    from haven.stock.models import Item

    now = timezone.now()
    today = timezone.localdate()
    teams = [Team.objects.create(name=f"Bench team {n}").pk for n in range(20)]
    chunk = 100_000
    for start in range(0, people, chunk):
        size = min(chunk, people - start)
        age_days = rng.integers(0, 85 * 365, size=size)
        unknown_age = rng.random(size) < 0.05
        sexes = rng.choice(["f", "m", "u"], p=[0.5, 0.48, 0.02], size=size)
        statuses = rng.choice(
            ["present", "injured", "missing", "departed"], p=[0.85, 0.05, 0.05, 0.05], size=size
        )
        on_team = rng.random(size) < 0.05
        pregnant = (sexes == "f") & (age_days > 18 * 365) & (age_days < 45 * 365)
        pregnant &= rng.random(size) < 0.08
        extra = np.where(rng.random(size) < 0.02, 300, 0)
        rows = [
            {
                "record_id": f"bench/{start + n}",
                "full_name": f"Bench person {start + n}",
                "sex": str(sexes[n]),
                "date_of_birth": None if unknown_age[n] else today - timedelta(int(age_days[n])),
                "team_id": teams[n % len(teams)] if on_team[n] else None,
                "pregnant_or_lactating": bool(pregnant[n]),
                "extra_energy_kcal": int(extra[n]),
                "status": str(statuses[n]),
                "status_changed_at": now,
                "created_at": now,
                "search_text": fold(f"Bench person {start + n}"),
            }
            for n in range(size)
        ]
        with transaction.atomic():
            start_after = Person.objects.aggregate(last=Max("pk"))["last"] or 0
            insert_rows(Person, rows)
            # As the CSV import does: the headcount classes count what was inserted.
            aggregates.people_inserted(start_after)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: without statistics the planner
        # takes a million rows for a thousand and picks its plans by that.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    store = stock.create_store(by=None, name="Bench store")
    person_days = people * 0.9 * HORIZON_DAYS
    for code, category, kcal, litres, doses, per_person_day in DATABASE_ITEMS:
        Item.objects.create(
            code=code,
            name=code.removeprefix("bench-"),
            category=category,
            medical_category="trauma" if doses else "",
            unit="unit",
            kcal_per_unit=Decimal(kcal),
            litres_per_unit=Decimal(litres),
            doses_per_unit=Decimal(doses),
        )
        quantity = round(per_person_day * person_days * float(rng.uniform(0.4, 1.1)))
        stock.receive(by=None, item=code, store=store, quantity=quantity, source="opening")


def bench_database(args: argparse.Namespace) -> None:
    """`haven rations plan` on a camp in SQLite or PostgreSQL, end to end and by part."""
    import io
    import os
    import tempfile
    from pathlib import Path

    workdir = Path(args.reuse or tempfile.mkdtemp(prefix="planning-bench-rations-"))
    os.environ["HAVEN_DATA_DIR"] = str(workdir)
    os.environ.pop("HAVEN_DATABASE_URL", None)
    if args.database_url:
        from bench.dashboard import prepare_postgres

        if not args.reuse:
            prepare_postgres(args.database_url, args.reset)
        os.environ["HAVEN_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from haven.planning.rations import PriorityWeights, classes_from_groups
    from haven.rations import adapters
    from haven.rations.models import DistributionPlan

    call_command("migrate", verbosity=0)
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    began = time.perf_counter()
    if args.reuse:
        from haven.people.models import Person

        args.people = Person.objects.count()
        built = f"the camp in {workdir if not args.database_url else args.database_url}"
    else:
        build_camp(args.people, np.random.default_rng(SEED))
        built = f"built in {time.perf_counter() - began:.0f} s, in {workdir}"
    print(f"== haven rations plan from the database ({engine}, {args.people:,} people, {built}) ==")
    items = list(adapters.ration_items_queryset())
    categories = adapters.dose_categories(items)
    child = PriorityWeights().child_under_age_years
    from haven.people.models import Person
    from haven.rations import services

    thresholds = adapters.age_thresholds(child)
    runs = 2
    plan = None
    for attempt in range(runs):
        # Baselines in the same run: a raw count of the registry, and the need groups
        # counted from every person (one GROUP BY, what the classes replace).
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {Person._meta.db_table}")
            cursor.fetchone()
        count_seconds = time.perf_counter() - began
        began, began_cpu = time.perf_counter(), time.process_time()
        recounted = adapters.need_groups_counted(timezone.localdate(), thresholds)
        recount_seconds = time.perf_counter() - began
        recount_cpu = time.process_time() - began_cpu
        began = time.perf_counter()
        groups = adapters.need_groups(categories, child_under_age_years=child)
        grouped = time.perf_counter() - began
        assert {group.key: group.people for group in groups} == recounted
        began = time.perf_counter()
        classes, _ = classes_from_groups(((g.needs, g.people) for g in groups), STANDARDS)
        classified = time.perf_counter() - began
        output = io.StringIO()
        began, began_cpu = time.perf_counter(), time.process_time()
        call_command("rations", "plan", "--days", str(int(HORIZON_DAYS)), stdout=output)
        end_to_end = time.perf_counter() - began
        # On a shared machine the wall clock counts other people's work; this process's
        # CPU time does not (SQLite runs in it; PostgreSQL's own time is not counted).
        cpu = time.process_time() - began_cpu
        plan = DistributionPlan.objects.order_by("-pk").first()
        assert plan is not None
        print(
            f"run {attempt + 1}: `haven rations plan` {end_to_end:.3f} s end to end "
            f"({cpu:.3f} s CPU in this process) "
            f"({plan.people_count:,} people in camp, {plan.items.count()} items, "
            f"{plan.summary['classes']} classes, min fraction {plan.min_fraction:.6f}); "
            f"need groups {grouped:.3f} s → {len(groups)}, "
            f"classes {classified * 1000:.1f} ms ({len(classes)} classes); "
            f"load {os.getloadavg()[0]:.2f}"
        )
        print(
            f"  baselines: SELECT count(*) of the {args.people:,} people {count_seconds:.3f} s "
            f"(plan = {end_to_end / count_seconds:.1f}×); the need groups counted from "
            f"every person (one GROUP BY, as before the classes) {recount_seconds:.3f} s "
            f"({recount_cpu:.3f} s CPU; equal to the classes' groups)"
        )
        if args.people <= PAGE_PEOPLE:
            # The draft's first page rounds the whole camp once and stores it; later pages
            # (until the camp changes) read the stored rows.
            for which in ("first", "second"):
                began, began_cpu = time.perf_counter(), time.process_time()
                listing = services.distribution_list(plan)
                page = listing[len(listing) // 2 : len(listing) // 2 + 50]
                print(
                    f"  the draft's {which} page of 50 from the middle of the distribution "
                    f"list ({len(listing):,} collecting): {time.perf_counter() - began:.3f} s "
                    f"({time.process_time() - began_cpu:.3f} s CPU), "
                    f"{sum(len(share.members) for share in page)} people"
                )
        if attempt + 1 < runs:
            # Keep the database the size the next run starts from.
            plan.delete()
    if args.people > PAGE_PEOPLE:
        print(
            f"  (a draft's page is not timed above {PAGE_PEOPLE:,} people: its first page "
            "rounds and stores every household's hand-out once, as applying does)"
        )
    assert plan is not None
    began, began_cpu = time.perf_counter(), time.process_time()
    services.apply_plan(by=None, plan=plan)
    print(
        f"apply the last plan (writes {plan.shares.count():,} shares and "
        f"{plan.planned_handouts.count():,} hand-outs): {time.perf_counter() - began:.3f} s "
        f"({time.process_time() - began_cpu:.3f} s CPU); load {os.getloadavg()[0]:.2f}"
    )
    began, began_cpu = time.perf_counter(), time.process_time()
    listing = services.distribution_list(services.get_plan(plan.pk))
    page = listing[len(listing) // 2 : len(listing) // 2 + 50]
    print(
        f"  a page of 50 from the middle of the applied plan's list ({len(listing):,} "
        f"collecting): {time.perf_counter() - began:.3f} s "
        f"({time.process_time() - began_cpu:.3f} s CPU)"
    )
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run every section; exit status 1 if a correctness check failed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small instances, a few seconds")
    parser.add_argument(
        "--database", action="store_true", help="plan from the database instead (see above)"
    )
    parser.add_argument("--people", type=int, default=1_000_000, help="with --database")
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        default="",
        help="with --database: the data folder of a camp an earlier run built (and left "
        "in the --database-url database, if given) instead of building one",
    )
    args = parser.parse_args(argv)
    if args.database or args.database_url:
        bench_database(args)
        return 0
    ok = bench_planner(args)
    bench_rounding(args)
    # The runway forecast and the fabrication LP have their own bench; run it here too so
    # one command measures every rations algorithm.
    from bench.forecast import run as bench_forecast

    bench_forecast(quick=args.quick)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Rations API: distribution plans, hand-outs, transfers, production, the runway forecast."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.errors import HavenError
from haven.people.models import Household
from haven.rations import services
from haven.rations.models import DistributionPlan, ProductionOrder, RationTransfer, Recipe

router = Router(tags=["rations"])


class PlanIn(Schema):
    store: str | None = None
    horizon_days: int = settings.HAVEN_RATIONS_DEFAULT_DAYS
    note: str = ""


class ShortClassOut(Schema):
    people: int
    priority: float
    fraction_met: float
    daily_need: dict[str, float]


class PlanOut(Schema):
    id: int
    store: str
    horizon_days: int
    status: str
    min_fraction: float
    people_count: int
    short_people_count: int
    items: dict[str, dict[str, float]]
    short: list[ShortClassOut]


class HouseholdShareOut(Schema):
    name: str
    household_id: int | None
    members: list[dict[str, Any]]
    planned: dict[str, Decimal]
    handed_out: dict[str, Decimal]


class HandoutIn(Schema):
    household_id: int | None = None
    person_id: int | None = None
    item: str | None = Field(None, description="item code; without it the whole share")
    quantity: Decimal | None = None
    note: str = ""


class HandoutOut(Schema):
    id: int
    item: str
    quantity: Decimal
    household_id: int | None
    person_id: int | None
    ledger_entry_ids: list[int]


class TransferIn(Schema):
    from_person_id: int
    to_person_id: int
    item: str
    quantity: Decimal
    reason: str = ""


class TransferOut(Schema):
    id: int
    plan_id: int | None
    from_person_id: int
    to_person_id: int
    item: str
    quantity: Decimal
    reason: str


class RecipeIn(Schema):
    code: str
    name: str = ""
    skill: str
    batches_per_day_per_worker: float
    inputs: dict[str, float]
    outputs: dict[str, float]
    worker_kcal_per_batch: float = 0.0
    food_kcal_per_batch: float = 0.0
    keep_on_hand: dict[str, float] = {}
    notes: str = ""


class RecipeOut(Schema):
    code: str
    name: str
    skill: str
    batches_per_day_per_worker: float
    inputs: dict[str, float]
    outputs: dict[str, float]


class OrderIn(Schema):
    recipe: str
    batches: int
    store: str
    fabricator_id: int
    note: str = ""


class OrderOut(Schema):
    id: int
    recipe: str
    batches: int
    reference: str
    consumed: dict[str, str]
    produced: dict[str, str]
    kcal_burned: float


class ProposalOut(Schema):
    store: str
    horizon_days: int
    shortages: dict[str, float]
    workers: dict[str, int]
    batches: dict[str, int]
    limited_by: dict[str, str]
    covered_fraction: dict[str, float]
    kcal_burned: float
    food_reserve_kcal: float


class ForecastQuery(Schema):
    horizon_days: int = settings.HAVEN_FORECAST_HORIZON_DAYS
    scenarios: int = Field(settings.HAVEN_FORECAST_SCENARIOS, ge=1, le=100_000)
    people_leave: int = 0
    people_arrive: int = 0
    store_lost: str | None = None
    missions_bring_nothing: bool = False


class NeedForecastOut(Schema):
    need: str
    stockout_probability: list[float]
    stock_p10: list[float]
    stock_p50: list[float]
    stock_p90: list[float]
    median_stockout_day: int | None


class ForecastOut(Schema):
    scenario: str
    horizon_days: int
    scenarios: int
    needs: list[NeedForecastOut]


def plan_out(plan: DistributionPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "store": plan.store_name,
        "horizon_days": plan.horizon_days,
        "status": plan.status,
        "min_fraction": plan.min_fraction,
        "people_count": plan.people_count,
        "short_people_count": plan.short_people_count,
        "items": {
            line.item.code: {"on_hand": line.on_hand, "planned": line.planned}
            for line in plan.items.select_related("item")
        },
        "short": list(
            plan.classes.filter(fraction_met__lt=0.999999).values(
                "people", "priority", "fraction_met", "daily_need"
            )
        ),
    }


def _store(name: str | None) -> Any:
    return services.get_store(name) if name else services.default_store()


@router.get("/plans", response=list[PlanOut], summary="Recent distribution plans")
def list_plans(request: HttpRequest, limit: int = 20) -> list[dict[str, Any]]:
    require(request.user, "rations.view_distributionplan")
    plans = DistributionPlan.objects.select_related("store")[: min(max(limit, 1), 100)]
    return [plan_out(plan) for plan in plans]


@router.post("/plans", response={201: PlanOut}, summary="Preview a fair distribution plan")
def create_plan(request: HttpRequest, payload: PlanIn) -> WithStatus[dict[str, Any]]:
    require(request.user, "rations.plan_distribution")
    plan = services.preview_plan(
        by=request.user,
        store=services.get_store(payload.store) if payload.store else None,
        horizon_days=payload.horizon_days,
        note=payload.note,
    )
    return WithStatus(201, plan_out(plan))


@router.get("/plans/{int:plan_id}", response=PlanOut, summary="One plan")
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    require(request.user, "rations.view_distributionplan")
    return plan_out(services.get_plan(plan_id))


@router.post("/plans/{int:plan_id}/apply", response=PlanOut, summary="Apply a draft plan")
def apply_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    require(request.user, "rations.apply_distribution")
    return plan_out(services.apply_plan(by=request.user, plan=services.get_plan(plan_id)))


@router.get(
    "/plans/{int:plan_id}/households",
    response=list[HouseholdShareOut],
    summary="The distribution list: each household's share",
)
def households(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    require(request.user, "rations.view_distributionplan")
    plan = services.get_plan(plan_id)
    codes = dict(plan.items.values_list("item_id", "item__code"))
    return [
        {
            "name": share.name,
            "household_id": share.household.pk if share.household else None,
            "members": [
                {"id": person.pk, "full_name": person.full_name, "fraction_met": fraction}
                for person, fraction in share.members
            ],
            "planned": {codes[pk]: q for pk, q in share.planned.items()},
            "handed_out": {codes[pk]: q for pk, q in share.handed_out.items()},
        }
        for share in services.household_shares(plan)
    ]


def handout_out(handout: Any) -> dict[str, Any]:
    return {
        "id": handout.pk,
        "item": handout.item.code,
        "quantity": handout.quantity,
        "household_id": handout.household_id,
        "person_id": handout.person_id,
        "ledger_entry_ids": [entry.pk for entry in handout.ledger_entries.all()],
    }


@router.post(
    "/plans/{int:plan_id}/handouts",
    response={201: list[HandoutOut]},
    summary="Record stock handed out (one item, or the whole share)",
)
def record_handout(
    request: HttpRequest, plan_id: int, payload: HandoutIn
) -> WithStatus[list[dict[str, Any]]]:
    require(request.user, "rations.record_handout")
    plan = services.get_plan(plan_id)
    household = None
    if payload.household_id is not None:
        household = Household.objects.filter(pk=payload.household_id).first()
        if household is None:
            raise HavenError(f"no household with id {payload.household_id}")
    person = services.get_person(payload.person_id) if payload.person_id is not None else None
    if payload.item is None:
        done = services.record_full_handout(
            by=request.user, plan=plan, household=household, person=person, note=payload.note
        )
    else:
        if payload.quantity is None:
            raise HavenError(f"give the quantity of {payload.item!r} handed out")
        done = [
            services.record_handout(
                by=request.user,
                plan=plan,
                item=services.get_item(payload.item),
                quantity=payload.quantity,
                household=household,
                person=person,
                note=payload.note,
            )
        ]
    return WithStatus(201, [handout_out(handout) for handout in done])


def transfer_out(transfer: RationTransfer) -> dict[str, Any]:
    return {
        "id": transfer.pk,
        "plan_id": transfer.plan_id,
        "from_person_id": transfer.from_person_id,
        "to_person_id": transfer.to_person_id,
        "item": transfer.item.code,
        "quantity": transfer.quantity,
        "reason": transfer.reason,
    }


@router.post("/transfers", response={201: TransferOut}, summary="Record a ration handed on")
def record_transfer(request: HttpRequest, payload: TransferIn) -> WithStatus[dict[str, Any]]:
    require(request.user, "rations.record_transfer")
    transfer = services.record_transfer(
        by=request.user,
        from_person=services.get_person(payload.from_person_id),
        to_person=services.get_person(payload.to_person_id),
        item=services.get_item(payload.item),
        quantity=payload.quantity,
        reason=payload.reason,
    )
    return WithStatus(201, transfer_out(transfer))


@router.get("/mine", summary="My ration in the applied plan")
def my_ration(request: HttpRequest) -> dict[str, Any]:
    require(request.user, "rations.view_own_ration")
    from haven.people.models import Person

    person = (
        Person.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    )
    if person is None:
        raise HavenError("your account is not linked to a person in the registry")
    plan = services.latest_plan(applied_only=True)
    if plan is None:
        raise HavenError("no distribution plan has been applied yet")
    ration = services.own_ration(plan, person)
    codes = dict(plan.items.values_list("item_id", "item__code"))
    return {
        "plan_id": plan.pk,
        "fraction_met": ration.fraction_met,
        "daily": {codes[pk]: str(q) for pk, q in ration.daily.items()},
        "total": {codes[pk]: str(q) for pk, q in ration.total.items()},
        "handed_on": {codes.get(pk, str(pk)): str(q) for pk, q in ration.given.items()},
        "received": {codes.get(pk, str(pk)): str(q) for pk, q in ration.received.items()},
    }


def recipe_out(recipe: Recipe) -> dict[str, Any]:
    return {
        "code": recipe.code,
        "name": recipe.name,
        "skill": recipe.skill.code,
        "batches_per_day_per_worker": recipe.batches_per_day_per_worker,
        "inputs": {line.item.code: line.quantity for line in recipe.inputs.select_related("item")}
        | ({"kcal": recipe.food_kcal_per_batch} if recipe.food_kcal_per_batch else {}),
        "outputs": {
            line.item.code: line.quantity for line in recipe.outputs.select_related("item")
        },
    }


@router.get("/recipes", response=list[RecipeOut], summary="Recipes")
def list_recipes(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "rations.view_recipe")
    return [recipe_out(r) for r in Recipe.objects.select_related("skill")]


@router.post("/recipes", response={201: RecipeOut}, summary="Add a recipe")
def create_recipe(request: HttpRequest, payload: RecipeIn) -> WithStatus[dict[str, Any]]:
    require(request.user, "rations.add_recipe")
    return WithStatus(201, recipe_out(services.create_recipe(by=request.user, **payload.dict())))


@router.get("/production/proposal", response=ProposalOut, summary="What to make")
def production_proposal(
    request: HttpRequest, store: str | None = None, horizon_days: int = 7
) -> dict[str, Any]:
    require(request.user, "rations.plan_production")
    proposal = services.propose_production(store=_store(store), horizon_days=horizon_days)
    plan = proposal.plan
    return {
        "store": proposal.store.name,
        "horizon_days": proposal.horizon_days,
        "shortages": proposal.shortages,
        "workers": proposal.workers,
        "batches": {b.recipe_id: b.proposed_batches for b in plan.recipe_batches},
        "limited_by": {b.recipe_id: b.limited_by for b in plan.recipe_batches},
        "covered_fraction": {k: c.covered_fraction for k, c in plan.shortage_coverage.items()},
        "kcal_burned": plan.kcal_burned,
        "food_reserve_kcal": proposal.food_reserve_kcal,
    }


def order_out(order: ProductionOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "recipe": order.recipe.code,
        "batches": order.batches,
        "reference": order.reference,
        "consumed": order.consumed,
        "produced": order.produced,
        "kcal_burned": order.kcal_burned,
    }


@router.post("/production/orders", response={201: OrderOut}, summary="Make batches of a recipe")
def production_order(request: HttpRequest, payload: OrderIn) -> WithStatus[dict[str, Any]]:
    require(request.user, "rations.order_production")
    order = services.order_production(
        by=request.user,
        recipe=services.get_recipe(payload.recipe),
        batches=payload.batches,
        store=services.get_store(payload.store),
        fabricator=services.get_person(payload.fabricator_id),
        note=payload.note,
    )
    return WithStatus(201, order_out(order))


@router.get("/forecast", response=ForecastOut, summary="Runway forecast, with a what-if")
def forecast(request: HttpRequest, query: Query[ForecastQuery]) -> dict[str, Any]:
    require(request.user, "rations.view_forecast")
    scenario = services.make_scenario(
        people_leave=query.people_leave,
        people_arrive=query.people_arrive,
        store_lost=services.get_store(query.store_lost) if query.store_lost else None,
        missions_bring_nothing=query.missions_bring_nothing,
    )
    result = services.forecast(
        horizon_days=query.horizon_days, scenario=scenario, scenarios=query.scenarios
    )
    return {
        "scenario": result.scenario_name,
        "horizon_days": result.horizon_days,
        "scenarios": result.scenarios,
        "needs": [
            {
                "need": need.need,
                "stockout_probability": need.stockout_probability.tolist(),
                "stock_p10": need.stock_p10.tolist(),
                "stock_p50": need.stock_p50.tolist(),
                "stock_p90": need.stock_p90.tolist(),
                "median_stockout_day": need.median_stockout_day,
            }
            for need in result.needs
        ],
    }

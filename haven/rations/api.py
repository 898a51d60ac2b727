"""Rations API: distribution plans, hand-outs, transfers, production, the runway forecast."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.api import ApiRouter, ErrorOut
from haven.core.errors import HavenError
from haven.core.pagination import PageQuery, page_of, paginate
from haven.core.policy_schema import PolicySchema
from haven.core.schemas import Id, column
from haven.people.models import Household, Skill
from haven.rations import services
from haven.rations.models import (
    DistributionPlan,
    Handout,
    PlanItem,
    ProductionOrder,
    RationTransfer,
    Recipe,
    RecipeInput,
    RecipeOutput,
)
from haven.stock.api import ItemRef, StoreRef
from haven.stock.models import Item

router = ApiRouter(tags=["rations"])

MAX_HORIZON_DAYS = 366
ItemCode = Annotated[str, column(Item, "code")]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Amounts = Annotated[dict[ItemCode, Amount], Field(max_length=50)]


class RationPlanIn(Schema):
    store: StoreRef | None = None
    horizon_days: int = column(
        DistributionPlan,
        "horizon_days",
        settings.HAVEN_RATIONS_DEFAULT_DAYS,
        ge=1,
        le=MAX_HORIZON_DAYS,
    )
    note: str = column(DistributionPlan, "note", "")


class ShortClassOut(Schema):
    people: int
    priority: float
    fraction_met: float
    daily_need: dict[str, float]


class RationPlanOut(Schema):
    id: int
    store: str = Field(alias="store_name")
    horizon_days: int
    status: str
    min_fraction: float
    people_count: int
    short_people_count: int
    items: dict[str, dict[str, float]]
    short: list[ShortClassOut]

    @staticmethod
    def resolve_items(plan: DistributionPlan) -> dict[str, dict[str, float]]:
        return {
            line.item.code: {"on_hand": line.on_hand, "planned": line.planned}
            for line in plan.items.all()
        }

    @staticmethod
    def resolve_short(plan: DistributionPlan) -> list[Any]:
        return [c for c in plan.classes.all() if c.fraction_met < 0.999999]


class ShareMemberOut(PolicySchema):
    policy_model = "rations.sharemember"

    id: int
    full_name: str
    fraction_met: float


class HouseholdShareOut(PolicySchema):
    policy_model = "rations.householdshare"

    name: str
    household_id: int | None
    members: list[ShareMemberOut]
    planned: dict[str, Decimal]
    handed_out: dict[str, Decimal]


class HandoutIn(Schema):
    household_id: Id | None = None
    person_id: Id | None = None
    item: ItemRef | None = Field(None, description="item code; without it the whole share")
    quantity: Decimal | None = column(Handout, "quantity", None)
    note: str = column(Handout, "note", "")


class HandoutOut(PolicySchema):
    policy_model = "rations.handout"

    id: int
    item: str = Field(alias="item.code")
    quantity: Decimal
    household_id: int | None
    person_id: int | None
    ledger_entry_ids: list[int]

    @staticmethod
    def resolve_ledger_entry_ids(handout: Handout) -> list[int]:
        return [entry.pk for entry in handout.ledger_entries.all()]


class RationTransferIn(Schema):
    from_person_id: Id
    to_person_id: Id
    item: ItemRef
    quantity: Decimal = column(RationTransfer, "quantity")
    reason: str = column(RationTransfer, "reason", "")


class RationTransferOut(PolicySchema):
    policy_model = "rations.rationtransfer"

    id: int
    plan_id: int | None
    from_person_id: int
    to_person_id: int
    item: str = Field(alias="item.code")
    quantity: Decimal
    reason: str


class MyRationOut(Schema):
    plan_id: int
    fraction_met: float
    daily: dict[str, str]
    total: dict[str, str]
    handed_on: dict[str, str]
    received: dict[str, str]


class RecipeIn(Schema):
    code: str = column(Recipe, "code")
    name: str = column(Recipe, "name", "")
    skill: str = column(Skill, "code")
    batches_per_day_per_worker: float = column(Recipe, "batches_per_day_per_worker")
    inputs: Amounts
    outputs: Amounts
    worker_kcal_per_batch: float = column(Recipe, "worker_kcal_per_batch", 0.0)
    food_kcal_per_batch: float = column(Recipe, "food_kcal_per_batch", 0.0)
    keep_on_hand: Amounts = {}
    notes: str = column(Recipe, "notes", "")


class RecipeOut(Schema):
    code: str
    name: str
    skill: str = Field(alias="skill.code")
    batches_per_day_per_worker: float
    inputs: dict[str, float]
    outputs: dict[str, float]

    @staticmethod
    def resolve_inputs(recipe: Recipe) -> dict[str, float]:
        inputs = {line.item.code: line.quantity for line in recipe.inputs.all()}
        return inputs | ({"kcal": recipe.food_kcal_per_batch} if recipe.food_kcal_per_batch else {})

    @staticmethod
    def resolve_outputs(recipe: Recipe) -> dict[str, float]:
        return {line.item.code: line.quantity for line in recipe.outputs.all()}


class OrderIn(Schema):
    recipe: str = column(Recipe, "code")
    batches: int = column(ProductionOrder, "batches", ge=1)
    store: StoreRef
    fabricator_id: Id
    note: str = column(ProductionOrder, "note", "")


class OrderOut(Schema):
    id: int
    recipe: str = Field(alias="recipe.code")
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
    horizon_days: int = Field(settings.HAVEN_FORECAST_HORIZON_DAYS, ge=1, le=MAX_HORIZON_DAYS)
    scenarios: int = Field(settings.HAVEN_FORECAST_SCENARIOS, ge=1, le=100_000)
    people_leave: int = Field(0, ge=0, le=10_000_000)
    people_arrive: int = Field(0, ge=0, le=10_000_000)
    store_lost: StoreRef | None = None
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


def _plans() -> Any:
    return DistributionPlan.objects.select_related("store").prefetch_related(
        Prefetch("items", queryset=PlanItem.objects.select_related("item")), "classes"
    )


def _plan(plan_id: int) -> DistributionPlan:
    return _plans().get(pk=services.get_plan(plan_id).pk)  # type: ignore[no-any-return]


def _store(name: str | None) -> Any:
    return services.get_store(name) if name else services.default_store()


@router.get("/plans", response=page_of(RationPlanOut), summary="Recent distribution plans")
def list_plans(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "rations.view_distributionplan")
    return paginate(_plans(), page)


@router.post("/plans", response={201: RationPlanOut}, summary="Preview a fair distribution plan")
def create_plan(request: HttpRequest, payload: RationPlanIn) -> WithStatus[DistributionPlan]:
    require(request.user, "rations.plan_distribution")
    plan = services.preview_plan(
        by=request.user,
        store=services.get_store(payload.store) if payload.store else None,
        horizon_days=payload.horizon_days,
        note=payload.note,
    )
    return WithStatus(201, _plan(plan.pk))


@router.get("/plans/{int:plan_id}", response=RationPlanOut, summary="One plan")
def get_plan(request: HttpRequest, plan_id: Id) -> DistributionPlan:
    require(request.user, "rations.view_distributionplan")
    return _plan(plan_id)


@router.post("/plans/{int:plan_id}/apply", response=RationPlanOut, summary="Apply a draft plan")
def apply_plan(request: HttpRequest, plan_id: Id) -> DistributionPlan:
    require(request.user, "rations.apply_distribution")
    plan = services.apply_plan(by=request.user, plan=services.get_plan(plan_id))
    return _plan(plan.pk)


@router.get(
    "/plans/{int:plan_id}/households",
    response=page_of(HouseholdShareOut),
    summary="The distribution list: each household's share",
)
def households(request: HttpRequest, plan_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "rations.view_distributionplan")
    plan = services.get_plan(plan_id)
    codes = dict(plan.items.values_list("item_id", "item__code"))
    result = paginate(services.distribution_list(plan), page)
    result["items"] = [
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
        for share in result["items"]
    ]
    return result


@router.post(
    "/plans/{int:plan_id}/handouts",
    response={201: list[HandoutOut]},
    summary="Record stock handed out (one item, or the whole share)",
)
def record_handout(
    request: HttpRequest, plan_id: Id, payload: HandoutIn
) -> WithStatus[list[Handout]]:
    require(request.user, "rations.record_handout")
    plan = services.get_plan(plan_id)
    household = None
    if payload.household_id is not None:
        household = Household.objects.filter(pk=payload.household_id).first()
        if household is None:
            raise HavenError(
                _("no household with id %(household_id)s") % {"household_id": payload.household_id}
            )
    person = services.get_person(payload.person_id) if payload.person_id is not None else None
    if payload.item is None:
        done = services.record_full_handout(
            by=request.user, plan=plan, household=household, person=person, note=payload.note
        )
    else:
        if payload.quantity is None:
            raise HavenError(_("give the quantity of %(item)r handed out") % {"item": payload.item})
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
    return WithStatus(201, done)


@router.post("/transfers", response={201: RationTransferOut}, summary="Record a ration handed on")
def record_transfer(request: HttpRequest, payload: RationTransferIn) -> WithStatus[RationTransfer]:
    require(request.user, "rations.record_transfer")
    transfer = services.record_transfer(
        by=request.user,
        from_person=services.get_person(payload.from_person_id),
        to_person=services.get_person(payload.to_person_id),
        item=services.get_item(payload.item),
        quantity=payload.quantity,
        reason=payload.reason,
    )
    return WithStatus(201, transfer)


@router.get(
    "/mine", response={200: MyRationOut, 400: ErrorOut}, summary="My ration in the applied plan"
)
def my_ration(request: HttpRequest) -> dict[str, Any]:
    require(request.user, "rations.view_own_ration")
    from haven.people.models import Person

    person = (
        Person.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    )
    if person is None:
        raise HavenError(_("your account is not linked to a person in the registry"))
    plan = services.latest_plan(applied_only=True)
    if plan is None:
        raise HavenError(_("no distribution plan has been applied yet"))
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


def _recipes() -> Any:
    return Recipe.objects.select_related("skill").prefetch_related(
        Prefetch("inputs", queryset=RecipeInput.objects.select_related("item")),
        Prefetch("outputs", queryset=RecipeOutput.objects.select_related("item")),
    )


@router.get("/recipes", response=page_of(RecipeOut), summary="Recipes")
def list_recipes(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "rations.view_recipe")
    return paginate(_recipes(), page)


@router.post("/recipes", response={201: RecipeOut}, summary="Add a recipe")
def create_recipe(request: HttpRequest, payload: RecipeIn) -> WithStatus[Recipe]:
    require(request.user, "rations.add_recipe")
    recipe = services.create_recipe(by=request.user, **payload.dict())
    return WithStatus(201, _recipes().get(pk=recipe.pk))


@router.get("/production/proposal", response=ProposalOut, summary="What to make")
def production_proposal(
    request: HttpRequest,
    store: StoreRef | None = None,
    horizon_days: int = Query(7, ge=1, le=MAX_HORIZON_DAYS),  # type: ignore[type-arg]
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


@router.post("/production/orders", response={201: OrderOut}, summary="Make batches of a recipe")
def production_order(request: HttpRequest, payload: OrderIn) -> WithStatus[ProductionOrder]:
    require(request.user, "rations.order_production")
    order = services.order_production(
        by=request.user,
        recipe=services.get_recipe(payload.recipe),
        batches=payload.batches,
        store=services.get_store(payload.store),
        fabricator=services.get_person(payload.fabricator_id),
        note=payload.note,
    )
    return WithStatus(201, order)


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

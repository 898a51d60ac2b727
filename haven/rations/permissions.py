"""Who may do what with rations, production and the runway forecast.

- quartermaster (and commander, who holds every right): preview and apply distribution
  plans, record hand-outs and transfers, add recipes, see and run production, forecast.
- clerk: sees plans and distribution lists, records hand-outs and ration transfers at
  the distribution point; no planning, no production, no forecast.
- medic: sees distribution plans, the production proposal and the forecast (the medical
  supplies are theirs to worry about); changes nothing.
- scout and member: see their own ration only (their share in the applied plan and what
  they handed on); no camp-wide figures, which are operational information.
"""

from __future__ import annotations

OWN = ["rations.view_own_ration"]
SEE_PLANS = ["rations.view_distributionplan", *OWN]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "member": OWN,
    "scout": OWN,
    "clerk": [*SEE_PLANS, "rations.record_handout", "rations.record_transfer"],
    "medic": [
        *SEE_PLANS,
        "rations.view_forecast",
        "rations.plan_production",
        "rations.view_recipe",
    ],
    "quartermaster": [
        *SEE_PLANS,
        "rations.plan_distribution",
        "rations.apply_distribution",
        "rations.record_handout",
        "rations.record_transfer",
        "rations.view_forecast",
        "rations.plan_production",
        "rations.order_production",
        "rations.view_recipe",
        "rations.add_recipe",
    ],
}

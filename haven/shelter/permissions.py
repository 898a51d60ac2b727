"""Who may do what with shelters.

* Everyone (member, scout included) sees the board: shelters, capacity, fill and the
  shortfall — counts only, no names. Where a person sleeps is protection-sensitive
  (who is alone, where the children are), so scouts and members, who leave the camp or hold
  no duty for it, do not see names.
* The medic also sees who lies in the injured wards (and nowhere else): the ward is theirs.
* The quartermaster manages shelters (adds, edits, records damage or destruction) but does
  not see who sleeps where (need-to-know, haven/core/policy.py: the shelter group is the
  clerk's and the commander's); moving people stays with the clerk and commander.
* The clerk manages shelters, checks people in and out, makes and applies plans.
* The commander holds every permission granted to anyone.
"""

from __future__ import annotations

VIEW = ["shelter.view_shelter"]
MANAGE = ["shelter.add_shelter", "shelter.change_shelter"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "member": [*VIEW],
    "scout": [*VIEW],
    "medic": [*VIEW, "shelter.view_injured_ward"],
    "quartermaster": [*VIEW, *MANAGE],
    "clerk": [
        *VIEW,
        *MANAGE,
        "shelter.view_occupants",
        "shelter.view_injured_ward",
        "shelter.assign_shelter",
        "shelter.plan_allocation",
    ],
}

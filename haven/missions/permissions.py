"""Who may do what with supply missions.

- quartermaster: plans missions, checks teams out and in, receives the yield, sees all.
- scout: sees the missions they are on (as a team member) and checks them out and in.
- commander: everything granted to anyone.
- medic, clerk, member: nothing here (the roster shows who is out on a mission).
"""

from __future__ import annotations

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "quartermaster": [
        "missions.view_mission",
        "missions.view_all_missions",
        "missions.add_mission",
        "missions.change_mission",
        "missions.check_team",
        "missions.receive_yield",
    ],
    "scout": ["missions.view_mission", "missions.check_team"],
}

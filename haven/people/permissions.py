from __future__ import annotations

ALL_STAFF = ["people.view_person", "people.view_person_details", "people.view_household"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "member": ["people.view_person"],
    "scout": [*ALL_STAFF, "people.check_in_muster"],
    "quartermaster": [*ALL_STAFF, "people.check_in_muster"],
    "medic": [*ALL_STAFF, "people.check_in_muster", "people.change_status"],
    "clerk": [
        *ALL_STAFF,
        "people.add_person",
        "people.change_person",
        "people.change_status",
        "people.run_muster",
        "people.check_in_muster",
        "people.record_departure",
        "people.import_people",
        "people.export_people",
        "people.add_household",
        "people.add_team",
    ],
}

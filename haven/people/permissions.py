"""Who may open which people pages and operations. Which fields of a record each role then
sees is the access policy's (haven/core/policy.py): everyone with view_person sees the
roster's names; view_person_details opens other people's records (staff who see identity);
view_household lists the households (the quartermaster plans by household)."""

from __future__ import annotations

NAMES = ["people.view_person"]
DETAILS = [*NAMES, "people.view_person_details"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "member": NAMES,
    "scout": [*NAMES, "people.check_in_muster"],
    "quartermaster": [*NAMES, "people.view_household", "people.check_in_muster"],
    "medic": [*DETAILS, "people.check_in_muster", "people.change_status"],
    "clerk": [
        *DETAILS,
        "people.view_household",
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
        "people.merge_people",
    ],
}

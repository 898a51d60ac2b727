from __future__ import annotations

EVERY_ROLE = ["health.view_casualty_register"]

MEDICAL = [
    *EVERY_ROLE,
    "health.view_medical_details",
    "health.view_triagerecord",
    "health.add_triagerecord",
    "health.add_injury",
    "health.add_treatment",
    "health.record_outcome",
    "health.view_deathrecord",
    "health.add_deathrecord",
    "health.change_deathrecord",
    "health.confirm_deathrecord",
    "health.correct_deathrecord",
    # An unidentified casualty is registered at triage without the clerk's general right.
    "health.register_unknown_casualty",
    "health.identify_casualty",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "member": EVERY_ROLE,
    "scout": EVERY_ROLE,
    "quartermaster": EVERY_ROLE,
    "clerk": [*EVERY_ROLE, "health.identify_casualty"],
    "medic": MEDICAL,
    # The commander holds every permission above, and alone sets the starting population.
    "commander": ["health.set_starting_population"],
}

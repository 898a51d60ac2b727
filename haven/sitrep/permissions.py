"""Who sees the situation report, and which of its parts (haven.sitrep.figures.SECTIONS).

- commander: all of it, and writes the note (holds every permission granted to anyone).
- clerk: people, casualties, shelter (the registry and where people sleep are theirs).
- medic: people, casualties and the triage figures, supplies (medical stock is theirs).
- quartermaster: people, supplies, missions (they feed and supply the camp).
- scout, member: no camp-wide report: it tells an outsider how weak the camp is.

Each part of the page is shown to a role that holds the part's own permission (e.g. the
missions part needs `missions.view_all_missions`), so a role sees here only figures it could
count itself elsewhere.
"""

from __future__ import annotations

VIEW = ["sitrep.view_sitrep"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "clerk": VIEW,
    "medic": VIEW,
    "quartermaster": VIEW,
    "commander": ["sitrep.write_sitrep_note"],
}

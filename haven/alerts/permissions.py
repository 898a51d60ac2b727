"""Who may do what with alerts. The commander drafts, approves and issues (and holds every
right granted to anyone); a second commander account (the demo's "deputy") is the second
person of the two-person rule. Clerks and medics may draft, so the person who sees a threat
first can write it down; they cannot approve or issue. Everyone reads issued alerts, and
every signed-in user acknowledges them (no right needed). Who has not acknowledged is the
commander's to see."""

from __future__ import annotations

VIEW = ["alerts.view_alert"]
DRAFT = [*VIEW, "alerts.draft_alert"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "member": VIEW,
    "scout": VIEW,
    "quartermaster": VIEW,
    "medic": DRAFT,
    "clerk": DRAFT,
    "commander": [
        *DRAFT,
        "alerts.approve_alert",
        "alerts.issue_alert",
        "alerts.view_acknowledgements",
    ],
}

from __future__ import annotations

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # The camp's location (haven.core.models.CampLocation): only the commander sets it.
    # Nobody gets core.view_location by role: an admin grants it to a user who needs it.
    "commander": ["auth.view_user", "accounts.add_apitoken", "core.set_camp_location"],
}

"""The camp's own location: only the commander sets it. Nobody is given
core.view_location by role — an admin grants it to a user who needs it."""

from __future__ import annotations

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "commander": ["core.set_camp_location"],
}

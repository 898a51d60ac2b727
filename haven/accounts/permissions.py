from __future__ import annotations

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "commander": ["auth.view_user", "accounts.add_apitoken"],
}

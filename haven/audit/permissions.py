"""The audit log and the lockdown are the commander's alone."""

from __future__ import annotations

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "commander": ["audit.view_auditevent", "audit.lockdown"],
}

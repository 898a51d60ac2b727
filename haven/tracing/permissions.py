"""Who may trace. The tracing officer is the clerk (registration desk); the medic reads the
requests (people found injured are brought to the clinic) but decides nothing. What each
role then sees of a request is the access policy's: the asker's contact is the contact
group (hidden from the medic), the last-seen place the location group (commander only)."""

from __future__ import annotations

READ = ["tracing.view_tracingrequest"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "medic": READ,
    "clerk": [
        *READ,
        "tracing.add_tracingrequest",
        "tracing.change_tracingrequest",
        "tracing.decide_candidate",
        "tracing.scan_registry",
        "tracing.exchange_pfif",
    ],
}

"""Limits every entry point applies alike (API, pages, commands)."""

from __future__ import annotations

# Ids are 64-bit (BigAutoField); a larger number names no record and overflows SQLite.
MAX_ID = 2**63 - 1
# A TextField has no length of its own; no note, description or list needs more than this.
TEXT_MAX_LENGTH = 10_000
# A search of thousands of words is a query the database cannot plan.
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 12


def as_id(text: object) -> int | None:
    """`text` as a record id if it is one (ASCII digits, "#" allowed, within range), else None:
    "¹" is a digit to Python but no number, and 20 digits overflow the database."""
    value = str(text).strip().lstrip("#")
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    return None

"""Limits every entry point applies alike (API, pages, commands)."""

from __future__ import annotations

# Ids are 64-bit (BigAutoField); a larger number names no record and overflows SQLite.
MAX_ID = 2**63 - 1
# A TextField has no length of its own; no note, description or list needs more than this.
TEXT_MAX_LENGTH = 10_000
# A search of thousands of words is a query the database cannot plan.
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 12

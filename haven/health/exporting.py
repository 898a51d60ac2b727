"""Casualty figures as CSV or HXL (a header row, then a row of HXL hashtags)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from haven.core.tabular import write_csv
from haven.health.figures import casualty_figures

COLUMNS = (
    ("date", "#date+occurred"),
    ("place", "#loc+name"),
    ("cause", "#cause+code"),
    ("cause_label", "#cause+name"),
    ("killed", "#affected+killed"),
    ("injured", "#affected+injured"),
    ("missing", "#affected+missing"),
)
FORMATS = ("csv", "hxl")


def export_figures(out: TextIO, fmt: str = "csv") -> int:
    """Write one row per date, place and cause; return the number of rows."""
    figures = casualty_figures()

    def rows() -> Iterator[list[Any]]:
        yield [name for name, _ in COLUMNS]
        if fmt == "hxl":
            yield [tag for _, tag in COLUMNS]
        for row in figures.rows:
            yield [
                row.day.isoformat(),
                row.place,
                row.cause,
                row.cause_label,
                row.killed,
                row.injured,
                row.missing,
            ]

    write_csv(out, rows())
    return len(figures.rows)

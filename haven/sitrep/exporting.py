"""The SITREP out of Haven: HXL CSV (one row per indicator) and PDF (WeasyPrint)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from haven.core.tabular import write_csv
from haven.sitrep.figures import Sitrep
from haven.sitrep.indicators import camp_location, indicators

# The schema the export is validated against (libhxl, `hxl.schema`): shipped with Haven.
SCHEMA = Path(__file__).with_name("hxl_schema.csv")

COLUMNS = (
    ("Date", "#date"),
    ("Location", "#loc+name"),
    ("Indicator code", "#indicator+code"),
    ("Indicator", "#indicator+name"),
    ("Value", "#indicator+value+num"),
    ("Unit", "#indicator+unit"),
    ("Threshold", "#indicator+threshold+num"),
    ("Flagged", "#indicator+flagged"),
    ("Population", "#population+total"),
    ("Women and girls", "#population+f"),
    ("Men and boys", "#population+m"),
    ("Children (under 18)", "#population+children"),
    ("Elderly (60+)", "#population+elderly"),
    ("Killed", "#affected+killed"),
    ("Missing", "#affected+missing"),
    ("Injured", "#affected+injured"),
)
FORMATS = ("html", "pdf", "hxl")


def _cell(value: Any) -> Any:
    return "" if value is None else value


def hxl_rows(report: Sitrep, *, sections: frozenset[str], user: Any) -> Iterator[list[Any]]:
    """The header, the HXL hashtag row, then one row per indicator the reader may see.
    The location reads "hidden" where the access policy hides the camp's from `user`."""
    yield [name for name, _ in COLUMNS]
    yield [tag for _, tag in COLUMNS]
    day = timezone.localtime(report.period.end).date().isoformat()
    place = camp_location(user)
    for indicator in indicators(report, sections):
        population = indicator.population or {}
        affected = indicator.affected or {}
        yield [
            day,
            place,
            indicator.key,
            indicator.name,
            _cell(indicator.value),
            indicator.unit,
            _cell(indicator.threshold),
            "yes" if indicator.flagged else "",
            _cell(population.get("total")),
            _cell(population.get("f")),
            _cell(population.get("m")),
            _cell(population.get("children")),
            _cell(population.get("elderly")),
            _cell(affected.get("killed")),
            _cell(affected.get("missing")),
            _cell(affected.get("injured")),
        ]


def write_hxl(out: IO[str] | Any, report: Sitrep, *, sections: frozenset[str], user: Any) -> int:
    """Write the HXL CSV; returns the number of indicator rows."""
    return write_csv(out, hxl_rows(report, sections=sections, user=user)) - 2


class PdfUnavailable(Exception):
    """WeasyPrint, or the system library it draws text with, is not installed."""


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError as error:
        raise PdfUnavailable(
            f"cannot make a PDF: {error} (install WeasyPrint's system library Pango: "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        ) from None
    except OSError as error:  # the Python package is there, Pango is not
        raise PdfUnavailable(
            f"cannot make a PDF: the Pango library is missing ({error}); "
            "install it: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from None
    return weasyprint


def render_document(context: dict[str, Any], *, base_url: str | None = None) -> Any:
    """The SITREP laid out on A4 pages by WeasyPrint (its `pages` are the printed pages)."""
    weasyprint = _weasyprint()
    html = render_to_string("sitrep/pdf.html", context)
    css = finders.find("sitrep/sitrep.css")
    stylesheets = [weasyprint.CSS(filename=css)] if css else []
    return weasyprint.HTML(string=html, base_url=base_url).render(stylesheets=stylesheets)


def render_pdf(context: dict[str, Any], *, base_url: str | None = None) -> bytes:
    """The SITREP page (the same template, print layout) as an A4 PDF."""
    data: bytes = render_document(context, base_url=base_url).write_pdf()
    return data

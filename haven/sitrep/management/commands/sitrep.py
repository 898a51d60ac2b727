from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.template.loader import render_to_string

from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.sitrep import services
from haven.sitrep.exporting import FORMATS, PdfUnavailable, render_pdf, write_hxl
from haven.sitrep.indicators import visible_sections
from haven.sitrep.period import DEFAULT_PERIOD
from haven.sitrep.views import report_context


class Command(HavenCommand):
    help = (
        "The situation report of a period: `haven sitrep [--period 24h] [--end TIME] "
        "[--format html|pdf|hxl] -o FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", default=DEFAULT_PERIOD, help="how long: 24h, 7d, 2w")
        parser.add_argument("--end", default="", help="when it ends (default now), with a zone")
        parser.add_argument("--format", choices=FORMATS, default="html")
        parser.add_argument("--output", "-o", help="file to write (html and hxl: or stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, output = options["format"], options["output"]
        if fmt == "pdf" and not output:
            raise HavenError("a PDF needs a file to go to: give -o FILE")
        report = services.sitrep(period=options["period"], end=options["end"] or None)
        if fmt == "hxl":
            if output:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    count = write_hxl(out, report, sections=visible_sections(None), user=None)
                self.stdout.write(f"wrote {count} indicators to {output}")
            else:
                write_hxl(self.stdout, report, sections=visible_sections(None), user=None)
            return
        context = report_context(None, report, links=False)
        if fmt == "pdf":
            try:
                data = render_pdf(context)
            except PdfUnavailable as error:
                raise HavenError(str(error)) from None
            with open(str(output), "wb") as file:
                file.write(data)
            self.stdout.write(f"wrote the SITREP of {report.period.text} to {output}")
            return
        html = render_to_string("sitrep/standalone.html", {**context, "inline_css": _css()})
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(html)
            self.stdout.write(f"wrote the SITREP of {report.period.text} to {output}")
        else:
            self.stdout.write(html)


def _css() -> str:
    from django.contrib.staticfiles import finders

    found = finders.find("sitrep/sitrep.css")
    if not found:
        return ""
    with open(str(found), encoding="utf-8") as file:
        return file.read()

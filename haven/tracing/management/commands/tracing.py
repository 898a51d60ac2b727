from __future__ import annotations

import io
import os
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from haven.core import policy
from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.tracing import files, matcher, services
from haven.tracing.choices import CandidateLabel, CandidateState, NoteStatus, RequestState
from haven.tracing.queries import candidates_for_review, search_requests

DEFAULT_THRESHOLD = 0.9
LIST_ROWS = 200


def _probability(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise HavenError(f"threshold {text!r} is not a number between 0 and 1") from None


def _date(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HavenError(f"{what} {text!r} is not a date (use YYYY-MM-DD)") from None


def _age(text: str | None, what: str) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise HavenError(f"{what} {text!r} is not a whole number of years") from None


class Command(HavenCommand):
    help = (
        "Tracing: `match RECORDS.csv -o PAIRS.csv` finds the people listed twice (no database); "
        "`scan` the registry; `requests …` and `candidates …`; PFIF `export` and `import`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        match = actions.add_parser(
            "match",
            help="pairs of rows of a people CSV that are one person (works without a database)",
            description=(
                "Reads the people-import columns (id, given_name, family_name, full_name, "
                "alternate_names, sex, date_of_birth, age, phone; any subset, a name column "
                "needed) and writes id_a,id_b,score for each pair judged to be one person. "
                "Rows without an id are named by their line number."
            ),
        )
        match.add_argument("file", help="CSV with a header line")
        match.add_argument("--output", "-o", help="CSV to write (default: standard output)")
        match.add_argument(
            "--threshold",
            default=str(DEFAULT_THRESHOLD),
            help=f"match probability a pair needs (0–1, default {DEFAULT_THRESHOLD})",
        )
        actions.add_parser(
            "scan",
            help="scan the whole registry and the open requests for candidate pairs",
        )
        dump = actions.add_parser(
            "export",
            help="write PFIF 1.4: the requests and the registry as person records with notes",
        )
        dump.add_argument("--format", default="pfif", choices=["pfif"])
        dump.add_argument("--since", help="only records changed on or after this date (YYYY-MM-DD)")
        dump.add_argument("--output", "-o", required=True, help="XML file to write")
        dump.add_argument(
            "--role",
            default="clerk",
            choices=list(policy.ROLE_GROUPS),
            help="whose view of the records to export (default clerk: no locations)",
        )
        load = actions.add_parser(
            "import", help="read a PFIF 1.1–1.4 file (idempotent; any bad record: nothing)"
        )
        load.add_argument("file", help="PFIF XML file")
        self._requests(actions.add_parser("requests", help="tracing requests"))
        self._candidates(actions.add_parser("candidates", help="candidate pairs to review"))

    def _requests(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=type(parser))
        verbs.required = True
        listing = verbs.add_parser("list", help="requests, newest first")
        listing.add_argument("--state", choices=RequestState.values)
        listing.add_argument("--search", "-q", default="")
        show = verbs.add_parser("show", help="one request with its candidates and history")
        show.add_argument("id")
        opening = verbs.add_parser("open", help="record someone asking for a person")
        opening.add_argument("--asker", required=True, help="who asks")
        opening.add_argument("--relationship", default="")
        opening.add_argument("--contact", default="", help="how to reach who asks")
        opening.add_argument("--name", default="", help="the sought person's full name")
        opening.add_argument("--given", default="")
        opening.add_argument("--family", default="")
        opening.add_argument("--alternate", action="append", default=[], help="another name")
        opening.add_argument("--sex", default="u", help="f, m, x or u")
        opening.add_argument("--born", help="date of birth YYYY-MM-DD")
        opening.add_argument("--age-min")
        opening.add_argument("--age-max")
        opening.add_argument("--origin", default="")
        opening.add_argument("--last-seen-place", default="")
        opening.add_argument("--features", default="")
        opening.add_argument("--photo", help="JPEG or PNG file of the sought person")
        opening.add_argument(
            "--consent", action="store_true", help="who asks agrees to sharing and matching"
        )
        note = verbs.add_parser("note", help="add a note to a request's history")
        note.add_argument("id")
        note.add_argument("--text", default="")
        note.add_argument("--status", default="", choices=NoteStatus.values)
        close = verbs.add_parser("close", help="close a request")
        close.add_argument("id")
        close.add_argument("--reason", required=True)

    def _candidates(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=type(parser))
        verbs.required = True
        listing = verbs.add_parser("list", help="proposed pairs, most probable first")
        listing.add_argument("--label", choices=CandidateLabel.values)
        for name, words in (("confirm", "a pair is one person"), ("reject", "a pair for good")):
            decide = verbs.add_parser(name, help=f"{name} {words}")
            decide.add_argument("id")
            decide.add_argument("--note", default="")

    def execute(self, *args: Any, **options: Any) -> str | None:
        # File mode reads and writes files only: it must run where no database is set up.
        self.requires_database = options.get("action") != "match"
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "match":
            self._match(
                Path(options["file"]), options["output"], _probability(options["threshold"])
            )
        elif action == "scan":
            self._scan()
        elif action == "export":
            self._export(options)
        elif action == "import":
            self._import(Path(options["file"]))
        else:
            getattr(self, f"_{action}_{options['verb']}")(options)

    def _scan(self) -> None:
        report = matcher.scan_registry(by=None)
        self.stdout.write(
            f"{report.people} people and {report.requests} open requests scanned in "
            f"{report.seconds:.1f} s ({report.indexed} indexed, {report.compared_pairs} pairs "
            f"compared): {report.duplicate_pairs} possible duplicates, {report.request_pairs} "
            f"possible matches of requests ({report.new_candidates} new candidates)"
        )

    def _export(self, options: dict[str, Any]) -> None:
        since = _date(options["since"], "since")
        moment = (
            timezone.make_aware(datetime.combine(since, time.min)) if since is not None else None
        )
        target = Path(options["output"])
        if not target.parent.is_dir():
            raise HavenError(f"no such folder for the output: {target.parent}")
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                report = services.export_pfif(stream, by=None, role=options["role"], since=moment)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"PFIF 1.4: {report.requests} request(s), {report.people} registered people and "
            f"{report.notes} notes as the {options['role']} sees them, written to {target}"
        )

    def _import(self, path: Path) -> None:
        if not path.is_file():
            raise HavenError(f"no such file: {path}")
        report = services.import_pfif(by=None, data=path.read_bytes())
        self.stdout.write(
            f"PFIF {report.version}: {report.requests} request(s) and {report.notes} note(s) "
            f"imported; {report.already_known} record(s) already here, {report.expired} expired"
        )

    def _requests_list(self, options: dict[str, Any]) -> None:
        rows = search_requests(options["search"], state=options["state"])
        for row in rows[:LIST_ROWS]:
            outcome = f" {row.outcome}" if row.outcome else ""
            self.stdout.write(
                f"#{row.pk} {row.full_name} · {row.state}{outcome} · asked by {row.asker_name} "
                f"· {timezone.localtime(row.created_at):%Y-%m-%d %H:%M}"
            )
        self.stdout.write(f"{rows.count()} request(s)")

    def _requests_show(self, options: dict[str, Any]) -> None:
        traced = services.get_request(options["id"])
        place = traced.last_seen_place
        if place:
            policy.note_read(
                None, None, policy.G.LOCATION, "tracing.tracingrequest", traced.pk, channel="cli"
            )
        lines = [
            f"#{traced.pk} {traced.full_name} · {traced.state} {traced.outcome}".rstrip(),
            f"  other names: {', '.join(traced.alternate_name_list) or '—'}",
            f"  sex {traced.sex}, born {traced.date_of_birth or '—'}, "
            f"age {traced.age_range or '—'}",
            f"  from {traced.origin or '—'}; last seen {place or '—'}",
            f"  asked by {traced.asker_name} ({traced.asker_relationship or '—'}), "
            f"contact {traced.asker_contact or '—'}; "
            f"consent {'yes' if traced.consent_to_share else 'no'}",
        ]
        for candidate in candidates_for_review(request_id=traced.pk):
            lines.append(
                f"  candidate #{candidate.pk} {candidate.label} {candidate.probability:.2f} "
                f"{candidate.state}: {candidate.person.full_name} ({candidate.person.display_id})"
                f" — {candidate.summary}"
            )
        for note in traced.notes.all():
            lines.append(
                f"  {timezone.localtime(note.created_at):%Y-%m-%d %H:%M} {note.author_name}"
                f" {note.status} {note.state} {note.text}".rstrip()
            )
        self.stdout.write("\n".join(lines))

    def _requests_open(self, options: dict[str, Any]) -> None:
        traced = services.open_request(
            by=None,
            asker_name=options["asker"],
            asker_relationship=options["relationship"],
            asker_contact=options["contact"],
            full_name=options["name"],
            given_name=options["given"],
            family_name=options["family"],
            alternate_names=options["alternate"],
            sex=options["sex"],
            date_of_birth=_date(options["born"], "date of birth"),
            age_min=_age(options["age_min"], "age min"),
            age_max=_age(options["age_max"], "age max"),
            origin=options["origin"],
            last_seen_place=options["last_seen_place"],
            distinguishing_features=options["features"],
            consent_to_share=options["consent"],
        )
        if options["photo"]:
            photo = Path(options["photo"])
            if not photo.is_file():
                raise HavenError(f"no such file: {photo}")
            services.set_photo(by=None, request=traced, content=photo.read_bytes())
        found = traced.candidates.filter(state=CandidateState.PROPOSED).count()
        self.stdout.write(f"request #{traced.pk} opened ({traced.state}, {found} candidate(s))")

    def _requests_note(self, options: dict[str, Any]) -> None:
        traced = services.get_request(options["id"])
        note = services.add_note(
            by=None, request=traced, text=options["text"], status=options["status"]
        )
        self.stdout.write(f"note #{note.pk} added to request #{traced.pk}")

    def _requests_close(self, options: dict[str, Any]) -> None:
        traced = services.get_request(options["id"])
        services.close_request(by=None, request=traced, reason=options["reason"])
        self.stdout.write(f"request #{traced.pk} closed")

    def _candidates_list(self, options: dict[str, Any]) -> None:
        rows = candidates_for_review(state=CandidateState.PROPOSED, label=options["label"])
        for row in rows[:LIST_ROWS]:
            subject = (
                f"request #{row.request_id} {row.request.full_name}"
                if row.request
                else f"{row.first_person.full_name if row.first_person else ''} "
                f"(#{row.first_person_id})"
            )
            self.stdout.write(
                f"#{row.pk} {row.label} {row.probability:.2f}: {subject} ~ "
                f"{row.person.full_name} (#{row.person_id}) — {row.summary}"
            )
        self.stdout.write(f"{rows.count()} candidate(s) to review")

    def _candidates_confirm(self, options: dict[str, Any]) -> None:
        candidate = services.get_candidate(options["id"])
        services.confirm_candidate(by=None, candidate=candidate, note=options["note"])
        self.stdout.write(f"candidate #{candidate.pk} confirmed")

    def _candidates_reject(self, options: dict[str, Any]) -> None:
        candidate = services.get_candidate(options["id"])
        services.reject_candidate(by=None, candidate=candidate, note=options["note"])
        self.stdout.write(f"candidate #{candidate.pk} rejected: never proposed again")

    def _match(self, path: Path, output: str | None, threshold: float) -> None:
        if not path.is_file():
            raise HavenError(f"no such file: {path}")
        today = timezone.localdate()
        with path.open("rb") as stream:
            records = files.read_records(stream, today=today)
        result = files.match_records(records, threshold=threshold, today=today)
        if output is None or output == "-":
            buffer = io.StringIO()
            files.write_pairs(result.pairs, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise HavenError(f"no such folder for the output: {target.parent}")
        # Written beside the target and renamed, so a failure leaves no half-written file.
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                count = files.write_pairs(result.pairs, stream)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"{count} pair(s) judged one person among {result.records} records, written to {target}"
        )

"""Reading and writing the CSV files people bring in and take out, in one place.

Reading (every importer): the bytes are UTF-8, with or without a byte-order mark, or UTF-16
with its byte-order mark; anything else — another encoding, a workbook, binary data — is
refused with one line naming the line and byte offset. Then the CSV itself: a field over
csv's size limit, a quote left open, a duplicated column, a row longer or shorter than the
header are each refused with one line naming the line and column. Nothing is guessed, so an
importer that reads every row before writing writes nothing from a bad file.

Writing (every export): a text cell a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading single quote, as
OWASP advises against CSV injection; numbers stay numbers. Reading undoes it, so an
export imports again unchanged.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from haven.core.errors import HavenError

CHUNK = 1 << 16
# A physical line may hold several fields at csv's size limit, not an unbounded blob.
LINE_LIMIT_FIELDS = 8

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

_Decode = Callable[[bytes, str, bool], tuple[str, int]]
BOMS: tuple[tuple[bytes, str, _Decode | None], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32", None),
    (codecs.BOM_UTF32_BE, "UTF-32", None),
    (codecs.BOM_UTF8, "UTF-8", codecs.utf_8_decode),
    (codecs.BOM_UTF16_LE, "UTF-16", codecs.utf_16_le_decode),
    (codecs.BOM_UTF16_BE, "UTF-16", codecs.utf_16_be_decode),
)
NOT_TEXT = (
    (b"PK\x03\x04", "a zip archive (an .xlsx or .ods workbook?)"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97 workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
)
SAVE_AS = "save it as “CSV UTF-8”"


class TabularError(HavenError):
    """The file cannot be read as CSV text; the message names the line (and column or byte)."""


# --- writing ------------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet may open it: text that would start a formula is quoted.

    A quote already in front of such text is doubled, so `unescape_cell` is its exact
    inverse; numbers (and text that is just a number, such as "-3") are left alone.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.lstrip("'").startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """Undo `safe_cell` on a cell read back from a file."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def write_csv(out: IO[str], rows: Iterable[Sequence[Any]], **dialect: Any) -> int:
    """Write `rows` (the header rows included) with every cell made safe; returns how many."""
    writer = csv.writer(out, **dialect)
    count = 0
    for row in rows:
        writer.writerow(safe_row(row))
        count += 1
    return count


# --- decoding -----------------------------------------------------------------------------


def _not_text(head: bytes) -> str | None:
    for magic, what in NOT_TEXT:
        if head.startswith(magic):
            return f"the file is {what}, not CSV text: {SAVE_AS}"
    sample = head[:512]
    if len(sample) >= 8 and sample[1::2].count(0) > len(sample) // 4:
        return f"the file looks like UTF-16 without a byte-order mark: {SAVE_AS}"
    return None


def text_lines(stream: IO[bytes] | IO[str]) -> Iterator[str]:
    """The physical lines of `stream`, each with its line break, decoded and checked.

    Binary streams are decoded as described in the module docstring; text streams are
    taken as they are. A NUL character is refused in either (it is binary data).
    """
    first = stream.read(CHUNK)
    if isinstance(first, str):
        yield from _checked_lines(_text_chunks(first, stream))  # type: ignore[arg-type]
        return
    decode: _Decode = codecs.utf_8_decode
    skipped = 0
    for bom, name, codec in BOMS:
        if first.startswith(bom):
            if codec is None:
                raise TabularError(
                    _("the file is %(name)s, which is not read here: %(save_as)s")
                    % {"name": name, "save_as": SAVE_AS}
                )
            decode, first, skipped = codec, first[len(bom) :], len(bom)
            break
    else:
        problem = _not_text(first)
        if problem:
            raise TabularError(problem)
        nul = first.find(b"\x00")
        if nul >= 0:
            line = first[:nul].count(b"\n") + 1
            raise TabularError(
                _(
                    "line %(line)s, byte offset %(nul)s: a NUL byte: "
                    "the file is binary data, not CSV text: %(save_as)s"
                )
                % {"line": line, "nul": nul, "save_as": SAVE_AS}
            )
    yield from _checked_lines(_decoded_chunks(first, stream, decode, skipped))  # type: ignore[arg-type]


def _text_chunks(first: str, stream: IO[str]) -> Iterator[str]:
    chunk = first
    while chunk:
        yield chunk
        chunk = stream.read(CHUNK)


def _decoded_chunks(first: bytes, stream: IO[bytes], decode: _Decode, offset: int) -> Iterator[str]:
    """The decoded text, chunk by chunk; a byte that does not decode is refused."""
    pending, lines, chunk = b"", 1, first
    while True:
        final = not chunk
        data = pending + chunk
        try:
            text, used = decode(data, "strict", final)
        except UnicodeDecodeError as error:
            before, _length = decode(data[: error.start], "strict", True)
            line = lines + before.count("\n")
            bad = data[error.start : error.start + 1].hex()
            encoding = "UTF-16" if decode is not codecs.utf_8_decode else "UTF-8"
            hint = "" if encoding == "UTF-16" else " (Latin-1 or Windows-1252?)"
            raise TabularError(
                _(
                    "line %(line)s, byte offset %(value)s: byte 0x%(bad)s is not "
                    "%(encoding)s; the file is in another encoding%(hint)s: %(save_as)s"
                )
                % {
                    "line": line,
                    "value": offset + error.start,
                    "bad": bad,
                    "encoding": encoding,
                    "hint": hint,
                    "save_as": SAVE_AS,
                }
            ) from error
        if text:
            yield text
            lines += text.count("\n")
        offset += used
        pending = data[used:]
        if final:
            return
        chunk = stream.read(CHUNK)


def _checked_lines(chunks: Iterator[str]) -> Iterator[str]:
    limit = csv.field_size_limit() * LINE_LIMIT_FIELDS
    line, partial = 1, ""
    for text in chunks:
        nul = text.find("\x00")
        if nul >= 0:
            where = line + text[:nul].count("\n")
            raise TabularError(
                _(
                    "line %(where)s: a NUL character: the file "
                    "is binary data, not CSV text: %(save_as)s"
                )
                % {"where": where, "save_as": SAVE_AS}
            )
        pieces = (partial + text).split("\n")
        partial = pieces.pop()
        for piece in pieces:
            yield piece + "\n"
            line += 1
        if len(partial) > limit:
            yield partial  # the reader finds the field over its limit and names it
            partial = ""
    if partial:
        yield partial


# --- reading ------------------------------------------------------------------------------


def _quoted(name: str) -> str:
    name = " ".join(name.split())
    return repr(name if len(name) <= 40 else name[:39] + "…")


def _locate(text: str, limit: int) -> tuple[int, int, str] | None:
    """Where Python's csv (strict) stops on `text`, one record: (line within the record,
    1-based column, what is wrong) — csv's own error says neither line nor column."""
    column, line, i, end = 1, 0, 0, len(text)
    while True:
        start_line, length = line, 0
        if i < end and text[i] == '"':
            i += 1
            while True:
                if i >= end:
                    return start_line, column, "a quoted field is never closed"
                char = text[i]
                if char == '"':
                    if text[i + 1 : i + 2] == '"':
                        i += 1
                    else:
                        i += 1
                        break
                elif char == "\n":
                    line += 1
                i += 1
                length += 1
                if length > limit:
                    return start_line, column, f"a field longer than {limit:,} characters"
            if i < end and text[i] not in ",\r\n":
                return line, column, "text after the closing quote of a quoted field"
        else:
            while i < end and text[i] not in ",\r\n":
                i += 1
                length += 1
                if length > limit:
                    return line, column, f"a field longer than {limit:,} characters"
            if i < end and text[i] == "\r" and text[i + 1 : i + 2] not in ("\n", ""):
                return line, column, "a carriage return inside a field that is not quoted"
        if i < end and text[i] == ",":
            column, i = column + 1, i + 1
            continue
        return None


@dataclass
class Table:
    """A CSV file's header and its data rows, read lazily: `rows()` yields (line, cells)."""

    header: list[str]
    names: list[str | None]
    _reader: Any
    _source: _Source
    _skip: Callable[[list[str]], bool] | None = None
    _width: int = field(init=False)

    def __post_init__(self) -> None:
        self._width = len(self.header)

    def column_label(self, index: int) -> str:
        if index < len(self.header) and self.header[index].strip():
            return f"column {index + 1} ({_quoted(self.header[index])})"
        return f"column {index + 1}"

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number of the row's first line, cells with any formula quote undone); blank
        rows skipped; a row with more or fewer cells than the header refused."""
        while True:
            cells = self._source.next_record(self._reader, self)
            if cells is None:
                return
            line = self._source.record_line
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if self._skip is not None and self._skip(cells):
                continue
            if len(cells) != self._width:
                if len(cells) > self._width:
                    where = f"column {self._width + 1}"
                    problem = "a cell beyond the header's last column"
                else:
                    where = self.column_label(len(cells))
                    problem = "the row ends before this column"
                raise TabularError(
                    _(
                        "line %(line)s, %(where)s: %(problem)s (%(count)s "
                        "cells in the row, %(width)s in the header)"
                    )
                    % {
                        "line": line,
                        "where": where,
                        "problem": problem,
                        "count": len(cells),
                        "width": self._width,
                    }
                )
            yield line, [unescape_cell(cell) if cell[:1] == "'" else cell for cell in cells]

    def mapped(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each row as {column name: cell}, for the columns `read_table` was told to keep."""
        keep = [(index, name) for index, name in enumerate(self.names) if name is not None]
        for line, cells in self.rows():
            yield line, {name: cells[index] for index, name in keep}


class _Source:
    """Feeds csv physical lines, remembering those of the record being read."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.pending: list[str] = []
        self.line = 0
        self.record_line = 1

    def __iter__(self) -> Iterator[str]:
        for text in self._lines:
            self.pending.append(text)
            self.line += 1
            yield text

    def next_record(self, reader: Any, table: Table | None) -> list[str] | None:
        self.pending.clear()
        try:
            cells: list[str] = next(reader)
        except StopIteration:
            return None
        except csv.Error as error:
            raise self._error(error, table) from error
        self.record_line = self.line - len(self.pending) + 1
        return cells

    def _error(self, error: csv.Error, table: Table | None) -> TabularError:
        start = self.line - len(self.pending) + 1
        found = _locate("".join(self.pending), csv.field_size_limit())
        if found is None:
            return TabularError(
                _("line %(line)s: not valid CSV (%(error)s)") % {"line": self.line, "error": error}
            )
        offset, column, problem = found
        label = table.column_label(column - 1) if table else f"column {column}"
        return TabularError(
            _("line %(value)s, %(label)s: %(problem)s")
            % {"value": start + offset, "label": label, "problem": problem}
        )


def read_table(
    stream: IO[bytes] | IO[str],
    *,
    name_of: Callable[[str], str | None] = lambda text: text.strip() or None,
    what: str = "the file",
    skip: Callable[[list[str]], bool] | None = None,
) -> Table:
    """Open a CSV with a header line. `name_of` turns each header cell into the column's
    name (None: a column the importer ignores); a name given twice is refused, naming it.
    `skip` may pass over data rows such as an HXL hashtag row (checked before its width)."""
    source = _Source(text_lines(stream))
    reader = csv.reader(source, strict=True)
    header = source.next_record(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = source.next_record(reader, None)
    if header is None:
        raise TabularError(_("%(what)s is empty: expected a header line") % {"what": what})
    names = [name_of(cell) for cell in header]
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name is None:
            continue
        if name in seen:
            raise TabularError(
                _(
                    "line %(record_line)s: column %(quoted)s appears "
                    "twice (columns %(value)s and %(value_2)s)"
                )
                % {
                    "record_line": source.record_line,
                    "quoted": _quoted(name),
                    "value": seen[name] + 1,
                    "value_2": index + 1,
                }
            )
        seen[name] = index
    return Table(header=header, names=names, _reader=reader, _source=source, _skip=skip)

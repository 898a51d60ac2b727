"""Files every importer must refuse with one line naming where (and files it must read),
built around an importer's own header and one good row so each importer runs them all."""

from __future__ import annotations

import codecs
from typing import NamedTuple


class Case(NamedTuple):
    id: str
    data: bytes
    message: str  # a regular expression the one-line error must match


def _csv(header: list[str], *rows: list[str]) -> str:
    return "".join(",".join(row) + "\n" for row in (header, *rows))


def bad_files(header: list[str], row: list[str]) -> list[Case]:
    """`row` must be a good row for `header` whose first cell is text."""
    good = _csv(header, row)
    first = header[0]
    latin = _csv(header, row, ["Jos\u00e9", *row[1:]]).encode("latin-1")
    big = _csv(header, row).encode() + b"x" * 10_000_000 + b"," + ",".join(row[1:]).encode()
    return [
        Case("latin-1", latin, r"^line 3, byte offset \d+: byte 0xe9 is not UTF-8"),
        Case(
            "utf-16 without bom",
            good.encode("utf-16-le"),
            "UTF-16 without a byte-order mark",
        ),
        Case("utf-32", good.encode("utf-32"), "the file is UTF-32"),
        Case("binary", good.encode() + bytes(range(256)) * 8, r"^line 3, byte offset \d+: a NUL"),
        Case("workbook", b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), "a zip archive"),
        Case(
            "10 MB field",
            big,
            rf"^line 3, column 1 \('{first}'\): a field longer than 131,072 characters$",
        ),
        Case(
            "duplicated column",
            _csv([*header, first], [*row, "x"]).encode(),
            rf"^line 1: column '{first}' appears twice \(columns 1 and {len(header) + 1}\)$",
        ),
        Case(
            "row too long",
            _csv(header, row, [*row, "extra"]).encode(),
            rf"^line 3, column {len(header) + 1}: a cell beyond the header's last column",
        ),
        Case(
            "row too short",
            _csv(header, row, row[:-1]).encode(),
            rf"^line 3, column {len(header)} \('{header[-1]}'\): the row ends before",
        ),
        Case(
            "unclosed quote",
            (good + '"' + ",".join(row) + "\n" + ",".join(row) + "\n").encode(),
            rf"^line 3, column 1 \('{first}'\): a quoted field is never closed$",
        ),
        Case(
            "text after a closing quote",
            (good + f'"{row[0]}"x,' + ",".join(row[1:]) + "\n").encode(),
            rf"^line 3, column 1 \('{first}'\): text after the closing quote",
        ),
        Case("empty", b"", "is empty: expected a header line"),
    ]


def good_encodings(text: str) -> list[tuple[str, bytes]]:
    """The same CSV text in every encoding the importers read."""
    return [
        ("utf-8", text.encode()),
        ("utf-8 with bom", codecs.BOM_UTF8 + text.encode()),
        ("utf-16 le", codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
        ("utf-16 be", codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
        ("crlf", text.replace("\n", "\r\n").encode()),
    ]

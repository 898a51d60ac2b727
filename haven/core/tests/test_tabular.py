"""The one place CSV is read and written: formula cells escaped and unescaped exactly,
numbers left alone, and no other module reading or writing CSV on its own."""

from __future__ import annotations

import ast
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.core.tabular import read_table, safe_cell, unescape_cell, write_csv

HAVEN = Path(__file__).resolve().parents[2]
CSV_CALLS = {"reader", "writer", "DictReader", "DictWriter"}


def test_formula_cells_get_a_quote_and_numbers_do_not() -> None:
    assert safe_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert [safe_cell(v) for v in ("+1 555", "-x", "@SUM(1)", "\tx", "\rx")] == [
        "'+1 555",
        "'-x",
        "'@SUM(1)",
        "'\tx",
        "'\rx",
    ]
    assert [safe_cell(v) for v in (-3, -2.5, "-3", "+4.5", "-1e3", "plain", "'quoted", "")] == [
        -3,
        -2.5,
        "-3",
        "+4.5",
        "-1e3",
        "plain",
        "'quoted",
        "",
    ]
    assert safe_cell("'=x") == "''=x"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1. "), max_size=8))
def test_unescape_is_the_exact_inverse(text: str) -> None:
    assert unescape_cell(safe_cell(text)) == text
    escaped = safe_cell(text)
    if escaped != text:
        assert escaped == "'" + text


def test_a_written_table_reads_back_unchanged() -> None:
    rows: list[list[object]] = [["name", "n"], ["=1+1", 5], ["-x", -3], ["multi\nline", 0]]
    out = io.StringIO()
    assert write_csv(out, rows) == 4
    table = read_table(io.StringIO(out.getvalue()))
    assert table.header == ["name", "n"]
    assert list(table.rows()) == [(2, ["=1+1", "5"]), (3, ["-x", "-3"]), (4, ["multi\nline", "0"])]


def test_no_module_reads_or_writes_csv_but_the_shared_one() -> None:
    offenders = []
    for path in HAVEN.rglob("*.py"):
        if "tests" in path.parts or path.name == "tabular.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
                and node.attr in CSV_CALLS
            ):
                offenders.append(f"{path.relative_to(HAVEN.parent)}:{node.lineno}")
    assert not offenders, f"use haven.core.tabular (read_table / write_csv): {offenders}"

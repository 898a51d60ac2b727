"""`haven tracing match`: an agency cleans a list before importing it, with no database."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

LIST = """id,given_name,family_name,full_name,sex,date_of_birth,age,phone
1,Muhammad,Yusuf,,m,1990-03-04,,+380 50 123 4567
2,محمد,يوسف,,m,1990-04-03,,050-123-4567
3,Olena,Kovalenko,,f,1988-11-02,,
4,Kovalenko,Олена,,f,1988-11-02,,
5,Rustam,Akobirow,,m,1985-02-02,,
6,,,Rustam Akobirov,m,1985-02-02,,
7,Fatima,Haddad,,f,1970-05-05,,+963 99 123 4567
8,Ahmad,Haddad,,m,2001-09-30,,+963 99 123 4567
"""


def write(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_pairs(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("tracing", *args, stdout=out)
    return out.getvalue()


# No django_db mark: any database access would fail these tests.
def test_pairs_of_one_person_are_written_with_their_score(tmp_path: Path) -> None:
    output = tmp_path / "pairs.csv"
    message = run("match", str(write(tmp_path, LIST)), "-o", str(output))
    pairs = read_pairs(output)
    assert {(row["id_a"], row["id_b"]) for row in pairs} == {("1", "2"), ("3", "4"), ("5", "6")}
    assert all(0.9 <= float(row["score"]) <= 1 for row in pairs)
    assert list(pairs[0]) == ["id_a", "id_b", "score"]
    assert "3 pair(s) judged one person among 8 records" in message


def test_a_higher_threshold_keeps_fewer_pairs(tmp_path: Path) -> None:
    path = write(tmp_path, LIST)
    everything = run("match", str(path), "--threshold", "0.5")
    strict = run("match", str(path), "--threshold", "0.99999")
    assert everything.count("\n") >= strict.count("\n")
    assert everything.startswith("id_a,id_b,score\n")


def test_rows_without_ids_are_named_by_their_line(tmp_path: Path) -> None:
    text = "given_name,family_name,date_of_birth\nOmar,Nasser,1979-02-03\nOmer,Nasser,1979-02-03\nHodan,Jama,1990-01-01\n"
    assert run("match", str(write(tmp_path, text))).splitlines()[1].startswith("2,3,")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("id,colour\n1,red\n", "unknown column(s) colour"),
        ("id,sex,age\n1,m,30\n", "no usable columns: the file needs a name column"),
        (
            "id,given_name,sex,date_of_birth,age\n1,Ali,q,1990-13-01,abc\n1,Omar,m,,\n",
            "4 problem(s), nothing matched: line 2: unknown sex 'q' (use f, m, x or u); "
            "line 2: invalid date of birth '1990-13-01' (use YYYY-MM-DD); line 2: invalid age 'abc'; "
            "line 3: duplicate id '1' (also on line 2)",
        ),
        ("id,given_name,age\n1,Ali,130\n", "line 2: age 130 is not between 0 and 120"),
        (
            "id,family_name,date_of_birth\n1,Nasser,2999-01-01\n",
            "line 2: date of birth 2999-01-01 is in the future",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(
    tmp_path: Path, text: str, message: str
) -> None:
    output = tmp_path / "pairs.csv"
    with pytest.raises(CommandError) as refused:
        run("match", str(write(tmp_path, text)), "-o", str(output))
    assert message in str(refused.value)
    assert refused.value.returncode == 2
    assert not output.exists()


@pytest.mark.parametrize("threshold", ["0", "1", "1.5", "-0.2", "nan", "high"])
def test_a_threshold_must_be_a_probability(tmp_path: Path, threshold: str) -> None:
    with pytest.raises(
        CommandError, match=r"threshold .* (is not between 0 and 1|is not a number)"
    ):
        run("match", str(write(tmp_path, LIST)), "--threshold", threshold)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"no such file: /no/such\.csv"):
        run("match", "/no/such.csv")


def test_file_mode_runs_where_no_database_was_ever_set_up(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    environment = {**os.environ, "HAVEN_DATA_DIR": str(data_dir)}
    environment.pop("HAVEN_DATABASE_URL", None)
    output = tmp_path / "pairs.csv"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "haven.cli",
            "tracing",
            "match",
            str(write(tmp_path, LIST)),
            "-o",
            str(output),
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert len(read_pairs(output)) == 3
    # The settings make the database file empty and private ahead of SQLite; nothing is in it.
    assert all(path.stat().st_size == 0 for path in data_dir.glob("*.sqlite3*"))
    refused = subprocess.run(
        [sys.executable, "-m", "haven.cli", "tracing", "match", str(tmp_path / "none.csv")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert refused.returncode == 2
    assert refused.stderr.strip() == f"haven tracing: error: no such file: {tmp_path / 'none.csv'}"

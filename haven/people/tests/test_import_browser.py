"""A clerk uploads a spreadsheet saved in the wrong encoding: the page says which line and
byte, and nobody is imported; the same file saved as UTF-8 imports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from haven.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = 'full_name,sex,notes\nAmina Yusuf,f,\nJosé Ñúñez,m,=HYPERLINK("http://x")\n'


def test_a_latin1_file_is_refused_on_the_page_then_utf8_imports(
    page_as: Callable[[str], Any], live_server: Any, tmp_path: Path
) -> None:
    page = page_as("clerk")
    page.goto(f"{live_server.url}/people/")
    page.click("text=Import CSV")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(TEXT.encode("latin-1"))
    page.set_input_files("input[name=file]", str(latin))
    page.click("button:has-text('Import')")
    page.wait_for_selector("text=is not UTF-8")
    assert "line 3, byte offset 38: byte 0xe9 is not UTF-8" in page.content()
    page.screenshot(path="/tmp/screens/imports-people-latin1.png", full_page=True)
    assert not Person.objects.exists()
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(TEXT.encode("utf-8"))
    page.set_input_files("input[name=file]", str(utf8))
    page.click("button:has-text('Import')")
    page.wait_for_selector("text=2 people imported")
    assert Person.objects.get(full_name="José Ñúñez").notes == '=HYPERLINK("http://x")'

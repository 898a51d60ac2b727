"""`haven` speaks the terminal's language: HAVEN_LANGUAGE, else LC_ALL / LC_MESSAGES / LANG."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from haven.core.commands import terminal_language

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "environment, language",
    [
        ({"HAVEN_LANGUAGE": "ar"}, "ar"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_ALL": "ar_SY.UTF-8", "LANG": "fr_FR.UTF-8"}, "ar"),
        ({"LANG": "de_DE.UTF-8"}, None),
        ({"LANG": "C.UTF-8"}, None),
        ({}, None),
    ],
)
def test_the_language_comes_from_the_terminal(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], language: str | None
) -> None:
    for name in ("HAVEN_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert terminal_language() == language


def test_a_bad_input_is_refused_in_french(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], users: dict[str, Any]
) -> None:
    from haven.accounts.management.commands.token import Command

    monkeypatch.setenv("HAVEN_LANGUAGE", "fr")
    try:
        with pytest.raises(SystemExit) as exit_:
            Command().run_from_argv(["haven", "token", "create", "nobody"])
    finally:
        translation.activate("en")
    assert exit_.value.code == 2
    assert "aucun utilisateur nommé 'nobody'" in capsys.readouterr().err

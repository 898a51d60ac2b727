"""A serving process fills its constant caches before its first request (`warm_up`), so
the first user of each process does not pay for Django's lazy start-up."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.template import Engine
from django.template.loaders.filesystem import Loader as FileLoader
from django.urls import URLResolver, clear_url_caches, reverse
from django.utils import translation

from haven.core import warmup


@pytest.fixture
def cold_process() -> Iterator[None]:
    """Caches as a process starts with them (and the garbage collector as it was after)."""
    clear_url_caches()
    for loader in Engine.get_default().template_loaders:
        loader.reset()
    yield
    gc.unfreeze()


def refuse(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("worked out again on the request path")


def test_every_language_reverses_every_namespace_without_building_a_table(
    cold_process: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    warmup.warm_up()
    monkeypatch.setattr(URLResolver, "_populate", refuse)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name in ("core:dashboard", "people:list", "stock:index", "api:openapi-json"):
                assert reverse(name)
            assert reverse("admin:index")


def test_every_haven_template_is_compiled_before_the_first_request(
    cold_process: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    warmup.warm_up()
    monkeypatch.setattr(FileLoader, "get_contents", refuse)
    names = list(warmup.haven_templates())
    assert "core/dashboard.html" in names and "people/panel_headcount.html" in names
    for name in names:
        Engine.get_default().get_template(name)


def test_what_start_up_made_is_out_of_the_collectors_reach(cold_process: None) -> None:
    gc.unfreeze()
    warmup.warm_up()
    assert gc.get_freeze_count() > 100_000


def test_the_warm_up_opens_no_database() -> None:
    # Not marked django_db: a query here fails the test (the server may start first).
    try:
        warmup.warm_up()
    finally:
        gc.unfreeze()


def test_the_wsgi_application_warms_up_when_a_server_loads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append(True))
    monkeypatch.delitem(sys.modules, "haven.wsgi", raising=False)
    importlib.import_module("haven.wsgi")
    assert calls == [True]

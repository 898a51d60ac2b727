"""Fill a serving process's constant caches before it takes its first request.

Django builds much of what a page needs lazily, once per process: the URL reverse tables
(per language; Haven's 400-odd patterns, the admin and the API included), the template
engine with every tag library, each compiled template, each language's translation
catalogs, the modules the dashboard and the menu discover. Left lazy, the first user of
every server process pays for all of it on the dashboard they land on after signing in:
at 1,000,000 people that first render took 205–234 ms of CPU on SQLite against 45–51 for
the next ones (83–100 against 28–32 on PostgreSQL, load 8.5–11), none of it work for
that user (`python -m bench.dashboard --no-warm-up`).

The objects made by starting up (these caches, Django, NumPy and SciPy) then stay for the
life of the process; Python's cyclic garbage collector would still walk them all in
every full collection, and the first full one comes due within the first requests: one
took 123 ms of CPU inside a dashboard render at load 9. `gc.freeze()` moves them out of its sight
once, here, so a later full collection walks only what requests made.

Nothing here touches the database (the server may start before it is reachable) or
holds anything that changes while the camp runs: what a page shows is never cached.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.template import Engine
from django.urls import URLResolver, get_ns_resolver, get_resolver
from django.utils import formats, translation

from haven.core.registry import app_modules

# The modules every page's menu and the dashboard discover by name, at their first use.
DISCOVERED = ("navigation", "dashboard")


def warm_up() -> None:
    """Fill the process's constant caches (URLs, templates, catalogs, discovered modules),
    then freeze what starting up made out of the garbage collector's reach."""
    for name in DISCOVERED:
        list(app_modules(name))  # imported: that is the point
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Dashboard")  # loads the language's catalogs
            formats.get_format("DATE_FORMAT")  # and its format module
            _fill_reverse_tables(get_resolver())
    engine = Engine.get_default()  # made with every tag library imported
    engine.template_context_processors  # noqa: B018 - the property imports them
    for name in haven_templates():
        engine.get_template(name)
    gc.collect()
    gc.freeze()


def _fill_reverse_tables(
    resolver: URLResolver, prefix: str = "", converters: tuple[tuple[str, Any], ...] = ()
) -> None:
    """The tables `reverse` reads in the active language: this resolver's, and for each
    namespace under it the one `reverse("namespace:name")` builds on first use (as
    `django.urls.reverse` asks for it: the prefix and converters gathered on the way)."""
    resolver.reverse_dict  # noqa: B018 - the property fills the table
    for extra, included in resolver.namespace_dict.values():
        gathered = tuple({**dict(converters), **included.pattern.converters}.items())
        get_ns_resolver(prefix + extra, included, gathered).reverse_dict  # noqa: B018
        _fill_reverse_tables(included, prefix + extra, gathered)


def haven_templates() -> Iterator[str]:
    """The name of every template Haven's apps ship, as `get_template` takes it."""
    for app in settings.HAVEN_APPS:
        folder = Path(apps.get_app_config(app.rsplit(".", 1)[-1]).path) / "templates"
        for path in sorted(folder.rglob("*.html")):
            yield path.relative_to(folder).as_posix()

"""Static files a browser may keep for a year: content-hashed names, gzip beside each.

`haven serve` collects the static files into the data folder before it starts
(`collect_static`), so every `{% static %}` names a hashed file that WhiteNoise serves with
`Cache-Control: immutable` and compressed. Where nothing was collected (the tests, a
development checkout), a name falls back to the plain file, served by the finders with a
short lifetime: a page never fails because `collectstatic` was not run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HavenStaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            return name

    def create_compressor(self, **kwargs: Any) -> Any:
        # gzip only: Brotli at its best level takes a minute of a small machine's CPU for
        # the API docs' bundle at every start, for a few per cent less on the wire.
        return super().create_compressor(use_brotli=False, **kwargs)


def newest_source() -> float:
    """When a static file that `collectstatic` copies last changed (its mtime)."""
    from django.contrib.staticfiles.finders import get_finders

    newest = 0.0
    for finder in get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, Path(storage.path(path)).stat().st_mtime)
    return newest


def collect_static() -> bool:
    """Copy, hash and compress the static files into STATIC_ROOT, unless what is there is
    already newer than every source (a restart costs nothing); True when it collected."""
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and manifest.stat().st_mtime >= newest_source():
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True

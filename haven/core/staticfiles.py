"""Static files a browser may keep for a year: content-hashed names, gzip beside each.

`haven serve` collects the static files into the data folder before it starts
(`collect_static`), so every `{% static %}` names a hashed file that WhiteNoise serves with
`Cache-Control: immutable` and compressed. Where nothing was collected (the tests, a
development checkout), a name falls back to the plain file, served by the finders with a
short lifetime: a page never fails because `collectstatic` was not run.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HavenStaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            return name


def collect_static() -> None:
    """Copy, hash and compress the static files into STATIC_ROOT (quietly; unchanged files
    are not copied again)."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

"""The translation catalogs: one per app and language, haven/<app>/locale/<lang>/LC_MESSAGES/
django.po (so that people working on different apps never edit the same file), compiled to
django.mo beside it. `scripts/messages` extracts, compiles and runs `python -m
haven.core.catalogs` to list what is still untranslated; the tests in
haven/core/tests/test_translations.py fail on the same list."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HAVEN = Path(__file__).resolve().parent.parent
# The languages translated into; English is the language of the source.
TRANSLATED = ("fr", "ar")
# Not extracted: tests speak English to developers; migrations hold no interface text.
IGNORED = ("tests", "migrations", "locale", "static", "__pycache__")


@dataclass
class Entry:
    """One message of a .po file."""

    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    value = ast.literal_eval(text.strip())
    assert isinstance(value, str)
    return value


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header too), as GNU gettext writes them."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target = ("msgid", 0)
    fuzzy = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        elif line.startswith("#,"):
            fuzzy = "fuzzy" in [flag.strip() for flag in line[2:].split(",")]
            continue
        elif line.startswith("#"):
            continue
        if not line:
            continue
        if line.startswith('"'):
            assert entry is not None, f"{path}: {raw!r} before any msgid"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + _unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        context_waiting = entry is not None and target == ("msgctxt", 0)
        if keyword == "msgctxt" or (keyword == "msgid" and not context_waiting):
            if entry is not None:
                entries.append(entry)
            entry = Entry(msgid="", fuzzy=fuzzy, obsolete=obsolete)
            fuzzy = False
        assert entry is not None, f"{path}: {raw!r} before any msgid"
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            while len(entry.msgstr) <= index:
                entry.msgstr.append("")
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest))
            target = (keyword, 0)
    if entry is not None:
        entries.append(entry)
    return entries


def messages(path: Path) -> list[Entry]:
    """The live messages of a .po file: no header, no obsolete entries."""
    return [e for e in read_po(path) if not e.is_header and not e.obsolete]


def app_dirs() -> list[Path]:
    """The folder of every Haven app, in HAVEN_APPS order."""
    from django.conf import settings

    return [HAVEN / app.rsplit(".", 1)[-1] for app in settings.HAVEN_APPS]


def catalog(app_dir: Path, language: str) -> Path:
    return app_dir / "locale" / language / "LC_MESSAGES" / "django.po"


def catalogs() -> list[tuple[Path, str, Path]]:
    """(app folder, language, .po file) for every catalog that exists."""
    found = []
    for app_dir in app_dirs():
        for language in TRANSLATED:
            path = catalog(app_dir, language)
            if path.exists():
                found.append((app_dir, language, path))
    return found


def describe(entry: Entry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    state = " [fuzzy]" if entry.fuzzy else ""
    return f"{entry.msgid!r}{context}{state}"


def untranslated() -> dict[str, list[str]]:
    """'<app> <lang>' → the messages with no translation (or a fuzzy one)."""
    missing: dict[str, list[str]] = {}
    for app_dir, language, path in catalogs():
        names = [describe(e) for e in messages(path) if not e.translated]
        if names:
            missing[f"{app_dir.name} {language}"] = names
    return missing


# Run in a fresh interpreter: makemessages works in the current folder, one app's at a time.
_EXTRACT = """
import os, sys, django
from django.core.management import call_command
django.setup()
languages, ignored, folders = sys.argv[1].split(","), sys.argv[2].split(","), sys.argv[3:]
for folder in folders:
    os.makedirs(os.path.join(folder, "locale"), exist_ok=True)
    os.chdir(folder)
    call_command("makemessages", locale=languages, ignore_patterns=ignored, no_location=True,
                 no_obsolete=True, verbosity=0)
"""


def _makemessages(folders: list[Path], languages: tuple[str, ...]) -> None:
    """Run Django's makemessages in each app folder (its files go to its own locale/)."""
    ignored = [name for name in IGNORED if name != "locale"] + ["*/tests/*"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "haven.settings"}
    # Never the app folder itself: haven/core/numbers.py would shadow the standard library's.
    paths = [str(HAVEN.parent), *env.get("PYTHONPATH", "").split(os.pathsep)]
    env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    command = [sys.executable, "-P", "-c", _EXTRACT, ",".join(languages), ",".join(ignored)]
    done = subprocess.run([*command, *map(str, folders)], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"makemessages failed:\n{done.stderr}")


def extract_all() -> None:
    """Bring every app's catalogs up to date with the strings marked in its source."""
    folders = [app_dir for app_dir in app_dirs() if app_dir.is_dir()]
    _makemessages(folders, TRANSLATED)
    for app_dir in folders:
        locale = app_dir / "locale"
        if not any(locale.rglob("*.po")):
            shutil.rmtree(locale)


def marked_in_source() -> dict[str, set[tuple[str | None, str]]]:
    """App name → the messages marked for translation in its source now (extracted in a
    copy, so the catalogs are left alone)."""
    with tempfile.TemporaryDirectory() as temporary:
        copies = []
        for app_dir in app_dirs():
            if app_dir.is_dir():
                copy = Path(temporary) / app_dir.name
                shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns(*IGNORED))
                copies.append(copy)
        _makemessages(copies, ("fr",))
        marked = {}
        for copy in copies:
            path = catalog(copy, "fr")
            marked[copy.name] = {e.key for e in messages(path)} if path.exists() else set()
        return marked


def compile_to(po: Path, mo: Path) -> None:
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(mo), str(po)],
        check=True,
        capture_output=True,
        text=True,
    )


# Words a template may show as they are in every language: names and abbreviations.
UNTRANSLATED_WORDS = {
    "Haven",
    "QR",
    "CSV",
    "HXL",
    "PFIF",
    "CAP",
    "TOTP",
    "API",
    "JSON",
    "ID",
    "kcal",
    "mmHg",
}
_SKIPPED_BLOCKS = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}"
    r"|{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}"
    r"|<script\b.*?</script>|<style\b.*?</style>",
    re.S,
)
_TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_LITERAL_IN_FILTER = re.compile(r"\|\s*(?:default|default_if_none|yesno):\s*\"([^\"]*)\"")
_SHOWN_ATTRIBUTE = re.compile(
    r"\b(?:title|placeholder|aria-label|alt|data-confirm)\s*=\s*\"([^\"]*)\"", re.S
)
_ENTITY = re.compile(r"&#?\w+;")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


def _wording(text: str) -> str:
    """The words of a piece of visible text that are not allowed to stay in English."""
    words = [word for word in _WORD.findall(_ENTITY.sub(" ", text))]
    if all(word in UNTRANSLATED_WORDS for word in words):
        return ""
    return " ".join(text.split())


def untranslated_text(source: str) -> list[str]:
    """Visible English in a template's source: text and shown attributes (title, placeholder,
    aria-label, alt, data-confirm) outside {% translate %} and {% blocktranslate %}, and
    literal defaults in filters (|default:"none")."""
    found = [literal for literal in _LITERAL_IN_FILTER.findall(source) if _wording(literal)]
    text = _SKIPPED_BLOCKS.sub(" ", source)
    text = _TAG_OR_VARIABLE.sub(" ", text)
    found += [value for value in _SHOWN_ATTRIBUTE.findall(text) if _wording(value)]
    for piece in re.split(r"<[^>]*>", text):
        if _wording(piece):
            found.append(" ".join(piece.split()))
    return found


def templates() -> list[Path]:
    """Every template of every Haven app."""
    return sorted(
        path for app_dir in app_dirs() for path in (app_dir / "templates").rglob("*.html")
    )


def report() -> int:
    """Print each app's count of messages per language and every untranslated one."""
    missing = untranslated()
    for app_dir, language, path in catalogs():
        entries = messages(path)
        done = sum(e.translated for e in entries)
        print(f"{app_dir.name:10} {language}  {done:4} of {len(entries):4} translated")
    for where, names in missing.items():
        print(f"\n{where}: {len(names)} untranslated")
        for name in names:
            print(f"  {name}")
    return 1 if missing else 0


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    django.setup()
    if sys.argv[1:] == ["extract"]:
        extract_all()
    sys.exit(report())

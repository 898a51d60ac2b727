"""The interface in French and Arabic: every catalog complete, compiled and current with the
strings marked in the source, and no template showing English outside the translation tags.
`scripts/messages` extracts, compiles and lists what these tests would name."""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import pytest

from haven.core import catalogs

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext missing (scripts/test installs it)"
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]|\{\w*\}")


def test_every_message_is_translated_in_french_and_arabic() -> None:
    missing = catalogs.untranslated()
    assert not missing, "untranslated (or fuzzy) messages — run scripts/messages:\n" + "\n".join(
        f"{where}: {name}" for where, names in missing.items() for name in names
    )


def test_there_are_catalogs_for_both_languages() -> None:
    found = {(app_dir.name, language) for app_dir, language, _ in catalogs.catalogs()}
    assert {("core", "fr"), ("core", "ar"), ("people", "fr"), ("people", "ar")} <= found
    for app_dir, _, _ in catalogs.catalogs():
        languages = {language for folder, language, _ in catalogs.catalogs() if folder == app_dir}
        assert languages == set(catalogs.TRANSLATED), app_dir.name


@needs_gettext
def test_the_catalogs_hold_every_message_marked_in_the_source() -> None:
    missing = []
    for app, marked in catalogs.marked_in_source().items():
        for language in catalogs.TRANSLATED:
            path = catalogs.catalog(catalogs.HAVEN / app, language)
            held = {e.key for e in catalogs.messages(path)} if path.exists() else set()
            missing += [f"{app} {language}: {msgid!r}" for _, msgid in sorted(marked - held)]
    assert not missing, "not in the catalogs — run scripts/messages:\n" + "\n".join(missing)


@needs_gettext
@pytest.mark.parametrize("app_dir, language, po", catalogs.catalogs(), ids=str)
def test_the_compiled_catalog_is_the_catalog(
    app_dir: Path, language: str, po: Path, tmp_path: Path
) -> None:
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed} missing — run scripts/messages"
    fresh = tmp_path / "django.mo"
    catalogs.compile_to(po, fresh)
    with committed.open("rb") as old, fresh.open("rb") as new:
        assert gettext.GNUTranslations(old)._catalog == gettext.GNUTranslations(new)._catalog, (  # type: ignore[attr-defined]
            f"{committed} is older than its .po — run scripts/messages"
        )


@pytest.mark.parametrize("app_dir, language, po", catalogs.catalogs(), ids=str)
def test_translations_keep_placeholders_and_plural_forms(
    app_dir: Path, language: str, po: Path
) -> None:
    forms = {"fr": 2, "ar": 6}[language]
    wrong = []
    for entry in catalogs.messages(po):
        if not entry.translated:
            continue
        if entry.msgid_plural and len(entry.msgstr) != forms:
            wrong.append(f"{entry.msgid!r}: {len(entry.msgstr)} plural forms, not {forms}")
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(
            PLACEHOLDER.findall(entry.msgid_plural)
        )
        for text in entry.msgstr:
            # A plural form for exactly one may say "one" instead of the number.
            if set(PLACEHOLDER.findall(text)) - wanted or (
                not entry.msgid_plural and set(PLACEHOLDER.findall(text)) != wanted
            ):
                wrong.append(f"{entry.msgid!r} → {text!r}: placeholders differ")
    assert not wrong, f"{po}:\n" + "\n".join(wrong)


# Apps whose templates are still being wrapped (issue 14); emptied as each is done.
PENDING: set[str] = set()


def test_no_template_shows_english_outside_the_translation_tags() -> None:
    found = [
        f"{path.relative_to(catalogs.HAVEN)}: {text!r}"
        for path in catalogs.templates()
        if path.relative_to(catalogs.HAVEN).parts[0] not in PENDING
        for text in catalogs.untranslated_text(path.read_text(encoding="utf-8"))
    ]
    assert not found, "wrap these in {% translate %} / {% blocktranslate %}:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source, found",
    [
        ("<p>Hello</p>", ["Hello"]),
        ('<p>{% translate "Hello" %}</p>', []),
        ("<p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}</p>", []),
        ('<input placeholder="Search a name">', ["Search a name"]),
        ('<input placeholder="{% translate "Search" %}">', []),
        ('{{ unit|default:"(no unit)" }}', ["(no unit)"]),
        ("<td>{{ count }} · CSV</td>", []),
        ("<style>.a { text-align: left }</style>{# note #}", []),
    ],
)
def test_the_template_check_finds_english(source: str, found: list[str]) -> None:
    assert catalogs.untranslated_text(source) == found

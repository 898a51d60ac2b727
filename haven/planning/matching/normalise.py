"""Names and phone numbers reduced to forms that compare across scripts and spellings.

A name is transliterated to Latin letters (anyascii covers every script a camp meets),
folded to lower case without marks, and looked up in the name-variant groups
(`data/name_variants.txt`), so "Олена", "Elena" and "Olena" all become "olena". Scripts that
write no short vowels (Arabic, Persian, Hebrew) transliterate to consonants only ("محمد" →
"mhmd"); the consonant skeleton lets such a form meet its Latin spelling ("Muhammad" →
"mhmd").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import jellyfish
from anyascii import anyascii

# Scripts written without short vowels: their transliterations are consonant skeletons.
_ABJAD = re.compile(
    r"[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u0780-\u07bf\ufb50-\ufdff\ufe70-\ufeff]"
)
_ARABIC_ARTICLE = re.compile(r"(?<!\S)ال(?=\S{2,})")
_APOSTROPHES = re.compile(r"['`’ʼ]")
_NOT_LETTERS = re.compile(r"[^a-z]+")
# Particles that clerks write or drop at will ("al-Haddad" / "Haddad").
_PARTICLES = frozenset({"al", "el", "ul"})
# Letter groups that one script writes as one letter and another as two.
_DIGRAPHS = (
    ("dzh", "J"),
    ("dj", "J"),
    ("zh", "J"),
    ("kh", "X"),
    ("sh", "S"),
    ("tch", "C"),
    ("ch", "C"),
    ("th", "T"),
    ("dh", "D"),
    ("gh", "G"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("j", "J"),
    ("w", "v"),
)
_VOWELS = re.compile(r"[aeiouyv]")
_DOUBLES = re.compile(r"(.)\1+")


def name_words(text: str) -> tuple[str, ...]:
    """The words of a name in lower-case Latin letters: any script transliterated, marks dropped."""
    return _name_words(text)


@lru_cache(maxsize=262_144)
def _name_words(text: str) -> tuple[str, ...]:
    text = _ARABIC_ARTICLE.sub("", unicodedata.normalize("NFKC", text))
    latin = _APOSTROPHES.sub("", anyascii(text).lower())
    words = tuple(word for word in _NOT_LETTERS.split(latin) if word)
    if len(words) > 1:
        words = tuple(word for word in words if word not in _PARTICLES) or words
    return words


def is_abjad(text: str) -> bool:
    """Whether the name is written in a script without short vowels (Arabic, Hebrew …)."""
    return _ABJAD.search(text) is not None


def is_latin(text: str) -> bool:
    """Whether the name is written in Latin letters only (so no transliteration happened)."""
    return all(ord(char) < 0x250 or not char.isalpha() for char in text)


def compact(text: str) -> str:
    """The name as one run of Latin letters: "Abdul-Rahman" and "Abdulrahman" compare equal."""
    return "".join(name_words(text))


@lru_cache(maxsize=262_144)
def skeleton(compact_name: str) -> str:
    """Consonants only, one letter per sound: how a vowel-less script writes the name."""
    text = _DOUBLES.sub(r"\1", compact_name)
    for pair, letter in _DIGRAPHS:
        text = text.replace(pair, letter)
    text = _VOWELS.sub("", text)
    # A final h is the Arabic feminine ending (Fatimah / Fatima), written or not.
    if len(text) > 2 and text.endswith("h"):
        text = text[:-1]
    return text


@lru_cache(maxsize=262_144)
def letter_skeleton(compact_name: str) -> str:
    """Consonants only, letter by letter: a vowel-less script writes the t and h of Tahan
    (طحان, "thn") as two letters, which `skeleton` reads as one sound (th)."""
    text = _VOWELS.sub("", _DOUBLES.sub(r"\1", compact_name))
    if len(text) > 2 and text.endswith("h"):
        text = text[:-1]
    return text


# Spellings that differ only in how a sound was written in Latin letters (Boiko / Boyko,
# Akobirov / Akobirow, Rakhimov / Rahimov, Yuliia / Julija).
_LOOSE = (
    ("dzh", "j"),
    ("kh", "h"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("w", "v"),
    ("y", "i"),
    ("ou", "u"),
    ("ee", "i"),
    ("oo", "u"),
)


@lru_cache(maxsize=262_144)
def loose_form(compact_name: str) -> str:
    """The spelling with sounds written one way: transliteration choices compare equal."""
    text = compact_name
    for pair, letter in _LOOSE:
        text = text.replace(pair, letter)
    text = _DOUBLES.sub(r"\1", text)
    if len(text) > 3 and text.endswith("h"):
        text = text[:-1]
    return text


@lru_cache(maxsize=262_144)
def phonetic_code(compact_name: str) -> str:
    """Metaphone code of the name (w read as v, so Akobirow and Akobirov meet)."""
    return jellyfish.metaphone(compact_name.replace("w", "v")) if compact_name else ""


class NameVariants:
    """Groups of spellings of one name; each spelling maps to the group's first form."""

    def __init__(self, groups: list[list[str]]) -> None:
        self._canonical: dict[str, str] = {}
        self.conflicts: list[str] = []
        for group in groups:
            forms = [compact(spelling) for spelling in group if compact(spelling)]
            if not forms:
                continue
            for form in forms:
                known = self._canonical.get(form)
                if known is not None and known != forms[0]:
                    self.conflicts.append(
                        f"{form!r} is in the groups of {known!r} and {forms[0]!r}"
                    )
                    continue
                self._canonical[form] = forms[0]

    @classmethod
    def from_text(cls, text: str) -> NameVariants:
        """Read groups written one a line, spellings separated by commas, # for comments."""
        groups = []
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                groups.append(
                    [spelling.strip() for spelling in line.split(",") if spelling.strip()]
                )
        return cls(groups)

    def canonical(self, compact_name: str) -> str:
        """The group's form for a known spelling, else the spelling itself."""
        return self._canonical.get(compact_name, compact_name)

    def same_group(self, first: str, second: str) -> bool:
        """Whether two different spellings belong to one group."""
        return (
            first != second
            and first in self._canonical
            and self.canonical(first) == self.canonical(second)
        )

    def __len__(self) -> int:
        return len(self._canonical)


@lru_cache(maxsize=1)
def default_variants() -> NameVariants:
    """The name-variant groups shipped with Haven."""
    text = (
        resources.files("haven.planning.matching")
        .joinpath("data/name_variants.txt")
        .read_text("utf-8")
    )
    return NameVariants.from_text(text)


def phone_digits(text: str) -> str:
    """The digits of a phone number, with the international prefix 00 read as +."""
    digits = "".join(char for char in text if char.isdigit())
    if text.strip().startswith("00") or digits.startswith("00"):
        digits = digits[2:]
    return digits


# Search keys: each name word as tokens a database index can find by substring.
# Loose forms are searched anywhere (a prefix typed finds the name); sounds and consonant
# skeletons only as whole tokens ("~akbrf ", "^mhmd "), as they are short and would
# otherwise meet inside every longer code. Words of other names (alternate, given, family)
# carry a "+" so that a reader who may see only the full name finds by that alone.
SOUND_MARK = "~"
SKELETON_MARK = "^"
OTHER_NAME_MARK = "+"


def _sound(word: str) -> str:
    # The sound of the loose form: Хаддад (khaddad) and Haddad sound alike.
    loose = loose_form(word)
    return (phonetic_code(loose) or loose).lower()


@lru_cache(maxsize=262_144)
def _word_tokens(word: str) -> tuple[str, ...]:
    # Cached: names repeat across a registry, and an import keys a million of them.
    canonical = default_variants().canonical(word)
    tokens = [loose_form(canonical)]
    if canonical != word and loose_form(word) not in tokens:
        tokens.append(loose_form(word))
    tokens.append(SOUND_MARK + _sound(canonical))
    skeleton_form = skeleton(canonical)
    if skeleton_form:
        tokens.append(SKELETON_MARK + skeleton_form.lower())
    return tuple(tokens)


def search_key(full_name: str, other_names: Sequence[str] = ()) -> str:
    """The tokens a person is found by, space-separated with a space at each end.

    "Mohamed Akobirow" gives " muhamad ~mhmt ^mhmd akobirov ~akbrf ^kbrv " (its words as
    their variant group's loose form, sound and skeleton), so that any spelling of those
    names, in any script, finds the person by the tokens of `search_terms`."""
    seen: set[str] = set()
    tokens: list[str] = []
    for mark, texts in (("", (full_name,)), (OTHER_NAME_MARK, other_names)):
        for text in texts:
            for token in _text_tokens(text):
                if (mark + token) not in seen and token not in seen:
                    seen.add(mark + token)
                    tokens.append(mark + token)
    return f" {' '.join(tokens)} " if tokens else ""


@lru_cache(maxsize=262_144)
def _text_tokens(text: str) -> tuple[str, ...]:
    """The tokens of every word of one name, in order (repeats left to `search_key`)."""
    return tuple(token for word in name_words(text) for token in _word_tokens(word))


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """What one word of a search looks for: a loose form (anywhere, prefixes too), and whole
    tokens of sound or skeleton (a typo, or a name written in a script without vowels)."""

    loose: str
    tokens: tuple[str, ...]


def search_terms(word: str) -> list[SearchTerms]:
    """The terms of each name word in a searched text ("Мухаммад" → one word, its terms)."""
    terms = []
    for compact_word in name_words(word):
        canonical = default_variants().canonical(compact_word)
        tokens = [SOUND_MARK + _sound(canonical)]
        # Only a name written without vowels may meet by consonants alone (Ali ≠ Leila).
        if is_abjad(word) and skeleton(canonical):
            tokens.append(SKELETON_MARK + skeleton(canonical).lower())
        terms.append(SearchTerms(loose_form(canonical), tuple(tokens)))
    return terms

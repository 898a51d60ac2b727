"""The name tokens of every person, kept as an inverted index (`NameToken`).

A duplicate check asks "who has all of these names, in any spelling or script?". Read off
`search_key` by substring (`LIKE '%word%'`) that question walks the whole registry, inside
the registration's write transaction: seconds at a million people. Here each token of a
key is a row (token, person) under an index on the token, so the people who share a word
are read from the index, and the people who share every word are the intersection of those
sets, worked out by the database.

Every writer of a key keeps the table in the same transaction:

- `Person.save()` (registrations, edits, the demo) replaces the tokens that changed;
- `Person.objects.bulk_create` adds the tokens of the people it created, and an `update`
  or `bulk_update` that writes `search_key` re-reads the keys it wrote (`refresh`);
- the CSV import adds the tokens of each batch it wrote (`add`);
- a merge changes no name: tokens stay with the merged record, which the lookup skips.

`rebuild()` compares the table with the tokens of every key and can repair it
(`haven rebuild`); migration 0010 filled it for the people registered before.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models, transaction

from haven.core.bulk import insert_values
from haven.people.choices import Status
from haven.people.models import NAME_TOKEN_LENGTH, NameToken, Person
from haven.planning.matching.normalise import OTHER_NAME_MARK, search_terms

# People read or written per round trip: a rebuild or a refresh at a million people stays
# in constant memory.
BATCH = 5000
# An IN list of ids per statement (SQLite's default limit of variables is far above).
CHUNK = 500


def tokens_of(search_key: str) -> set[str]:
    """The tokens of a key as they are indexed: every token of `search_key`, marks kept
    (a token of another name finds the person as well), none longer than a name word."""
    return {token for token in search_key.split() if len(token) <= NAME_TOKEN_LENGTH}


def word_tokens(word: str) -> set[str]:
    """The tokens that find a person by one word of a name: the loose form, the sound and
    (written without vowels) the skeleton of each of its words (`search_terms`), as a
    token of the full name or of another name."""
    found: set[str] = set()
    for terms in search_terms(word):
        for token in (terms.loose, *terms.tokens):
            found.update((token, OTHER_NAME_MARK + token))
    return {token for token in found if token and len(token) <= NAME_TOKEN_LENGTH}


# ------------------------------------------------------------------ writes, inside the caller's


def replace(person_id: int, *, before: str | None, after: str) -> None:
    """A person's key went from `before` (None: not known, so every token is rewritten)
    to `after`: only the tokens that differ are deleted and added."""
    new = tokens_of(after)
    if before is None:
        NameToken.objects.filter(person_id=person_id).delete()
        old: set[str] = set()
    else:
        old = tokens_of(before)
        if gone := old - new:
            NameToken.objects.filter(person_id=person_id, token__in=sorted(gone)).delete()
    if came := new - old:
        # A token already there (a key written around this copy of the person) is kept.
        NameToken.objects.bulk_create(
            (NameToken(person_id=person_id, token=token) for token in sorted(came)),
            ignore_conflicts=True,
        )


def add(people: Iterable[tuple[int, str]]) -> None:
    """Index the keys of people just written in bulk, given as (id, search_key).

    Six rows or so a person, so an import writes six times as many token rows as people:
    they go as plain tuples (`insert_values`), not as dicts through `insert_rows`, whose
    per-row work was half the cost of the tokens."""
    insert_values(
        NameToken,
        ["token", "person_id"],
        ((token, person_id) for person_id, key in people for token in sorted(tokens_of(key))),
    )


def refresh(ids: Sequence[int]) -> None:
    """Index again the stored keys of these people (a bulk write of `search_key`)."""
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        NameToken.objects.filter(person_id__in=chunk).delete()
        add(Person.objects.filter(pk__in=chunk).values_list("pk", "search_key"))


# ------------------------------------------------------------------ the lookup


def people_with_every(
    words: Sequence[set[str]],
    *,
    exclude: Collection[int] = (),
    sex: str = "",
    born_between: tuple[date, date] | None = None,
    limit: int,
) -> list[Person]:
    """Up to `limit` people (merged records left out) who have, for every word, one of its
    tokens (`word_tokens`). The people whose sex is `sex` and whose date of birth is
    `born_between` come first, so that the one being looked for is not cut off by a
    common name's thousands; then the earliest registered.

    The database intersects the per-word sets of ids read from the token index: the
    people table is read only for those ids, never scanned."""
    ordered = [sorted(tokens) for tokens in words if tokens]
    if not ordered:
        return []
    quote = connection.ops.quote_name
    table, person, token = quote(NameToken._meta.db_table), quote("person_id"), quote("token")
    selects = [
        f"SELECT {person} FROM {table} WHERE {token} IN ({', '.join(['%s'] * len(tokens))})"
        for tokens in ordered
    ]
    intersection = " INTERSECT ".join(selects)
    params = [token for tokens in ordered for token in tokens]
    if connection.vendor == "postgresql":
        # PostgreSQL guesses the intersection as large as its smaller set (thousands for a
        # common name) and would then hash-join a scan of the people; as an array its size
        # is unknown to the planner, which reads each id by the primary key.
        column = f"{quote(Person._meta.db_table)}.{quote('id')}"
        among: Any = models.expressions.RawSQL(
            f"{column} = ANY(ARRAY({intersection}))", params, output_field=models.BooleanField()
        )
    else:
        # SQLite reads the intersection first and each id by the primary key.
        among = models.Q(pk__in=models.expressions.RawSQL(intersection, params))
    closeness: Any = models.Value(0)
    if sex:
        closeness += models.Case(
            models.When(sex=sex, then=models.Value(0)), default=models.Value(1)
        )
    if born_between is not None:
        closeness += models.Case(
            models.When(date_of_birth__range=born_between, then=models.Value(0)),
            default=models.Value(1),
        )
    found = (
        Person.objects.filter(among)
        .exclude(status=Status.MERGED)
        .exclude(pk__in=list(exclude))
        .annotate(closeness=closeness)
        .order_by("closeness", "pk")
    )
    return list(found[:limit])


# ------------------------------------------------------------------ proof and repair


@dataclass(frozen=True, slots=True)
class TokenMismatch:
    """A person whose indexed tokens differ from the tokens of their key."""

    person_id: int
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    def __str__(self) -> str:
        parts = []
        if self.missing:
            parts.append(f"missing {' '.join(self.missing)}")
        if self.extra:
            parts.append(f"extra {' '.join(self.extra)}")
        return f"name tokens of #{self.person_id}: {'; '.join(parts)}"


@transaction.atomic
def rebuild(*, fix: bool = False) -> list[TokenMismatch]:
    """Compare the indexed tokens with the tokens of every person's key, a batch of people
    at a time; with `fix`, rewrite the tokens of each person that differs."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(NameToken._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    mismatches: list[TokenMismatch] = []
    last = 0
    while True:
        keys = dict(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "search_key")[:BATCH]
        )
        if not keys:
            break
        first, last = min(keys), max(keys)
        stored: dict[int, set[str]] = {}
        for person_id, token in NameToken.objects.filter(
            person_id__gte=first, person_id__lte=last
        ).values_list("person_id", "token"):
            stored.setdefault(person_id, set()).add(token)
        found = [
            TokenMismatch(
                person_id,
                tuple(sorted(truth - have)),
                tuple(sorted(have - truth)),
            )
            for person_id, key in keys.items()
            if (have := stored.get(person_id, set())) != (truth := tokens_of(key))
        ]
        if fix:
            for mismatch in found:
                replace(mismatch.person_id, before=None, after=keys[mismatch.person_id])
        mismatches.extend(found)
    return mismatches

from typing import Any

from django.db import migrations, models

from haven.planning.matching.normalise import search_key

BATCH = 2000
# Forgiving search reads search_key by substring (LIKE '%akobirov%'): on PostgreSQL a
# trigram index answers it without reading the registry, as for search_text.
INDEX = "people_person_search_key_trgm"


def fill_search_keys(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("people", "Person")
    last = 0
    while True:
        batch = list(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("full_name", "given_name", "family_name", "alternate_names")[:BATCH]
        )
        if not batch:
            break
        for person in batch:
            person.search_key = search_key(
                person.full_name,
                [person.given_name, person.family_name, *person.alternate_names.splitlines()],
            )
        Person.objects.bulk_update(batch, ["search_key"])
        last = batch[-1].pk


def create_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person USING gin (search_key gin_trgm_ops)"
    )


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_hot_query_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]

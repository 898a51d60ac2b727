from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from haven.core.bulk import insert_rows
from haven.people.nametokens import tokens_of

BATCH = 5000


def fill_name_tokens(apps: Any, schema_editor: Any) -> None:
    """Index the keys of everyone registered so far, a batch of people at a time (constant
    memory at a million); the indexes are made after, from the filled table."""
    Person = apps.get_model("people", "Person")
    NameToken = apps.get_model("people", "NameToken")
    last = 0
    while True:
        keys = list(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "search_key")[:BATCH]
        )
        if not keys:
            break
        insert_rows(
            NameToken,
            [
                {"person_id": pk, "token": token}
                for pk, key in keys
                for token in sorted(tokens_of(key))
            ],
        )
        last = keys[-1][0]


def analyze(apps: Any, schema_editor: Any) -> None:
    # Fresh statistics, so that the planner reads a common name's tokens as many.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE people_nametoken")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_household_name_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=100)),
                (
                    "person",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="name_tokens",
                        to="people.person",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill_name_tokens, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="nametoken",
            constraint=models.UniqueConstraint(
                fields=("person", "token"), name="people_one_name_token"
            ),
        ),
        migrations.AddIndex(
            model_name="nametoken",
            index=models.Index(fields=["token", "person"], name="people_name_token_lookup"),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    """An existing camp's issues per item × day, summed from its ledger in one statement."""
    quote = schema_editor.connection.ops.quote_name
    table = quote(apps.get_model("stock", "DailyIssue")._meta.db_table)
    ledger = quote(apps.get_model("stock", "LedgerEntry")._meta.db_table)
    schema_editor.execute(
        f"INSERT INTO {table} (item_id, day, quantity, entries) "
        f"SELECT item_id, day, SUM(quantity), COUNT(*) FROM {ledger} "
        "WHERE kind = 'issue' GROUP BY item_id, day"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stock", "0004_fielduse_handout_units"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyIssue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                (
                    "quantity",
                    models.DecimalField(decimal_places=3, default=Decimal("0"), max_digits=16),
                ),
                ("entries", models.PositiveIntegerField(default=0)),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="stock.item",
                    ),
                ),
            ],
            options={
                "ordering": ["day", "item"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "item"), name="one_daily_issue_per_item_day"
                    )
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

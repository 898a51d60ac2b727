# Headcount classes by month of birth instead of day: a class per day of birth made one
# class per person at 100,000 people. The classes are recounted from the registry.

from typing import Any

from django.db import migrations, models

KEY = (
    "status",
    "sex",
    "birth_year",
    "birth_month",
    "pregnant_or_lactating",
    "worker",
    "extra_energy_kcal",
)


def forget_the_classes(apps: Any, schema_editor: Any) -> None:
    apps.get_model("people", "HeadcountClass").objects.all().delete()


def count_the_registry(apps: Any, schema_editor: Any) -> None:
    from haven.people.aggregates import apply, counted

    apply(counted(apps.get_model("people", "Person").objects.all()))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_headcount_classes"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="headcountclass", name="one_headcount_class"),
        migrations.RunPython(forget_the_classes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="headcountclass", name="birth_month_day"),
        migrations.AddField(
            model_name="headcountclass",
            name="birth_month",
            field=models.PositiveSmallIntegerField(default=0, help_text="1–12; 0: unknown"),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="headcountclass",
            constraint=models.UniqueConstraint(fields=KEY, name="one_headcount_class"),
        ),
        # Going back leaves the day-of-birth classes empty: `haven rebuild --fix` refills them.
        migrations.RunPython(count_the_registry, forget_the_classes),
    ]

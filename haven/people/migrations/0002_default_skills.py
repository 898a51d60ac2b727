from django.db import migrations


def add_skills(apps, schema_editor):
    from haven.people.choices import DEFAULT_SKILLS

    Skill = apps.get_model("people", "Skill")
    for code, name in DEFAULT_SKILLS:
        Skill.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(add_skills, migrations.RunPython.noop)]

"""The standard catalogue: general-ration commodities (kcal per kg from the WFP/UNHCR
planning figures), drinking water, medical kits and consumables by care category,
shelter items with their covered area, hygiene, fuel, and scrap/tools for fabrication."""

from decimal import Decimal

from django.db import migrations

# code, name, category, medical category, unit, kcal, litres, doses, covered m², expires
CATALOGUE = [
    ("cereal", "Cereal (wheat flour / maize)", "food", "", "kg", 3500, 0, 0, 0, True),
    ("pulses", "Pulses (beans, lentils)", "food", "", "kg", 3350, 0, 0, 0, True),
    ("fortified-oil", "Fortified vegetable oil", "food", "", "kg", 8850, 0, 0, 0, True),
    ("blended-food", "Fortified blended food (CSB+)", "food", "", "kg", 3800, 0, 0, 0, True),
    ("sugar", "Sugar", "food", "", "kg", 4000, 0, 0, 0, False),
    ("iodized-salt", "Iodized salt", "food", "", "kg", 0, 0, 0, 0, False),
    ("ration-pack", "Ration pack (one day)", "food", "", "pack", 2100, 0, 0, 0, True),
    ("rutf", "Therapeutic food (RUTF sachet)", "food", "", "sachet", 500, 0, 0, 0, True),
    ("drinking-water", "Drinking water", "water", "", "L", 0, 1, 0, 0, False),
    ("bottled-water", "Bottled water (1.5 L)", "water", "", "bottle", 0, 1.5, 0, 0, True),
    ("trauma-kit", "Trauma kit", "medical", "trauma", "kit", 0, 0, 10, 0, True),
    ("dressing-kit", "Dressing kit", "medical", "trauma", "kit", 0, 0, 20, 0, True),
    ("tourniquet", "Tourniquet", "medical", "trauma", "piece", 0, 0, 1, 0, False),
    ("splint", "Splint", "medical", "trauma", "piece", 0, 0, 1, 0, False),
    ("burn-dressing", "Burn dressing", "medical", "burns", "piece", 0, 0, 1, 0, True),
    ("iv-fluids", "IV fluids (Ringer's lactate 1 L)", "medical", "fluids", "bag", 0, 0, 1, 0, True),
    ("oral-rehydration", "Oral rehydration salts", "medical", "fluids", "sachet", 0, 0, 1, 0, True),
    ("antibiotics", "Antibiotics course (amoxicillin)", "medical", "infection", "course", 0, 0, 1, 0, True),
    ("analgesics", "Analgesics (paracetamol, 10 doses)", "medical", "pain", "strip", 0, 0, 10, 0, True),
    ("tarpaulin", "Tarpaulin 4 × 6 m", "shelter", "", "sheet", 0, 0, 0, 18, False),
    ("family-tent", "Family tent", "shelter", "", "tent", 0, 0, 0, 16, False),
    ("blanket", "Blanket", "shelter", "", "piece", 0, 0, 0, 0, False),
    ("soap", "Soap (250 g bar)", "hygiene", "", "bar", 0, 0, 0, 0, False),
    ("diesel", "Diesel", "fuel", "", "L", 0, 0, 0, 0, False),
    ("firewood", "Firewood", "fuel", "", "kg", 0, 0, 0, 0, False),
    ("scrap-metal", "Scrap metal", "other", "", "kg", 0, 0, 0, 0, False),
    ("tools", "Hand tools", "tools", "", "set", 0, 0, 0, 0, False),
]


def load(apps, schema_editor, only=None):
    Item = apps.get_model("stock", "Item")
    for code, name, category, medical, unit, kcal, litres, doses, area, expires in CATALOGUE:
        if only is not None and code not in only:
            continue
        Item.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "medical_category": medical,
                "unit": unit,
                "kcal_per_unit": Decimal(str(kcal)),
                "litres_per_unit": Decimal(str(litres)),
                "doses_per_unit": Decimal(str(doses)),
                "covered_area_m2": Decimal(str(area)),
                "expires": expires,
            },
        )


def unload(apps, schema_editor):
    Item = apps.get_model("stock", "Item")
    Item.objects.filter(code__in=[row[0] for row in CATALOGUE], entries__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("stock", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

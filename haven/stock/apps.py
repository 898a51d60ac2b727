from __future__ import annotations

from django.apps import AppConfig


def ensure_standard_catalogue() -> None:
    """Add any item of the standard catalogue that is missing (edited items are left alone)."""
    import importlib

    from django.apps import apps

    from haven.stock.models import Item

    catalogue = importlib.import_module("haven.stock.migrations.0002_standard_catalogue")
    missing = {row[0] for row in catalogue.CATALOGUE} - set(
        Item.objects.values_list("code", flat=True)
    )
    if missing:
        catalogue.load(apps, None, only=missing)


class StockConfig(AppConfig):
    name = "haven.stock"
    label = "stock"
    verbose_name = "Stock"

    def ready(self) -> None:
        from haven.core.reference import on_every_migrate

        on_every_migrate(self, ensure_standard_catalogue)

from __future__ import annotations

from django.apps import AppConfig


class StockConfig(AppConfig):
    name = "haven.stock"
    label = "stock"
    verbose_name = "Stock"

from __future__ import annotations

from django.urls import path

from haven.stock import views

app_name = "stock"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export, name="export"),
    path("import/", views.import_list, name="import"),
    path("items/<str:ref>/", views.item_card, name="item"),
    path("items/<str:ref>/<str:action>/", views.item_action, name="action"),
    path("entries/<int:entry_id>/reverse/", views.reverse_entry, name="reverse"),
]

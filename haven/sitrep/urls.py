from __future__ import annotations

from django.urls import path

from haven.sitrep import views

app_name = "sitrep"

urlpatterns = [
    path("", views.page, name="page"),
    path("pdf/", views.pdf, name="pdf"),
    path("hxl/", views.hxl, name="hxl"),
    path("events/", views.events, name="events"),
    path("note/", views.note, name="note"),
]

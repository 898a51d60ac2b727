from __future__ import annotations

from django.urls import path

from haven.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.index, name="index"),
    path("lockdown/", views.lockdown, name="lockdown"),
]

from __future__ import annotations

from django.urls import path

from haven.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("camp/location/", views.camp_location, name="camp_location"),
]

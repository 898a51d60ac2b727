from __future__ import annotations

from django.urls import path

from haven.missions import views

app_name = "missions"

urlpatterns = [
    path("", views.board, name="board"),
    path("plan/", views.plan, name="plan"),
    path("<int:mission_id>/", views.detail, name="detail"),
    path("<int:mission_id>/depart/", views.depart, name="depart"),
    path("<int:mission_id>/return/", views.return_view, name="return"),
]

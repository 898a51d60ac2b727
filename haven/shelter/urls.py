from __future__ import annotations

from django.urls import path

from haven.shelter import views

app_name = "shelter"

urlpatterns = [
    path("", views.board, name="board"),
    path("add/", views.shelter_add, name="add"),
    path("assign/", views.assign, name="assign"),
    path("check-out/", views.check_out, name="check_out"),
    path("<int:shelter_id>/", views.shelter_detail, name="detail"),
    path("<int:shelter_id>/edit/", views.shelter_edit, name="edit"),
    path("<int:shelter_id>/condition/", views.shelter_condition, name="condition"),
    path("plans/", views.plan_index, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/apply/", views.plan_apply, name="plan_apply"),
]

from __future__ import annotations

from django.urls import path

from haven.health import views

app_name = "health"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tags/", views.queue_tags, name="queue_tags"),
    path("triage/", views.triage_start, name="triage_start"),
    path("triage/<int:person_id>/", views.triage_walk, name="triage_walk"),
    path("triage/<int:person_id>/save/", views.triage_save, name="triage_save"),
    path("triage/record/<int:record_id>/", views.triage_detail, name="triage_detail"),
    path("triage/record/<int:record_id>/tag/", views.triage_tag, name="triage_tag"),
    path("unknown/", views.unknown_add, name="unknown_add"),
    path("person/<int:person_id>/identify/", views.identify, name="identify"),
    path("person/<int:person_id>/", views.person_health, name="person"),
    path("person/<int:person_id>/injury/", views.injury_add, name="injury_add"),
    path("person/<int:person_id>/treatment/", views.treatment_add, name="treatment_add"),
    path("person/<int:person_id>/outcome/", views.outcome_add, name="outcome_add"),
    path("person/<int:person_id>/death/", views.death_add, name="death_add"),
    path("casualties/", views.register, name="register"),
    path("casualties/population/", views.starting_population, name="starting_population"),
    path("casualties/<int:record_id>/", views.death_detail, name="death_detail"),
    path("casualties/<int:record_id>/edit/", views.death_edit, name="death_edit"),
    path("casualties/<int:record_id>/confirm/", views.death_confirm, name="death_confirm"),
    path("casualties/<int:record_id>/correct/", views.death_correct, name="death_correct"),
]

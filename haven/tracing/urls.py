from __future__ import annotations

from django.urls import path

from haven.tracing import views

app_name = "tracing"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.request_new, name="request_new"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:request_id>/photo/", views.request_photo, name="request_photo"),
    path("requests/<int:request_id>/note/", views.request_note, name="request_note"),
    path("requests/<int:request_id>/close/", views.request_close, name="request_close"),
    path("candidates/", views.candidates, name="candidates"),
    path("candidates/<int:candidate_id>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:candidate_id>/decide/", views.candidate_decide, name="candidate_decide"),
]

from __future__ import annotations

from django.urls import path

from haven.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("add/", views.person_add, name="add"),
    path("export.csv", views.person_export, name="export"),
    path("import/", views.person_import, name="import"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/status/", views.person_status, name="status"),
    path("<int:person_id>/merge/", views.person_merge, name="merge"),
    path("<int:person_id>/unmerge/", views.person_unmerge, name="unmerge"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("<int:person_id>/departure/", views.person_departure, name="departure"),
    path("<int:person_id>/return/", views.person_return, name="return"),
    path("register-form/", views.registration_sheet, name="registration_sheet"),
    path("muster/", views.muster, name="muster"),
    path("muster/sheet/", views.muster_sheet, name="muster_sheet"),
    path("muster/<int:muster_id>/key-in/", views.muster_key_in, name="muster_key_in"),
    path("muster/open/", views.muster_open, name="muster_open"),
    path("muster/<int:muster_id>/", views.muster_detail, name="muster_detail"),
    path("muster/<int:muster_id>/search/", views.muster_search, name="muster_search"),
    path("muster/<int:muster_id>/counts/", views.muster_counts, name="muster_counts"),
    path("muster/<int:muster_id>/check-in/", views.muster_check_in, name="muster_check_in"),
    path("muster/<int:muster_id>/close/", views.muster_close, name="muster_close"),
    path(
        "muster/<int:muster_id>/mark-missing/",
        views.muster_mark_missing,
        name="muster_mark_missing",
    ),
    path(
        "muster/<int:muster_id>/batches/<int:batch_id>/undo/",
        views.muster_undo_batch,
        name="muster_undo_batch",
    ),
]

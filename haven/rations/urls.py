from __future__ import annotations

from django.urls import path

from haven.rations import views

app_name = "rations"

urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/apply", views.plan_apply, name="apply"),
    path("plans/<int:plan_id>/list/", views.distribution_list, name="list"),
    path("plans/<int:plan_id>/sheet/", views.distribution_sheet, name="sheet"),
    path("plans/<int:plan_id>/handout", views.handout, name="handout"),
    path("transfer/", views.transfer, name="transfer"),
    path("mine/", views.mine, name="mine"),
    path("production/", views.production, name="production"),
    path("production/order", views.production_order, name="order"),
    path("forecast/", views.forecast, name="forecast"),
]

from __future__ import annotations

from django.urls import URLPattern, path

from haven.accounts import views

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]

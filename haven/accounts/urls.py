from __future__ import annotations

from django.urls import URLPattern, path

from haven.accounts import views

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
    path("language/", views.choose_language, name="language"),
    path("2fa/verify/", views.second_factor_verify, name="second_factor_verify"),
]

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from haven.api import api
from haven.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("haven.core.urls")),
]

# Each area's pages live under /<app>/, e.g. /people/ and /stock/.
for app in settings.HAVEN_APPS:
    label = app.rsplit(".", 1)[-1]
    if label != "core":
        urlpatterns.append(path(f"{label}/", include(f"{app}.urls")))

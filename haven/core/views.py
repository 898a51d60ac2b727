from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

import haven
from haven.core.dashboard import collect_panels


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {"panels": collect_panels(request)})


def schema_version() -> str:
    """The latest applied migration of each Haven app, e.g. "people.0003,stock.0001"."""
    recorder = MigrationRecorder(connection)
    latest: dict[str, str] = {}
    for app, name in recorder.migration_qs.values_list("app", "name").order_by("app", "name"):
        latest[app] = name.split("_", 1)[0]
    from django.conf import settings

    labels = {app.rsplit(".", 1)[-1] for app in settings.HAVEN_APPS}
    return ",".join(f"{app}.{number}" for app, number in sorted(latest.items()) if app in labels)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"status": "ok", "version": haven.__version__, "schema_version": schema_version()}
    )

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

import haven
from haven.core import camp, policy
from haven.core.dashboard import collect_panels, key_figures
from haven.core.errors import HavenError


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    panels = collect_panels(request)
    return render(
        request, "core/dashboard.html", {"panels": panels, "key_figures": key_figures(panels)}
    )


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


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the API docs, a file)."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("core/favicon.svg"))


@login_required
def camp_location(request: HttpRequest) -> HttpResponse:
    """Where the camp is: the commander (and a user granted core.view_location) reads it,
    anyone else reads "hidden"; the commander sets it here."""
    location = camp.camp_location()
    error = ""
    if request.method == "POST":
        if not request.user.has_perm("core.set_camp_location"):
            raise PermissionDenied(_("your role may not set the camp's location"))
        try:
            location = camp.set_camp_location(
                by=request.user,
                name=request.POST.get("name", ""),
                latitude=request.POST.get("latitude", ""),
                longitude=request.POST.get("longitude", ""),
                description=request.POST.get("description", ""),
            )
        except HavenError as problem:
            error = str(problem)
        else:
            messages.success(request, _("The camp's location is saved."))
            return redirect("core:camp_location")
    may_see_location = location is not None and policy.may_see(
        request.user, location, policy.G.LOCATION
    )
    if location is not None and may_see_location:
        policy.note_read(request, request.user, policy.G.LOCATION, "core.camplocation", location.pk)
    return render(
        request,
        "core/camp_location.html",
        {"location": location, "may_see_location": may_see_location, "error": error},
        status=400 if error else 200,
    )

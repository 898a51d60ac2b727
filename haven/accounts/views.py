"""Account pages: change one's password (Django's validators apply); enrol and give the
TOTP second factor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import language as language_choice
from haven.accounts import second_factor, services


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:dashboard")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response


def _next_page(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return str(reverse("core:dashboard"))


def _confirmed(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    request.session[second_factor.SESSION_KEY] = second_factor.NOTHING
    return redirect(_next_page(request))


def _refusal(device: TOTPDevice, code: str) -> str:
    """Why the code is refused, or "" when it is right. Each wrong code doubles the wait
    before the next is even looked at (django-otp's throttling)."""
    allowed, _wait = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes: wait a few seconds, then give the code the app shows.")
    if device.verify_token(code.replace(" ", "")):
        return ""
    return _("Wrong code: give the six digits the app shows now.")


@login_required
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), give one code."""
    if TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).exists():
        if not request.user.is_verified():  # type: ignore[union-attr]
            return redirect(f"{reverse('accounts:second_factor_verify')}?{request.GET.urlencode()}")
        # One authenticator a person: a new phone means the commander removes the old one.
        messages.info(request, _("Your authenticator app is already set up."))
        return redirect(_next_page(request))
    device = second_factor.enrolment_device(request.user)  # type: ignore[arg-type]
    error = ""
    if request.method == "POST":
        error = _refusal(device, request.POST.get("code", ""))
        if not error:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(request, _("Your authenticator app is enrolled."))
            return _confirmed(request, device)
    context = {
        "qr": mark_safe(second_factor.qr_svg(device)),
        "secret": second_factor.secret_text(device),
        "required": second_factor.required_for(request.user),  # type: ignore[arg-type]
        "error": error,
        "next": _next_page(request),
    }
    return render(request, "accounts/second_factor_enrol.html", context)


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the enrolled authenticator app."""
    device = TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('accounts:second_factor_enrol')}?{request.GET.urlencode()}")
    error = ""
    if request.method == "POST":
        error = _refusal(device, request.POST.get("code", ""))
        if not error:
            return _confirmed(request, device)
    status = 200 if not error else 400
    context = {"error": error, "next": _next_page(request)}
    return render(request, "accounts/second_factor_verify.html", context, status=status)


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The language switch in the menu (and on the sign-in page): kept on the user's
    preferences when signed in, and in a cookie for this browser either way."""
    language = request.POST.get("language", "")
    if not language_choice.is_offered(language):
        return HttpResponseBadRequest(f"unknown language {language[:20]!r}")
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=language)
        request.session[language_choice.SESSION_KEY] = language
    response = redirect(_next_page(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response

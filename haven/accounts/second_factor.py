"""An optional TOTP second factor (django-otp): anyone may enrol an authenticator app, and the
roles in HAVEN_REQUIRE_2FA_FOR must. A signed-in session that still owes its second factor
reaches only the enrolment or verification page, and never the API."""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import checks
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.choices import Role
from haven.accounts.roles import role_of

# What a session still owes, kept in the session when the user signs in.
SESSION_KEY = "haven_second_factor"
VERIFY = "verify"
ENROL = "enrol"
NOTHING = ""
DEVICE_NAME = "authenticator app"


def required_for(user: AbstractBaseUser) -> bool:
    return role_of(user) in settings.HAVEN_REQUIRE_2FA_FOR


def owed(user: AbstractBaseUser) -> str:
    """VERIFY for a user with an authenticator, ENROL for one whose role needs it, else NOTHING."""
    if TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
        return VERIFY
    return ENROL if required_for(user) else NOTHING


def remember_what_is_owed(
    sender: Any, request: HttpRequest, user: AbstractBaseUser, **_: Any
) -> None:
    """On sign-in (user_logged_in), so that pages need no query to know."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = owed(user)


def enrolment_device(user: AbstractBaseUser) -> TOTPDevice:
    """The user's authenticator being enrolled; the same one until confirmed, so the QR
    code does not change when the page is reloaded."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code, drawn here (no outside service)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=4))


def secret_text(device: TOTPDevice) -> str:
    """The key for typing into an app by hand, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


EXEMPT_NAMES = {
    "accounts:second_factor_enrol",
    "accounts:second_factor_verify",
    "accounts:language",
    "logout",
}


class SecondFactorMiddleware:
    """Sends a session that owes its second factor to the page that takes it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():  # type: ignore[attr-defined]
            if SESSION_KEY not in request.session:
                request.session[SESSION_KEY] = owed(user)
            step = request.session[SESSION_KEY]
            if step and request.path.startswith("/api/"):
                request.user = AnonymousUser()
            elif step and self._guarded(request):
                name = "second_factor_verify" if step == VERIFY else "second_factor_enrol"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(f'accounts:{name}')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _guarded(request: HttpRequest) -> bool:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        return match.view_name not in EXEMPT_NAMES


@checks.register("haven")  # run by every command too (haven.core.commands.COMMAND_CHECKS)
def check_required_roles(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    unknown = [role for role in settings.HAVEN_REQUIRE_2FA_FOR if role not in Role.values]
    if not unknown:
        return []
    return [
        checks.Error(
            f"HAVEN_REQUIRE_2FA_FOR names unknown roles {', '.join(map(repr, unknown))}",
            hint=f"roles are {', '.join(Role.values)}",
            id="accounts.E001",
        )
    ]

"""Staff logins: the two-step admin login, who is counted for the lockout, and what a
locked-out login is told. The settings are in liverqa/settings.py ("Logins")."""

import ipaddress
from math import ceil

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm
from two_factor.views import LoginView


class AdminLoginView(LoginView):
    """Password, then a one-time code from the editor's app (or a backup code) when they have
    enrolled one; only staff accounts get past the first step, as on Django's own admin login."""

    form_list = (
        (LoginView.AUTH_STEP, AdminAuthenticationForm),
        (LoginView.TOKEN_STEP, AuthenticationTokenForm),
        (LoginView.BACKUP_STEP, BackupTokenForm),
    )


def client_ip(request: HttpRequest) -> str:
    """The address failures are counted against. With no proxy configured, the connection's own;
    behind ``LIVERQA_TRUSTED_PROXIES`` proxies, the entry the outermost one appended to
    X-Forwarded-For. Entries further left are whatever the client sent, so trusting them would
    let anyone pick a fresh address per attempt, or lock someone else's out."""
    proxies = settings.LIVERQA_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    if not proxies:
        return remote
    chain = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(chain) < proxies:
        return remote  # did not come through every proxy
    try:
        return str(ipaddress.ip_address(chain[-proxies]))
    except ValueError:
        return remote


def locked_out(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """The login page's answer while the username or address is locked: why, and for how long.
    429, so monitoring can tell lockouts from ordinary wrong passwords."""
    minutes = ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "admin/locked_out.html", {"minutes": minutes}, status=429)


def two_factor_required(request: HttpRequest) -> dict[str, bool]:
    """For the two-factor pages' note to staff who must enrol before anything else."""
    return {"two_factor_required": settings.LIVERQA_REQUIRE_2FA}

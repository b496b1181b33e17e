"""Who may log in how: one login flow for every door, its throttle, two-factor duty and
session lifetimes.

Every login — desk and Django admin alike — goes through allauth's flow, so the same
second factor (the MFA stage) and the same throttle (``ACCOUNT_RATE_LIMITS``) apply.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# The cache that must be the same for every process: granian runs two web workers, and a
# throttle or a used-code marker kept in one process's memory would not hold in the other.
SHARED_CACHE = "shared"


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponseRedirect:
    """Stands in for ``admin.site.login``: the admin's own form takes a password alone and
    has no throttle, so the admin sends everyone to allauth's login instead."""
    if request.user.is_authenticated:
        # Logged in but not staff: the admin would send them here again and again.
        raise PermissionDenied
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    query = urlencode({REDIRECT_FIELD_NAME: target})
    return HttpResponseRedirect(f"{reverse('account_login')}?{query}")


def share_allauth_state() -> None:
    """allauth keeps its login throttle and its used TOTP codes in Django's default cache,
    which is per process without Redis; point both at the shared cache instead."""
    from allauth.core.internal import ratelimit
    from allauth.mfa.totp.internal import auth
    from django.core.cache import caches
    from django.utils.connection import ConnectionProxy

    shared = ConnectionProxy(caches, SHARED_CACHE)
    ratelimit.cache = shared
    auth.cache = shared


def create_cache_tables(using: str = "default", **kwargs) -> None:
    """After ``migrate``: the shared cache's table (a no-op when it lives in Redis), so
    ``make run`` and a production deploy need no extra step."""
    call_command("createcachetable", database=using, verbosity=0)

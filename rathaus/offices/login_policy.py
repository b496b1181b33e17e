"""Who may log in how: one login flow for every door, its throttle, two-factor duty and
session lifetimes.

Every login — desk and Django admin alike — goes through allauth's flow (the admin's login
is wrapped in allauth's ``secure_admin_login`` in urls.py), so the same second factor (the
MFA stage) and the same throttle (``ACCOUNT_RATE_LIMITS``) apply.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.management import call_command
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.offices.models import Membership, Role

# The cache that must be the same for every process: granian runs two web workers, and a
# throttle or a used-code marker kept in one process's memory would not hold in the other.
SHARED_CACHE = "shared"


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


def two_factor_required(user) -> bool:
    """Staff accounts and office admins always; members of an office that asks for it."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(
        Q(role=Role.ADMIN) | Q(office__require_two_factor=True), user=user
    ).exists()


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def _has_session_cookie(request: HttpRequest) -> bool:
    """Only a request with a session cookie can be logged in. Asking ``request.user`` on
    any other request would read the session and add ``Vary: Cookie`` to public pages,
    which must stay cacheable and cookie-free."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def lacks_required_second_factor(user) -> bool:
    """``two_factor_required(user) and not has_second_factor(user)`` in one query: it runs
    on every desk request."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    if user.is_staff or user.is_superuser:
        required = Exists(get_user_model().objects.filter(pk=OuterRef("pk")))
    else:
        required = Exists(
            Membership.objects.filter(
                Q(role=Role.ADMIN) | Q(office__require_two_factor=True), user=OuterRef("pk")
            )
        )
    has = Exists(
        Authenticator.objects.filter(
            user=OuterRef("pk"), type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        )
    )
    return get_user_model().objects.filter(pk=user.pk).filter(required).exclude(has).exists()


# Where the two-factor duty applies: everything a logged-in person does. The newsroom and
# the other public pages show nothing more to a logged-in person, so they stay open.
GUARDED_PREFIXES = ("/desk/", "/admin/", "/accounts/")


def _open_while_setting_up() -> tuple[str, ...]:
    """What a person who still has to set up the second factor may reach: the set-up
    itself (with its recovery codes and the re-authentication it may ask for) and logout."""
    return (
        reverse("mfa_index"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
    )


class TwoFactorDutyMiddleware:
    """A person who must use two-factor login but has not set it up yet is sent to set up
    an authenticator app, and reaches nothing else on the desk or the admin until done.
    Whichever door they came in by, the check is here, on every request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_session_cookie(request):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith(GUARDED_PREFIXES)
            and not request.path.startswith(_open_while_setting_up())
            and lacks_required_second_factor(user)
        ):
            return self._set_up_first(request)
        return self.get_response(request)

    def _set_up_first(self, request: HttpRequest) -> HttpResponse:
        target = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            # htmx would follow a redirect inside the page; this makes it load the page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        if request.method == "GET":
            messages.warning(
                request,
                _("Your role requires two-factor login. Set up an authenticator app to continue."),
            )
        return HttpResponseRedirect(target)


# Session keys: when this login began and when it was last used (Unix seconds).
STARTED, SEEN = "rathaus_login_started", "rathaus_login_seen"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION = 60


def login_started(sender, request, user, **kwargs) -> None:
    """The login's clock starts with the login itself, saved with the session the login
    saves anyway (not by an extra write on the first page after it)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = request.session[SEEN] = now


class SessionLimitsMiddleware:
    """A login ends after ``SESSION_IDLE_HOURS`` without a request and after
    ``SESSION_MAX_HOURS`` in any case: a desk left open on a shared office computer, or
    a stolen cookie, does not stay good for weeks."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_session_cookie(request):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._expired(request):
            logout(request)
            if request.path.startswith(GUARDED_PREFIXES):
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> bool:
        session, now = request.session, int(time.time())
        idle = settings.SESSION_IDLE_HOURS * 3600
        longest = settings.SESSION_MAX_HOURS * 3600
        started, seen = session.get(STARTED), session.get(SEEN)
        if not isinstance(started, int) or not isinstance(seen, int):
            started = seen = session[STARTED] = session[SEEN] = now
        elif now - seen > idle or now - started > longest:
            return True
        elif now - seen < SEEN_RESOLUTION:
            return False
        session[SEEN] = now
        # The cookie and the stored session end with the login, not 14 days later.
        session.set_expiry(max(1, min(idle, started + longest - now)))
        return False

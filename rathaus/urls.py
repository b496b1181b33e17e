from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.urls import include, path

from rathaus.desk import errors as desk_errors
from rathaus.desk.views.members import InvitationView
from rathaus.newsroom import errors as newsroom_errors

# The admin's own login form takes a password alone: it sends to allauth's (2FA, throttle).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    # The link in an invitation to the desk (offices.members): set a first password.
    path(
        "accounts/einladung/<uidb64>/<token>/",
        InvitationView.as_view(),
        name="desk_invitation",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("desk/", include("rathaus.desk.urls")),
    # No route serves uploads (MEDIA_ROOT): the desk and the newsroom hand out each file
    # through a view that checks membership or the post's state.
    path("", include("rathaus.federation.urls")),
    path("", include("rathaus.mail.urls")),
    # Before the newsroom: /<office>/kontakt/ and the citizen's follow link.
    path("", include("rathaus.contact.urls")),
    path("", include("rathaus.answers.urls")),
    path("", include("rathaus.newsletter.urls")),
    path("", include("rathaus.newsroom.urls")),
]


# Error pages in the layout of the part of the site the address belongs to: the desk's for
# the desk and its login pages, the newsroom's (with the office, if the address names one)
# for everything public. Django calls these only with DEBUG off.
DESK_PATHS = ("/desk/", "/accounts/")


def _error_page(request: HttpRequest, status: int, **context) -> HttpResponse:
    if request.path.startswith(DESK_PATHS):
        return desk_errors.page(request, status, **context)
    return newsroom_errors.page(request, status, **context)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400)


# A form refused for its CSRF token (settings.CSRF_FAILURE_VIEW). What the person typed is
# shown again for copying, so that going back is not their only hope of keeping it; but
# only where the form came from this site: a request from another site (Origin or Referer
# refused) must not get its text shown in our layout. Secrets are never shown.
FOREIGN_REASONS = ("Origin checking failed", "Referer checking failed")
NOT_SHOWN = ("csrfmiddlewaretoken", "password", "token", "secret", "code", "nonce", "website")
MAX_SHOWN = 20


def typed_text(request: HttpRequest, reason: str) -> list[tuple[str, str]]:
    """(field name, value) of what was typed into the refused form, for copying."""
    if request.method != "POST" or reason.startswith(FOREIGN_REASONS):
        return []
    try:
        items = list(request.POST.items())
    except (SuspiciousOperation, OSError, ValueError):  # too big, cut off: show nothing
        return []
    shown = [
        (name, value)
        for name, value in items
        if value.strip() and not any(word in name.lower() for word in NOT_SHOWN)
    ]
    return shown[:MAX_SHOWN]


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(request, 403, about="csrf", typed=typed_text(request, reason))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request: no context processor, session or database query may
    run, since the failure may be in any of them."""
    desk = request.path.startswith(DESK_PATHS)
    context = {
        "stylesheet": "rathaus/desk.css" if desk else "rathaus/newsroom.css",
        "home": "/desk/" if desk else "/",
    }
    return HttpResponseServerError(loader.get_template("500.html").render(context))


handler400 = bad_request
handler404 = not_found
handler403 = permission_denied
handler500 = server_error

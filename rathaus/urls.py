from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from rathaus.desk.views.members import InvitationView

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

"""Notifications by mail, as background work (kind ``notifications.mail``): one job per
notification, sent by a worker, so that no step waits on a mail server."""

from __future__ import annotations

from collections.abc import Iterator
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.jobs import engine
from rathaus.notifications.models import Notification
from rathaus.offices.models import installation_url


def mail(notification: Notification) -> None:
    # In the installation's language, as the notification's own text.
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"{notification.office.name}: {notification.get_kind_display()}"
        body = "\n\n".join(
            [
                notification.text,
                _("Open it on the desk: %(url)s") % {"url": installation_url() + notification.url},
                _("You can turn off these emails on the notifications page of the desk."),
            ]
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.user.email])


def handle(jobs: list) -> Iterator[engine.Outcome]:
    pks = [job.payload.get("notification") for job in jobs]
    found = Notification.objects.select_related("user", "office").in_bulk(pks)
    for job in jobs:
        notification = found.get(job.payload.get("notification"))
        if notification is None or not notification.user.email:
            yield engine.done(job)  # gone with its office or person, or nowhere to send it
            continue
        try:
            mail(notification)
        except (SMTPException, OSError) as error:
            yield engine.retry(job, str(error))
        else:
            yield engine.done(job)


MAIL = engine.register(
    engine.Kind(
        "notifications.mail",
        policy=engine.Policy(
            max_attempts=5, backoff=engine.doubling(60), delete_done=True, batch=50
        ),
        handle=handle,
        # A mail sent is not taken back: record each one as soon as it went out.
        settle_each=True,
    )
)

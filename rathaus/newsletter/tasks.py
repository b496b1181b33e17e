"""Background jobs of the newsletter that are not work rows of the engine: the
confirmation mail and the daily clean-up of personal data. (Mailings are sent by the
engine's kind ``newsletter.send``, see ``background``.)"""

from __future__ import annotations

import logging
import smtplib

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)


@db_task()
def send_confirmation(subscriber_id: int) -> bool:
    """A mail server that is down loses little: the citizen can subscribe again."""
    from rathaus.newsletter import composing
    from rathaus.newsletter.models import NewsletterSettings, Subscriber

    subscriber = Subscriber.objects.select_related("office").filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.status != Subscriber.Status.PENDING:
        return False
    newsletter = NewsletterSettings.objects.filter(office=subscriber.office).first()
    if newsletter is None:
        return False
    try:
        composing.confirmation(subscriber, newsletter).send()
    except (smtplib.SMTPException, OSError):
        log.warning("newsletter confirmation %s could not be sent", subscriber_id, exc_info=True)
        return False
    return True


@db_periodic_task(crontab(hour="3", minute="40"))
def newsletter_daily_clean_up() -> tuple[int, int]:
    from rathaus.jobs import clock
    from rathaus.newsletter import subscribing

    if not clock.turn("newsletter.daily_clean_up", 86400):
        return (0, 0)
    return subscribing.purge()

"""Subscribing with double opt-in, confirming, changing and ending a subscription, and the
daily clean-up of what must not be kept (see models.py for what is kept how long).

Whatever state an address is in, subscribing answers the same: the page cannot be used to
find out who reads the newsletter. A confirmed address gets no mail at all; a pending one
gets its confirmation again at most once per RESEND_AFTER; the mail goes out from a task, so
not even the answer's timing differs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from rathaus.newsletter.models import (
    BOUNCED_DAYS,
    PENDING_DAYS,
    NewsletterSettings,
    Subscriber,
    encode_categories,
    new_token,
)
from rathaus.offices.models import Office

RESEND_AFTER = timedelta(hours=1)


def enabled_settings(office: Office) -> NewsletterSettings | None:
    """The office's newsletter settings if its newsletter is switched on."""
    return NewsletterSettings.objects.filter(office=office, enabled=True).first()


def _confirm_later(subscriber: Subscriber) -> None:
    from rathaus.newsletter import tasks

    pk = subscriber.pk
    transaction.on_commit(lambda: tasks.send_confirmation(pk))


def _create(office: Office, email: str, categories: str, language: str) -> Subscriber | None:
    try:
        with transaction.atomic():
            return Subscriber.objects.create(
                office=office,
                email=email,
                categories=categories,
                language=language,
                confirmation_sent_at=timezone.now(),
            )
    except IntegrityError:  # the same address at the same moment from a second request
        return None


def subscribe(
    office: Office, *, email: str, categories: list[str], language: str
) -> Subscriber | None:
    """Ask for a subscription of ``email``; the confirmation mail goes out after commit
    when one is due. Returns the row, or None when a parallel request made it."""
    email = email.strip()
    chosen = encode_categories(categories)
    now = timezone.now()
    with transaction.atomic():
        found = (
            Subscriber.objects.select_for_update()
            .filter(office=office, email__iexact=email)
            .first()
        )
        if found is None:
            created = _create(office, email, chosen, language)
            if created is not None:
                _confirm_later(created)
            return created
        if found.status == Subscriber.Status.CONFIRMED:
            return found
        due = found.confirmation_sent_at is None or found.confirmation_sent_at <= now - RESEND_AFTER
        if found.status == Subscriber.Status.BOUNCED:
            # A new start: whoever confirms now shows the address works again.
            found.status, found.token, found.bounced_at = (
                Subscriber.Status.PENDING,
                new_token(),
                None,
            )
            due = True
        found.categories, found.language = chosen, language
        if due:
            found.confirmation_sent_at = now
            _confirm_later(found)
        found.save()
    return found


def confirm(subscriber: Subscriber) -> Subscriber:
    """Confirm a pending subscription; a confirmed one stays as it is."""
    Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.PENDING).update(
        status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    subscriber.refresh_from_db()
    return subscriber


def change(subscriber: Subscriber, *, categories: list[str], language: str) -> Subscriber:
    subscriber.categories = encode_categories(categories)
    subscriber.language = language
    subscriber.save(update_fields=["categories", "language"])
    return subscriber


def unsubscribe(subscriber: Subscriber) -> None:
    """End the subscription: the row goes, nothing of it is kept. Mails of a mailing still
    under way are not sent to it any more (its send rows lose their subscriber)."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()


def mark_bounced(subscriber: Subscriber) -> None:
    if subscriber.status == Subscriber.Status.PENDING:
        # A confirmation that cannot arrive: nothing worth keeping.
        Subscriber.objects.filter(pk=subscriber.pk).delete()
        return
    Subscriber.objects.filter(pk=subscriber.pk).update(
        status=Subscriber.Status.BOUNCED, bounced_at=timezone.now()
    )


def purge(now: datetime | None = None) -> tuple[int, int]:
    """Delete subscriptions not confirmed within PENDING_DAYS of their last confirmation
    mail, and addresses bounced more than BOUNCED_DAYS ago; returns both counts."""
    now = now or timezone.now()
    stale = now - timedelta(days=PENDING_DAYS)
    pending, _kinds = (
        Subscriber.objects.filter(status=Subscriber.Status.PENDING)
        .filter(
            Q(confirmation_sent_at__lt=stale)
            | Q(confirmation_sent_at__isnull=True, created_at__lt=stale)
        )
        .delete()
    )
    bounced, _kinds = Subscriber.objects.filter(
        status=Subscriber.Status.BOUNCED, bounced_at__lt=now - timedelta(days=BOUNCED_DAYS)
    ).delete()
    return pending, bounced

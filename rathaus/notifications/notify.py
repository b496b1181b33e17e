"""The one way to tell people about a step: ``notify`` stores a notification per person
and queues a mail for those who want one; the desk marks them read.

Texts are written by the caller in the office's language (German, the installation's
default), whoever's desk language the step was taken in: they are read later by others.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from rathaus.jobs import engine, runner
from rathaus.notifications import background
from rathaus.notifications.models import Notification, NotificationPreference
from rathaus.offices.models import Membership, Office

TEXT_LENGTH = Notification._meta.get_field("text").max_length


def _is_desk_path(url: str) -> bool:
    # A notification links into the desk only: a path, never a host ("//evil.example").
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def wants_mail(user: Any) -> bool:
    choice = NotificationPreference.objects.filter(user=user).values_list("by_mail", flat=True)
    return next(iter(choice), True)


def set_by_mail(user: Any, by_mail: bool) -> None:
    """A person's own choice; nothing for the audit log, as with marking read."""
    NotificationPreference.objects.update_or_create(user=user, defaults={"by_mail": by_mail})


def notify(
    users: Iterable[Any],
    *,
    office: Office,
    kind: str,
    text: str,
    url: str,
    by: Any = None,
    subject: str = "",
    mail: bool = True,
) -> list[Notification]:
    """Tell ``users`` (None entries and duplicates allowed) about a step in ``office``.

    ``by``, the person who took the step, is never told about their own step. People who
    are no longer members of the office hear nothing of it. Mail goes out from the job
    engine after the commit, never from inside the request. ``subject`` is the key of what
    it is about, for its owner to find it again (see the model). ``mail=False``: no mail
    for these, because the caller mails in its own way (the overdue summary) or the text
    must not leave the house (a citizen's subject line)."""
    wanted = {user.pk for user in users if user is not None}
    if by is not None:
        wanted.discard(by.pk)
    if not _is_desk_path(url):
        raise ValueError(f"a notification links to a desk path, not {url!r}")
    members = Membership.objects.filter(office=office, user__in=wanted, user__is_active=True)
    addresses = dict(members.values_list("user", "user__email"))  # several roles: one entry
    recipients = sorted(addresses)
    if not recipients:
        return []
    with transaction.atomic():
        made = Notification.objects.bulk_create(
            Notification(
                user_id=pk,
                office=office,
                kind=kind,
                text=text[:TEXT_LENGTH],
                url=url,
                subject=subject,
            )
            for pk in recipients
        )
        if not mail:
            return made
        declined = set(
            NotificationPreference.objects.filter(user__in=recipients, by_mail=False).values_list(
                "user", flat=True
            )
        )
        # A mail for everyone with an address who did not turn mail off.
        mailed = [n for n in made if addresses[n.user_id] and n.user_id not in declined]
        for notification in mailed:
            engine.enqueue(background.MAIL, payload={"notification": notification.pk})
        if mailed:
            transaction.on_commit(lambda: runner.wake(background.MAIL))
    return made


def shown(user: Any, office: Office, *, hiding: str = "") -> Any:
    """``user``'s notifications in ``office``, without those whose subject key starts with
    ``hiding`` (what the person may not read now, e.g. conversations without inbox access;
    they stay stored and show again once the access is back)."""
    found = Notification.objects.filter(user=user, office=office)
    return found.exclude(subject__startswith=hiding) if hiding else found


def unread(user: Any, office: Office, *, hiding: str = "") -> Any:
    return shown(user, office, hiding=hiding).filter(read_at=None)


def mark_read(user: Any, office: Office, pk: int | None = None, *, hiding: str = "") -> int:
    """Mark one of ``user``'s notifications in ``office`` (or all shown) read."""
    found = unread(user, office, hiding=hiding)
    if pk is not None:
        found = found.filter(pk=pk)
    return found.update(read_at=timezone.now())

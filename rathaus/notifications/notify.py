"""The one way to tell people about a step: ``notify`` stores a notification per person
and queues a mail for those who want one; the desk marks them read.

Texts are written by the caller in the office's language (German, the installation's
default), whoever's desk language the step was taken in: they are read later by others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Notice:
    """One step to tell about, for ``notify_many``: who (``users``, None entries and
    duplicates allowed), what they read, where it links, and ``subject`` (see the model)."""

    users: Iterable[Any]
    text: str
    url: str
    subject: str = ""


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
    notice = Notice(users, text=text, url=url, subject=subject)
    return notify_many([notice], office=office, kind=kind, by=by, mail=mail)


def notify_many(
    notices: Iterable[Notice],
    *,
    office: Office,
    kind: str,
    by: Any = None,
    mail: bool = True,
) -> list[Notification]:
    """``notify`` for many steps of one kind in ``office`` at once (a batch of posts the
    scheduler published), with its rules: one membership query, one insert and one queue
    insert for all of them, not a round of each per step. A person named in two notices
    gets two notifications; in one notice, one. Nothing is stored if any link is not a
    desk path."""
    notices = list(notices)
    for notice in notices:
        if not _is_desk_path(notice.url):
            raise ValueError(f"a notification links to a desk path, not {notice.url!r}")
    wanted = [{user.pk for user in notice.users if user is not None} for notice in notices]
    if by is not None:
        for pks in wanted:
            pks.discard(by.pk)
    everyone = set().union(*wanted)
    if not everyone:
        return []
    members = Membership.objects.filter(office=office, user__in=everyone, user__is_active=True)
    addresses = dict(members.values_list("user", "user__email"))  # several roles: one entry
    rows = [
        Notification(
            user_id=pk,
            office=office,
            kind=kind,
            text=notice.text[:TEXT_LENGTH],
            url=notice.url,
            subject=notice.subject,
        )
        for notice, pks in zip(notices, wanted, strict=True)
        for pk in sorted(pks & addresses.keys())
    ]
    if not rows:
        return []
    with transaction.atomic():
        made = Notification.objects.bulk_create(rows)
        if mail:
            _queue_mails(made, addresses)
    return made


def _queue_mails(made: list[Notification], addresses: dict[int, str]) -> None:
    """A mail job for everyone with an address who did not turn mail off."""
    declined = set(
        NotificationPreference.objects.filter(
            user__in={n.user_id for n in made}, by_mail=False
        ).values_list("user", flat=True)
    )
    mailed = [n for n in made if addresses[n.user_id] and n.user_id not in declined]
    if not mailed:
        return
    # One insert for a batch of posts, not a statement per mail.
    engine.enqueue_many(background.MAIL, ({"notification": n.pk} for n in mailed))
    transaction.on_commit(lambda: runner.wake(background.MAIL))


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

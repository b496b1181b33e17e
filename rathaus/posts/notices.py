"""Who hears of a post's steps, and what they read (``notifications.notify``): a submitted
post its office's approvers; a post sent back, approved, scheduled or published its author
and last editor – never the person who took the step.

Texts are in the installation's language (German), not the actor's desk language: other
people read them later, in the desk and by mail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.notifications.models import Notification
from rathaus.notifications.notify import Notice, notify, notify_many
from rathaus.offices.models import Role
from rathaus.posts.models import Post


def desk_url(post: Post) -> str:
    return reverse("desk:post_detail", args=[post.office.slug, post.pk])


def name_of(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def approvers(office: Any) -> Any:
    return get_user_model().objects.filter(
        memberships__office=office, memberships__role=Role.APPROVER
    )


def _tell(post: Post, users: Any, kind: str, text: str, by: Any) -> None:
    notify(users, office=post.office, kind=kind, text=text, url=desk_url(post), by=by)


def submitted(post: Post, *, by: Any) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("“%(title)s” was submitted for review by %(name)s.") % {
            "title": post.title,
            "name": name_of(by),
        }
    _tell(post, approvers(post.office), Notification.Kind.SUBMITTED, text, by)


def sent_back(post: Post, *, by: Any, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("“%(title)s” was sent back by %(name)s: %(reason)s") % {
            "title": post.title,
            "name": name_of(by),
            "reason": reason,
        }
    _tell(post, [post.created_by, post.last_editor], Notification.Kind.SENT_BACK, text, by)


def approved(post: Post, *, by: Any) -> None:
    """Approved, or approved and scheduled (a planned time in the future)."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"title": post.title, "name": name_of(by)}
        if post.status == Post.Status.SCHEDULED:
            values["at"] = post.publish_at.astimezone(post.office.zone).strftime("%d.%m.%Y %H:%M")
            text = _("“%(title)s” was approved by %(name)s and is scheduled for %(at)s.") % values
        else:
            text = _("“%(title)s” was approved by %(name)s.") % values
    _tell(post, [post.created_by, post.last_editor], Notification.Kind.APPROVED, text, by)


def scheduled(post: Post, *, by: Any) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("“%(title)s” was scheduled by %(name)s for %(at)s.") % {
            "title": post.title,
            "name": name_of(by),
            "at": post.publish_at.astimezone(post.office.zone).strftime("%d.%m.%Y %H:%M"),
        }
    _tell(post, [post.created_by, post.last_editor], Notification.Kind.SCHEDULED, text, by)


def published(post: Post, *, by: Any | None) -> None:
    """``by`` None: the scheduler published it at its planned time."""
    text = _published_text(post, by)
    _tell(post, [post.created_by, post.last_editor], Notification.Kind.PUBLISHED, text, by)


def published_as_scheduled(posts: Iterable[Post]) -> list[Notification]:
    """The scheduler's batch (``published`` with ``by`` None for each post): one
    ``notify_many`` per office, so a batch costs a few statements per office, not per post.
    The posts come with their office, author and last editor."""
    by_office: dict[int, list[Post]] = defaultdict(list)
    for post in posts:
        by_office[post.office_id].append(post)
    made: list[Notification] = []
    for group in by_office.values():
        notices = [
            Notice([post.created_by, post.last_editor], _published_text(post, None), desk_url(post))
            for post in group
        ]
        made += notify_many(notices, office=group[0].office, kind=Notification.Kind.PUBLISHED)
    return made


def _published_text(post: Post, by: Any | None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if by is None:
            return _("“%(title)s” was published as scheduled.") % {"title": post.title}
        return _("“%(title)s” was published by %(name)s.") % {
            "title": post.title,
            "name": name_of(by),
        }

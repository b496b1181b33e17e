"""Planning posts: moving a scheduled post to another time and starting a new draft from an
existing post. Verbs with a keyword-only actor, like those of ``lifecycle``; they check roles
and states themselves and write the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.offices import local_time
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Office, Role
from rathaus.posts import content, lifecycle, scheduling
from rathaus.posts.models import FixedSlot, Post, PostImage


@transaction.atomic
def reschedule(post: Post, at: datetime, *, by: Any) -> Post:
    """Move a scheduled post to ``at`` (aware). The time is part of what the approver
    decided, so only an approver may move it (as ``lifecycle.schedule``), only into the
    future, and only while it is still scheduled. The approval itself stays: the content
    did not change."""
    require_role(by, post.office, Role.APPROVER)
    if at <= timezone.now():
        raise LifecycleError(_("The publication time must be in the future."))
    post.refresh_from_db(fields=["publish_at"])
    before = post.publish_at
    # Conditional, as lifecycle's steps: a publication or unscheduling in between wins.
    moved = Post.objects.filter(pk=post.pk, status=Post.Status.SCHEDULED).update(
        publish_at=at, updated_at=timezone.now()
    )
    if not moved:
        raise LifecycleError(_("Only a scheduled post can be moved to another time."))
    post.refresh_from_db()
    scheduling.plan(post)  # the job moves with it: one job per post, keyed by the post
    record(
        post,
        "rescheduled",
        by=by,
        office=post.office,
        before={"publish_at": before.isoformat() if before else ""},
        after={"publish_at": at.isoformat()},
    )
    return post


@transaction.atomic
def duplicate(post: Post, *, by: Any) -> Post:
    """A new draft with the post's content: title (marked as a copy), text, category,
    language, place, event times, channel variants, tags and images (the files copied, so
    either post can lose its image without the other). Not copied: the publication time
    (the copy needs a time of its own), status, approval and history."""
    require_role(by, post.office, Role.EDITOR)
    fields = {name: getattr(post, name) for name in content.EDITABLE_FIELDS - {"publish_at"}}
    # Marked, so two equal titles never stand side by side in the lists.
    title = _("Copy: %(title)s") % {"title": post.title}
    fields["title"] = title[: Post._meta.get_field("title").max_length]
    copy = lifecycle.create_draft(
        post.office,
        by=by,
        variants={variant.channel: variant.text for variant in post.variants.all()},
        tags=[tag.name for tag in post.tags.all()],
        **fields,
    )
    for image in post.images.all():
        with image.image.open("rb") as original:
            data = original.read()
        suffix = "." + image.image.name.rsplit(".", 1)[-1] if "." in image.image.name else ""
        PostImage.objects.create(
            post=copy,
            image=ContentFile(data, name=f"image{suffix}"),
            original_name=image.original_name,
            alt_text=image.alt_text,
            author=image.author,
            licence=image.licence,
            sha256=image.sha256,
            position=image.position,
        )
    record(
        copy,
        "duplicated",
        by=by,
        office=post.office,
        message=_("Copy of post %(id)d: %(title)s") % {"id": post.pk, "title": post.title},
    )
    return copy


@transaction.atomic
def add_slot(
    office: Office, *, by: Any, weekday: int, at: time, category: str = "", label: str = ""
) -> FixedSlot:
    """A weekly time of the office; approvers (who schedule) and office admins set them."""
    require_role(by, office, Role.APPROVER, Role.ADMIN)
    if FixedSlot.objects.filter(office=office, weekday=weekday, time=at).exists():
        raise LifecycleError(_("There is already a fixed slot at this time."))
    slot = FixedSlot(office=office, weekday=weekday, time=at, category=category, label=label)
    slot.full_clean(exclude=["office"])
    slot.save()
    record(office, "fixed_slot_added", by=by, office=office, message=str(slot))
    return slot


@transaction.atomic
def remove_slot(slot: FixedSlot, *, by: Any) -> None:
    require_role(by, slot.office, Role.APPROVER, Role.ADMIN)
    record(slot.office, "fixed_slot_removed", by=by, office=slot.office, message=str(slot))
    slot.delete()


@dataclass(frozen=True)
class Occurrence:
    slot: FixedSlot
    local: datetime  # wall-clock, without zone
    at: datetime  # UTC

    @property
    def value(self) -> str:
        return self.local.strftime("%Y-%m-%dT%H:%M")


def upcoming(office: Office, *, days: int = 14) -> list[Occurrence]:
    """The office's fixed slots of the next ``days``, soonest first; a slot in the hour the
    spring switch skips is left out that week (it does not exist)."""
    now = timezone.now()
    today = local_time.utc_to_local(now, office.zone).date()
    slots = list(FixedSlot.objects.filter(office=office))
    found = []
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        for slot in (s for s in slots if s.weekday == day.weekday()):
            local = datetime.combine(day, slot.time)
            try:
                moment = local_time.local_to_utc(local, office.zone)
            except (local_time.NonexistentTime, local_time.OutOfRange):
                continue
            if moment > now:
                found.append(Occurrence(slot, local, moment))
    return sorted(found, key=lambda occurrence: occurrence.at)

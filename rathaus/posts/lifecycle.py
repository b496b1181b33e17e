"""The life of a post: draft → in review → approved → scheduled → published → corrected/withdrawn.

Every step is a verb with a keyword-only actor. Views and tasks call these and nothing else
changes a post's status. Each step checks the actor's role, writes the audit log and, where a
post leaves the house, creates its deliveries.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import record
from rathaus.delivery import outbox
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Office, Role
from rathaus.posts import content, images, notices, scheduling
from rathaus.posts.limits import limit_problems
from rathaus.posts.models import Category, Post, PostImage

EDITABLE_STATUSES = {
    Post.Status.DRAFT,
    Post.Status.IN_REVIEW,
    Post.Status.APPROVED,
    Post.Status.SCHEDULED,
}


def _lock(post: Post) -> Post:
    """Lock the row for this transaction and bring the caller's object up to date."""
    Post.objects.select_for_update().filter(pk=post.pk).values_list("pk").first()
    post.refresh_from_db()
    return post


def _snapshot(post: Post) -> dict:
    return post.content() | {"status": post.status}


def _after_change(post: Post, before: dict, *, by: Any, action: str) -> None:
    """Any change of approved content sends the post back to review (hash binding)."""
    after = _snapshot(post)
    if before == after:
        return
    post.last_editor = by
    fields = ["last_editor", "updated_at"]
    if (
        post.status in (Post.Status.APPROVED, Post.Status.SCHEDULED)
        and post.content_hash() != post.approved_hash
    ):
        if post.status == Post.Status.SCHEDULED:
            scheduling.unplan(post)
        post.status = Post.Status.IN_REVIEW
        post.approved_by, post.approved_at, post.approved_hash = None, None, ""
        fields += ["status", "approved_by", "approved_at", "approved_hash"]
        after["status"] = post.status
        record(
            post,
            "returned_to_review",
            by=by,
            office=post.office,
            message=_("Changed after approval: needs a new approval."),
        )
    post.save(update_fields=fields)
    record(post, action, by=by, office=post.office, before=before, after=after)


@transaction.atomic
def create_draft(
    office: Office,
    *,
    by: Any,
    variants: dict[str, str] | None = None,
    tags: list[str] | None = None,
    **fields: Any,
) -> Post:
    require_role(by, office, Role.EDITOR)
    post = Post(office=office, created_by=by, last_editor=by)
    content.write(post, fields, variants, tags)
    record(post, "created", by=by, office=office, after=_snapshot(post))
    return post


@transaction.atomic
def edit(
    post: Post,
    *,
    by: Any,
    variants: dict[str, str] | None = None,
    tags: list[str] | None = None,
    **fields: Any,
) -> Post:
    require_role(by, post.office, Role.EDITOR, Role.APPROVER)
    _lock(post)
    if post.status not in EDITABLE_STATUSES:
        raise LifecycleError(_("A published post can only be corrected or withdrawn."))
    moved = post.status == Post.Status.SCHEDULED and fields.get("publish_at", post.publish_at) != (
        post.publish_at
    )
    if moved:
        # The time of a scheduled post is part of what the approver decided.
        require_role(by, post.office, Role.APPROVER)
        if fields["publish_at"] is None or fields["publish_at"] <= timezone.now():
            raise LifecycleError(_("The publication time must be in the future."))
    before = _snapshot(post)
    content.write(post, fields, variants, tags)
    _after_change(post, before, by=by, action="edited")
    if moved and post.status == Post.Status.SCHEDULED:
        record(
            post,
            "rescheduled",
            by=by,
            office=post.office,
            after={"publish_at": post.publish_at.isoformat()},
        )
        scheduling.plan(post)
    return post


@transaction.atomic
def add_image(
    post: Post, *, by: Any, file: UploadedFile, alt_text: str, author: str, licence: str
) -> PostImage:
    require_role(by, post.office, Role.EDITOR, Role.APPROVER)
    _lock(post)
    if post.status not in EDITABLE_STATUSES:
        raise LifecycleError(_("A published post can only be corrected or withdrawn."))
    if not alt_text.strip():
        raise LifecycleError(_("Every image needs an alt text."))
    if not author.strip() or not licence.strip():
        raise LifecycleError(_("Every image needs its author and licence (copyright)."))
    suffix = images.checked(file)  # ImageRejected: too big, too many pixels, no image
    before = _snapshot(post)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    original_name = (file.name or "")[:255]
    file.name = f"image{suffix}"  # original_path gives it a random name with this suffix
    image = PostImage(
        post=post,
        image=file,
        original_name=original_name,
        alt_text=alt_text.strip(),
        author=author.strip(),
        licence=licence.strip(),
        sha256=digest.hexdigest(),
        position=post.images.count(),
    )
    image.full_clean(exclude=["post"])
    image.save()
    _after_change(post, before, by=by, action="image_added")
    return image


@transaction.atomic
def remove_image(image: PostImage, *, by: Any) -> None:
    post = image.post
    require_role(by, post.office, Role.EDITOR, Role.APPROVER)
    _lock(post)
    if post.status not in EDITABLE_STATUSES:
        raise LifecycleError(_("A published post can only be corrected or withdrawn."))
    before = _snapshot(post)
    image.delete()
    _after_change(post, before, by=by, action="image_removed")


def _transition(
    post: Post,
    to: Post.Status,
    *,
    by: Any,
    action: str,
    allowed: set[Post.Status],
    flagged: bool = False,
    message: str = "",
    **changes: Any,
) -> Post:
    """Move ``post`` to ``to`` if it is still in one of ``allowed``; the conditional update
    makes two clicks (or a click and the scheduler) unable to both succeed."""
    changed = Post.objects.filter(pk=post.pk, status__in=allowed).update(
        status=to, updated_at=timezone.now(), **changes
    )
    if not changed:
        post.refresh_from_db()
        raise LifecycleError(
            _("This step is not possible while the post is “%s”.") % post.get_status_display()
        )
    before_status = post.status
    post.refresh_from_db()
    if before_status == Post.Status.SCHEDULED != post.status:
        scheduling.unplan(post)
    record(
        post,
        action,
        by=by,
        office=post.office,
        message=message,
        flagged=flagged,
        before={"status": before_status},
        after={"status": post.status},
    )
    return post


@transaction.atomic
def submit(post: Post, *, by: Any) -> Post:
    require_role(by, post.office, Role.EDITOR)
    problems = limit_problems(post)
    if problems:
        details = "; ".join(f"{name}: {' '.join(p)}" for name, p in problems.items())
        raise LifecycleError(_("The post breaks channel limits: %s") % details)
    post = _transition(
        post, Post.Status.IN_REVIEW, by=by, action="submitted", allowed={Post.Status.DRAFT}
    )
    notices.submitted(post, by=by)
    return post


@transaction.atomic
def send_back(post: Post, *, by: Any, reason: str) -> Post:
    require_role(by, post.office, Role.APPROVER)
    post = _transition(
        post,
        Post.Status.DRAFT,
        by=by,
        action="sent_back",
        message=reason,
        allowed={Post.Status.IN_REVIEW, Post.Status.APPROVED, Post.Status.SCHEDULED},
        approved_by=None,
        approved_at=None,
        approved_hash="",
    )
    notices.sent_back(post, by=by, reason=reason)
    return post


@transaction.atomic
def approve(post: Post, *, by: Any) -> Post:
    """Four eyes: the approver is not the last editor, and the approval is bound to the
    hash of exactly the content they saw."""
    require_role(by, post.office, Role.APPROVER)
    _lock(post)
    if post.last_editor_id == by.pk:
        raise LifecycleError(_("Four-eyes rule: you cannot approve a post you edited last."))
    now = timezone.now()
    scheduled = post.publish_at is not None and post.publish_at > now
    post = _transition(
        post,
        Post.Status.SCHEDULED if scheduled else Post.Status.APPROVED,
        by=by,
        action="approved",
        allowed={Post.Status.IN_REVIEW},
        approved_by=by,
        approved_at=now,
        approved_hash=post.content_hash(),
    )
    if scheduled:
        scheduling.plan(post)
    notices.approved(post, by=by)
    return post


@transaction.atomic
def schedule(post: Post, *, by: Any, at: datetime) -> Post:
    require_role(by, post.office, Role.APPROVER)
    if at <= timezone.now():
        raise LifecycleError(_("The publication time must be in the future."))
    post = _transition(
        post,
        Post.Status.SCHEDULED,
        by=by,
        action="scheduled",
        publish_at=at,
        allowed={Post.Status.APPROVED, Post.Status.SCHEDULED},
    )
    scheduling.plan(post)
    notices.scheduled(post, by=by)
    return post


@transaction.atomic
def unschedule(post: Post, *, by: Any) -> Post:
    require_role(by, post.office, Role.APPROVER)
    return _transition(
        post,
        Post.Status.APPROVED,
        by=by,
        action="unscheduled",
        publish_at=None,
        allowed={Post.Status.SCHEDULED},
    )


@transaction.atomic
def publish(post: Post, *, by: Any | None) -> Post:
    """Publish now. ``by=None`` is the scheduler acting on an approved schedule."""
    _lock(post)
    skip = (
        post.category == Category.EMERGENCY
        and post.office.emergency_skips_approval
        and post.status in (Post.Status.DRAFT, Post.Status.IN_REVIEW)
    )
    if by is not None:
        roles = (Role.EDITOR, Role.APPROVER) if skip else (Role.APPROVER,)
        require_role(by, post.office, *roles)
    approved_path = not skip and post.status in (Post.Status.APPROVED, Post.Status.SCHEDULED)
    content_hash = post.content_hash()  # once: it costs three queries
    if approved_path and content_hash != post.approved_hash:
        raise LifecycleError(_("The content changed after approval; approve it again."))
    if skip and limit_problems(post):
        raise LifecycleError(_("The post breaks channel limits; fix them first."))
    allowed = (
        {Post.Status.DRAFT, Post.Status.IN_REVIEW}
        if skip
        else {Post.Status.APPROVED, Post.Status.SCHEDULED}
    )
    post = _transition(
        post,
        Post.Status.PUBLISHED,
        by=by,
        action="published",
        allowed=allowed,
        flagged=skip,
        message=_("Emergency warning published without approval.") if skip else "",
        published_at=timezone.now(),
        published_without_approval=skip,
        approved_hash=content_hash,
    )
    outbox.enqueue(post, outbox.Action.PUBLISH)
    post.office.touch()
    notices.published(post, by=by)
    return post


@transaction.atomic
def correct(
    post: Post,
    *,
    by: Any,
    note: str,
    variants: dict[str, str] | None = None,
    tags: list[str] | None = None,
    **fields: Any,
) -> Post:
    """Fix a published post. Only an approver may, and the note is shown publicly."""
    require_role(by, post.office, Role.APPROVER)
    if not note.strip():
        raise LifecycleError(_("Say what was corrected; the note is shown with the post."))
    _lock(post)
    if post.status not in (Post.Status.PUBLISHED, Post.Status.CORRECTED):
        raise LifecycleError(_("Only a published post can be corrected."))
    before = _snapshot(post)
    content.write(post, fields, variants, tags)
    post.status, post.corrected_at, post.correction_note = (
        Post.Status.CORRECTED,
        timezone.now(),
        note,
    )
    post.last_editor, post.approved_by, post.approved_hash = by, by, post.content_hash()
    post.save()
    record(
        post,
        "corrected",
        by=by,
        office=post.office,
        message=note,
        before=before,
        after=_snapshot(post),
    )
    outbox.enqueue(post, outbox.Action.UPDATE)
    post.office.touch()
    return post


@transaction.atomic
def withdraw(post: Post, *, by: Any, reason: str) -> Post:
    require_role(by, post.office, Role.APPROVER)
    if not reason.strip():
        raise LifecycleError(_("Give a reason; it is shown in place of the post."))
    post = _transition(
        post,
        Post.Status.WITHDRAWN,
        by=by,
        action="withdrawn",
        message=reason,
        allowed={Post.Status.PUBLISHED, Post.Status.CORRECTED},
        withdrawn_at=timezone.now(),
        withdrawal_reason=reason,
    )
    outbox.enqueue(post, outbox.Action.WITHDRAW)
    post.office.touch()
    return post

"""Where a post stands in review, read from its steps: sent back (by whom, when, why), and
blocked, when the four-eyes rule leaves nobody who may approve it. Read only: the steps
themselves are in ``lifecycle``."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from rathaus.audit.models import AuditEntry
from rathaus.lib.excerpt import excerpt
from rathaus.offices.models import Membership, Office, Role
from rathaus.posts.models import Post

SUBJECT = Post._meta.label_lower
# How much of a send-back's reason a list shows; the post's page shows all of it.
REASON_EXCERPT = 120
# The steps into and out of review; the newest of them says whether a draft came back.
REVIEW_STEPS = ("submitted", "sent_back")


def _review_steps(post_ids: Any = None) -> QuerySet[AuditEntry]:
    """Submissions and send-backs, newest first; of ``post_ids``, or of the outer query's
    post when None (for a subquery)."""
    found = AuditEntry.objects.filter(subject_type=SUBJECT, action__in=REVIEW_STEPS)
    if post_ids is None:
        found = found.filter(subject_id=OuterRef("pk"))
    else:
        found = found.filter(subject_id__in=post_ids)
    return found.order_by("-at", "-id")


def sent_back(post: Post) -> AuditEntry | None:
    """The send-back a draft is waiting on: its reason is the entry's ``message``, the
    approver its ``actor``. None once the post was submitted again, or if it never was."""
    if post.status != Post.Status.DRAFT:
        return None
    latest = _review_steps([post.pk]).select_related("actor").first()
    return latest if latest is not None and latest.action == "sent_back" else None


def sent_back_to(office: Office, user: Any) -> list[Post]:
    """``user``'s drafts (written or last edited by them) that an approver sent back, newest
    return first; each carries its send-back as ``.returned`` and the start of its reason
    as ``.reason_excerpt``."""
    latest = _review_steps()
    posts = list(
        _theirs(office, user)
        .filter(status=Post.Status.DRAFT)
        .annotate(review_step=Subquery(latest.values("action")[:1]))
        .filter(review_step="sent_back")[:50]
    )
    entries: dict[int, AuditEntry] = {}
    for entry in _review_steps([p.pk for p in posts]).select_related("actor"):
        entries.setdefault(entry.subject_id, entry)  # newest first: the first one counts
    for post in posts:
        post.returned = entries[post.pk]
        post.reason_excerpt = excerpt(post.returned.message, REASON_EXCERPT)
    return sorted(posts, key=lambda p: p.returned.at, reverse=True)


def in_review_of(office: Office, user: Any) -> QuerySet[Post]:
    """``user``'s posts waiting for an approval, oldest first (they wait longest); each
    says whether nobody may approve it (``.blocked``, as :func:`is_blocked`)."""
    return (
        _theirs(office, user)
        .filter(status=Post.Status.IN_REVIEW)
        .annotate(blocked=~Exists(_someone_else()))
        .order_by("updated_at")
    )


def _theirs(office: Office, user: Any) -> QuerySet[Post]:
    return Post.objects.filter(office=office).filter(Q(created_by=user) | Q(last_editor=user))


def _other_approvers(office: Any, last_editor: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(
        office=office, role=Role.APPROVER, user__is_active=True
    ).exclude(user=last_editor)


def _someone_else() -> QuerySet[Membership]:
    """For a subquery: an approver of the outer post's office who did not edit it last."""
    return _other_approvers(OuterRef("office"), OuterRef("last_editor"))


def is_blocked(post: Post) -> bool:
    """In review, and every approver of the office is the one who edited it last (or the
    office has no approver at all): the four-eyes rule lets nobody approve it."""
    return (
        post.status == Post.Status.IN_REVIEW
        and not _other_approvers(post.office_id, post.last_editor_id).exists()
    )


def blocked_in(office: Office) -> QuerySet[Post]:
    """The office's posts in review that nobody may approve, oldest first."""
    return (
        Post.objects.filter(office=office, status=Post.Status.IN_REVIEW)
        .exclude(Exists(_someone_else()))
        .select_related("last_editor")
        .order_by("updated_at")
    )

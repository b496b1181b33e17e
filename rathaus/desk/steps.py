"""Which steps the desk offers a user for a post. Only a convenience for the page: the
lifecycle verbs check roles and states again and have the last word."""

from __future__ import annotations

from typing import Any

from rathaus.offices.access import roles_in
from rathaus.offices.models import Role
from rathaus.posts import lifecycle
from rathaus.posts.models import PUBLIC_STATUSES, Category, Post

REVIEWABLE = (Post.Status.IN_REVIEW, Post.Status.APPROVED, Post.Status.SCHEDULED)


def offered(post: Post, user: Any) -> dict[str, bool]:
    roles = roles_in(user, post.office)
    editor, approver = Role.EDITOR in roles, Role.APPROVER in roles
    status = post.status
    return {
        "edit": (editor or approver) and status in lifecycle.EDITABLE_STATUSES,
        "submit": editor and status == Post.Status.DRAFT,
        "approve": approver and status == Post.Status.IN_REVIEW,
        "send_back": approver and status in REVIEWABLE,
        "publish": approver and status in (Post.Status.APPROVED, Post.Status.SCHEDULED),
        "schedule": approver and status in (Post.Status.APPROVED, Post.Status.SCHEDULED),
        "unschedule": approver and status == Post.Status.SCHEDULED,
        "correct": approver and status in PUBLIC_STATUSES,
        "withdraw": approver and status in PUBLIC_STATUSES,
        "emergency": (editor or approver)
        and post.category == Category.EMERGENCY
        and post.office.emergency_skips_approval
        and status in (Post.Status.DRAFT, Post.Status.IN_REVIEW),
        "retry": approver or Role.ADMIN in roles,
    }


def may_edit(post: Post, user: Any) -> bool:
    return offered(post, user)["edit"]

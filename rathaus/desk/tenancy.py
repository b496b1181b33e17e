"""Every desk lookup goes through here: the office from the URL, and only its own records."""

from __future__ import annotations

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from rathaus.delivery.models import Delivery
from rathaus.inbox.models import Message
from rathaus.offices.access import has_role, may_read_inbox, office_for
from rathaus.offices.models import Office, Role
from rathaus.posts.models import Post, PostImage


def office_of(request: HttpRequest, slug: str, *roles: Role) -> Office:
    """404 for anyone who is not a member, so outsiders cannot learn which offices exist;
    with ``roles``, 403 for a member who has none of them."""
    office = office_for(request.user, slug)
    if roles and not has_role(request.user, office, *roles):
        raise PermissionDenied
    return office


def inbox_office_of(request: HttpRequest, slug: str) -> Office:
    """For every view of the citizen inbox: 404 for non-members, 403 for a member whose
    roles do not read the inbox here (``offices.access.inbox_roles``)."""
    office = office_for(request.user, slug)
    if not may_read_inbox(request.user, office):
        raise PermissionDenied
    return office


def post_of(office: Office, pk: int) -> Post:
    return get_object_or_404(Post.objects.select_related("office"), office=office, pk=pk)


def image_of(post: Post, pk: int) -> PostImage:
    return get_object_or_404(PostImage, post=post, pk=pk)


def delivery_of(office: Office, pk: int) -> Delivery:
    """A delivery of the office's posts or of its answers to citizens; 404 for any other."""
    subjects = GenericPrefetch(
        "subject",
        [
            Post.objects.select_related("office"),
            Message.objects.select_related("conversation__office"),
        ],
    )
    return get_object_or_404(
        Delivery.objects.prefetch_related(subjects),
        Q(post__office=office) | Q(message__office=office),
        pk=pk,
    )

"""The ActivityPub objects of an office's accounts, read-only. Answers carry no cookies:
nothing here reads the session or hands out a CSRF token."""

from __future__ import annotations

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from rathaus.federation import addresses, collections, objects
from rathaus.federation.models import Account
from rathaus.federation.negotiation import ACTIVITY_JSON, activity_response, json_type
from rathaus.posts.models import Post, Status


def _account(username: str) -> Account:
    return get_object_or_404(Account.objects.select_related("office"), username=username)


def _post(account: Account, pk: int) -> Post:
    """A post of the account's office that is public or withdrawn; 404 for anything else."""
    post = Post.objects.filter(office_id=account.office_id, pk=pk).select_related("office").first()
    if post is None or not (post.is_public or post.status == Status.WITHDRAWN):
        raise Http404
    return post


@require_safe
def actor(request: HttpRequest, username: str) -> HttpResponse:
    account = _account(username)
    content_type = json_type(request)
    if content_type is None:
        office = account.office
        return HttpResponseRedirect(
            addresses.newsroom(office, reverse("newsroom:index", args=[office.slug]))
        )
    return activity_response(objects.actor(account), content_type)


def _post_object(request: HttpRequest, username: str, pk: int, render) -> HttpResponse:
    account = _account(username)
    post = _post(account, pk)
    content_type = json_type(request)
    if content_type is None:
        return HttpResponseRedirect(addresses.newsroom(post.office, post.get_absolute_url()))
    if post.status == Status.WITHDRAWN:
        # 410 with a Tombstone: servers that kept a copy learn it is gone on purpose.
        return activity_response(objects.tombstone(account, post), content_type, status=410)
    return activity_response(objects.document(render(account, post)), content_type)


@require_safe
def note(request: HttpRequest, username: str, pk: int) -> HttpResponse:
    return _post_object(request, username, pk, objects.note)


@require_safe
def activity(request: HttpRequest, username: str, pk: int) -> HttpResponse:
    return _post_object(request, username, pk, objects.create)


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page")
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise Http404
    return int(raw)


@require_safe
def outbox(request: HttpRequest, username: str) -> HttpResponse:
    account = _account(username)
    number = _page_number(request)
    if number is None:
        return activity_response(collections.outbox(account), json_type(request) or ACTIVITY_JSON)
    page = collections.outbox_page(account, number)
    return activity_response(page, json_type(request) or ACTIVITY_JSON)


@require_safe
def followers(request: HttpRequest, username: str) -> HttpResponse:
    found = collections.followers(_account(username))
    return activity_response(found, json_type(request) or ACTIVITY_JSON)


@require_safe
def following(request: HttpRequest, username: str) -> HttpResponse:
    found = collections.following(_account(username))
    return activity_response(found, json_type(request) or ACTIVITY_JSON)


@csrf_exempt
def inbox(request: HttpRequest, username: str | None = None) -> HttpResponse:
    # Receiving Follow/Undo needs verified HTTP signatures: a later step. 501 tells a
    # sending server this is not a temporary failure to retry at once.
    if username is not None:
        _account(username)
    return HttpResponse("Inbox not implemented yet", status=501, content_type="text/plain")

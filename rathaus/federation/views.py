"""The ActivityPub objects of an office's accounts, read-only. Answers carry no cookies:
nothing here reads the session or hands out a CSRF token."""

from __future__ import annotations

import logging
import re

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from rathaus.federation import (
    activities,
    actors,
    collections,
    fanout,
    identities,
    incoming,
    objects,
    receiving,
)
from rathaus.federation.models import USERNAME, Account, Activity, InstanceActor
from rathaus.federation.negotiation import ACTIVITY_JSON, activity_response, json_type
from rathaus.lib import httpsig
from rathaus.posts.models import Post

log = logging.getLogger(__name__)


def _account(username: str) -> Account:
    if not USERNAME.fullmatch(username):
        raise Http404
    return get_object_or_404(Account.objects.select_related("office"), username=username)


def _post(account: Account, pk: int) -> Post:
    """A post of the account's office that is public or withdrawn; 404 for anything else."""
    post = Post.objects.filter(office_id=account.office_id, pk=pk).select_related("office").first()
    if post is None or not (post.is_public or post.status == Post.Status.WITHDRAWN):
        raise Http404
    if not account.publishes(post.category):
        raise Http404
    return post


@require_safe
def actor(request: HttpRequest, username: str) -> HttpResponse:
    account = _account(username)
    content_type = json_type(request)
    if content_type is None:
        office = account.office
        return HttpResponseRedirect(
            office.public_url(reverse("newsroom:index", args=[office.slug]))
        )
    return activity_response(objects.actor(account), content_type)


@require_safe
def instance_actor(request: HttpRequest) -> HttpResponse:
    found = objects.instance_actor(InstanceActor.get())
    return activity_response(found, json_type(request) or ACTIVITY_JSON)


def _post_object(request: HttpRequest, username: str, pk: int, render) -> HttpResponse:
    account = _account(username)
    post = _post(account, pk)
    content_type = json_type(request)
    if content_type is None:
        return HttpResponseRedirect(post.office.public_url(post.get_absolute_url()))
    if post.status == Post.Status.WITHDRAWN:
        # 410 with a Tombstone: servers that kept a copy learn it is gone on purpose.
        return activity_response(objects.tombstone(account, post), content_type, status=410)
    return activity_response(objects.document(render(account, post)), content_type)


@require_safe
def note(request: HttpRequest, username: str, pk: int) -> HttpResponse:
    return _post_object(request, username, pk, objects.note)


@require_safe
def activity(request: HttpRequest, username: str, pk: int) -> HttpResponse:
    return _post_object(request, username, pk, objects.create)


# An office publishes far fewer than 20 million posts; a larger page number is past the end
# anyway, and would overflow the database's integers as an offset.
MAX_PAGE = 1_000_000
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,6}")


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page")
    if raw is None:
        return None
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not PAGE_NUMBER.fullmatch(raw) or int(raw) > MAX_PAGE:
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
@require_POST
def inbox(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """Activities from other servers: accepted (202) only with a valid HTTP signature."""
    if username is not None:
        _account(username)
    try:
        activity = receiving.read(request.body)
    except receiving.Unreadable as error:
        return _plain(str(error), 400)
    if receiving.is_unknown_actor_deleted(activity):
        # A deleted account's key can no longer be fetched; there is nothing of it to remove.
        return _plain("", 202)
    request_data = {
        "method": request.method,
        "path": request.get_full_path(),
        "headers": dict(request.headers),
        "body": request.body,
        "scheme": request.scheme,
    }
    try:
        # Only the stored key: a key to fetch waits on another server, so a worker does it.
        verified = httpsig.verify_any(
            request.method,
            request_data["path"],
            request_data["headers"],
            request.body,
            public_key_for=incoming.stored_key_lookup,
            scheme=request.scheme,
        )
    except httpsig.KeyNeedsFetching as needed:
        return _keep(needed.key_id, request_data)
    except httpsig.SignatureError as error:
        return _plain(f"{type(error).__name__}: {error}", 401)
    try:
        signer = actors.owner_of(verified.key_id)
        if signer is None:
            raise httpsig.UnknownKey(f"no actor for {verified.key_id}")
        fanout.heard_from(activities.host_of(signer.uri))
        result = receiving.handle(activity, signer=signer)
    except (httpsig.SignatureError, receiving.NotTheSigner) as error:
        return _plain(f"{type(error).__name__}: {error}", 401)
    log.info("inbox %s from %s: %s", activity.get("type"), signer.uri, result)
    return _plain("", 202)


def _keep(key_id: str, request_data: dict) -> HttpResponse:
    """Store a request for a worker to verify (202), or say when to come back (429, 503)."""
    try:
        row = incoming.store(key_id=key_id, **request_data)
    except httpsig.SignatureError as error:
        return _plain(f"{type(error).__name__}: {error}", 401)
    except incoming.Full as full:
        response = _plain(str(full), full.status)
        response["Retry-After"] = str(incoming.RETRY_AFTER)
        return response
    incoming.wake(row)
    return _plain("", 202)


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@require_safe
def reply(request: HttpRequest, username: str, key: str) -> HttpResponse:
    """A public answer to a citizen, for servers that fetch it; direct ones stay private."""
    account = _account(username)
    note_id = identities.reply(account.username, key)
    found = Activity.objects.filter(
        account=account, activity_id=f"{note_id}/activity", kind=activities.REPLY
    ).first()
    note = found.body["object"] if found else None
    if note is None or objects.PUBLIC not in note.get("to", []):
        raise Http404
    content_type = json_type(request) or ACTIVITY_JSON
    return activity_response(objects.document(note), content_type)

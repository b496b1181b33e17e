"""How other servers find the accounts: WebFinger (RFC 7033), host-meta (RFC 6415) and
NodeInfo. These answer the questions Mastodon asks before it shows a search result."""

from __future__ import annotations

import json
from importlib import metadata

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_safe

from rathaus.federation import identities
from rathaus.federation.models import USERNAME, Account
from rathaus.offices.models import Office
from rathaus.posts.models import Post

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/{version}"
NODEINFO_VERSIONS = ("2.1", "2.0")


class BadResource(ValueError):
    """The resource parameter is missing or no acct: URI or actor URL."""


def username_in(resource: str) -> str | None:
    """The username a WebFinger resource names on this installation, or None if it names
    someone elsewhere."""
    actor_prefix = identities.actor("_")[:-1]
    if resource.startswith(actor_prefix):
        return resource[len(actor_prefix) :] or None
    if resource.startswith(("http://", "https://")):
        return None
    user, at, domain = resource.removeprefix("acct:").lstrip("@").partition("@")
    if not user or not at or not domain:
        raise BadResource(resource)
    if domain.lower() != settings.FEDERATION_DOMAIN.lower():
        return None
    return user.lower()


def _jrd(account: Account) -> dict:
    actor = identities.actor(account.username)
    office = account.office
    profile = office.public_url(reverse("newsroom:index", args=[office.slug]))
    return {
        "subject": identities.handle(account.username),
        "aliases": [actor, profile],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile},
        ],
    }


def _json(data: dict, content_type: str = "application/json") -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type=content_type)
    # Web clients of other servers look accounts up from the browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def webfinger(request: HttpRequest) -> HttpResponse:
    try:
        username = username_in(request.GET.get("resource", "").strip())
    except BadResource:
        return HttpResponseBadRequest("resource must be acct:user@domain or an actor URL")
    # Only a name an account can have reaches the database (PostgreSQL refuses NUL bytes).
    if username is None or not USERNAME.fullmatch(username):
        raise Http404
    account = Account.objects.filter(username=username).select_related("office").first()
    if account is None:
        raise Http404
    return _json(_jrd(account), "application/jrd+json")


@require_safe
def host_meta(request: HttpRequest) -> HttpResponse:
    template = identities.absolute(reverse("federation:webfinger")) + "?resource={uri}"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/jrd+json" template="{escape(template)}"/>\n'
        "</XRD>\n"
    )
    return HttpResponse(xml, content_type="application/xrd+xml; charset=utf-8")


@require_safe
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    links = [
        {
            "rel": NODEINFO_SCHEMA.format(version=version),
            "href": identities.absolute(reverse("federation:nodeinfo", args=[version])),
        }
        for version in NODEINFO_VERSIONS
    ]
    return _json({"links": links})


def nodeinfo_document(version: str) -> dict:
    accounts = Account.objects.count()
    software = {"name": "rathaus", "version": metadata.version("rathaus")}
    if version == "2.1":
        software["homepage"] = identities.base()
    return {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {
            "users": {"total": accounts, "activeMonth": accounts, "activeHalfyear": accounts},
            "localPosts": Post.objects.public().count(),
        },
        "metadata": {"offices": Office.objects.count()},
    }


@require_safe
def nodeinfo(request: HttpRequest, version: str) -> HttpResponse:
    if version not in NODEINFO_VERSIONS:
        raise Http404
    content_type = f'application/json; profile="{NODEINFO_SCHEMA.format(version=version)}#"'
    return _json(nodeinfo_document(version), content_type)

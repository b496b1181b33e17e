"""Posts and accounts as ActivityStreams objects. Publishing (later) sends the same objects
these views serve, so a remote copy and a fetched one never differ."""

from __future__ import annotations

import mimetypes
import re

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape, format_html, linebreaks
from django.utils.translation import gettext as _

from rathaus.federation import identities, mentions
from rathaus.federation.models import Account, InstanceActor
from rathaus.lib import richtext
from rathaus.posts.models import Post

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
# The strings only: JSON-LD processors on the other side know them; we never fetch them.
CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "toot": "http://joinmastodon.org/ns#",
        "schema": "http://schema.org#",
        "discoverable": "toot:discoverable",
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
    },
]
# Longer than this (plain text) and a post is an Article: Mastodon shows its title and link
# instead of cutting a long press release in the middle.
NOTE_MAX_CHARS = 500


def document(obj: dict) -> dict:
    """``obj`` as a top-level document, with the @context first."""
    return {"@context": CONTEXT, **obj}


def timestamp(value) -> str | None:
    """ActivityStreams' xsd:dateTime in UTC, as Mastodon writes it."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _image(url: str, media_type: str, name: str | None = None) -> dict:
    # Uploads are private: ``url`` is the newsroom view that serves the public copy.
    found = {
        "type": "Image" if name is None else "Document",
        "mediaType": media_type,
        "url": identities.absolute(url),
    }
    if name is not None:
        found["name"] = name
    return found


def _link(url: str) -> str:
    return format_html('<a href="{}" rel="nofollow noopener noreferrer">{}</a>', url, url)


def actor(account: Account) -> dict:
    office = account.office
    actor_url = identities.actor(account.username)
    summary = account.summary or office.tagline
    found = {
        "id": actor_url,
        "type": "Organization",
        "preferredUsername": account.username,
        "name": account.display_name,
        "summary": linebreaks(summary, autoescape=True) if summary else "",
        "url": office.public_url(reverse("newsroom:index", args=[office.slug])),
        "inbox": identities.collection(account.username, "inbox"),
        "outbox": identities.collection(account.username, "outbox"),
        "followers": identities.collection(account.username, "followers"),
        "following": identities.collection(account.username, "following"),
        "endpoints": {"sharedInbox": identities.shared_inbox()},
        "publicKey": {
            "id": f"{actor_url}#main-key",
            "owner": actor_url,
            "publicKeyPem": account.public_key_pem,
        },
        "discoverable": account.discoverable,
        "manuallyApprovesFollowers": False,
        "attachment": [
            _field(_("Imprint"), office, "newsroom:imprint"),
            _field(_("Privacy"), office, "newsroom:privacy"),
        ],
        "published": timestamp(account.created_at),
    }
    if office.logo:
        media_type = mimetypes.guess_type(office.logo.name)[0] or "application/octet-stream"
        found["icon"] = _image(reverse("newsroom:logo", args=[office.slug]), media_type)
    return document(found)


def instance_actor(instance: InstanceActor) -> dict:
    """The installation as an actor: it signs our GETs and follows nobody."""
    actor_url = identities.instance_actor()
    return document(
        {
            "id": actor_url,
            "type": "Application",
            "preferredUsername": settings.FEDERATION_DOMAIN,
            "name": "Rathaus",
            "inbox": identities.shared_inbox(),
            "outbox": f"{actor_url}/outbox",
            "endpoints": {"sharedInbox": identities.shared_inbox()},
            "publicKey": {
                "id": f"{actor_url}#main-key",
                "owner": actor_url,
                "publicKeyPem": instance.public_key_pem,
            },
            "manuallyApprovesFollowers": True,
            "discoverable": False,
        }
    )


def _field(name: str, office, route: str) -> dict:
    url = office.public_url(reverse(route, args=[office.slug]))
    return {"type": "PropertyValue", "name": name, "value": _link(url)}


def hashtag(name: str) -> str:
    """A tag as Mastodon can match it: letters, digits and underscores only."""
    return re.sub(r"\W", "", name) or "_"


def _tags(post: Post) -> list[dict]:
    office = post.office
    return [
        {
            "type": "Hashtag",
            "name": f"#{hashtag(tag.name)}",
            "href": office.public_url(reverse("newsroom:tag", args=[office.slug, tag.slug])),
        }
        for tag in post.tags.all()
    ]


def _tag_links(tags: list[dict]) -> str:
    links = [
        format_html(
            '<a href="{}" class="mention hashtag" rel="tag">#<span>{}</span></a>',
            tag["href"],
            tag["name"][1:],
        )
        for tag in tags
    ]
    return f"<p>{' '.join(links)}</p>" if links else ""


def _teaser(post: Post) -> str:
    """The first paragraph, as plain text: the summary of an Article."""
    first = next((part for part in post.body.split("\n\n") if part.strip()), "")
    return richtext.plain_text(first)


def _body_html(post: Post) -> str:
    """The Fediverse variant if the editor wrote one, else the post's text."""
    variant = post.variant_text("fediverse")
    return richtext.render(variant) if variant else post.body_html


def note(account: Account, post: Post) -> dict:
    """A public post as a Note (or an Article when it is long); without @context."""
    url = post.office.public_url(post.get_absolute_url())
    tags = _tags(post)
    named = mentions.known(post)
    is_article = len(richtext.plain_text(post.body)) > NOTE_MAX_CHARS
    more = format_html("<p>{}</p>", _link(url))
    heading = "" if is_article else format_html("<p><strong>{}</strong></p>", post.title)
    body = mentions.link(_body_html(post), named)
    content = heading + body + more + _tag_links(tags)
    found = {
        "id": identities.note(account.username, post.pk),
        "type": "Article" if is_article else "Note",
        "attributedTo": identities.actor(account.username),
        "content": content,
        "contentMap": {post.language: content},
        "url": url,
        "published": timestamp(post.published_at),
        "updated": timestamp(post.corrected_at),
        "to": [PUBLIC],
        "cc": [identities.collection(account.username, "followers")] + [a.uri for a in named],
        "tag": tags + mentions.tags(named),
        "attachment": [
            _image(image.public_url(), "image/jpeg", image.alt_text) for image in post.images.all()
        ],
        "sensitive": False,
        "inReplyTo": None,
    }
    if is_article:
        found["name"] = post.title
        found["summary"] = escape(_teaser(post))
    if not post.corrected_at:
        del found["updated"]
    return found


def create(account: Account, post: Post) -> dict:
    """The Create activity that publishes ``note``; without @context."""
    obj = note(account, post)
    return {
        "id": f"{obj['id']}/activity",
        "type": "Create",
        "actor": obj["attributedTo"],
        "published": obj["published"],
        "to": obj["to"],
        "cc": obj["cc"],
        "object": obj,
    }


def tombstone(account: Account, post: Post) -> dict:
    return document(
        {
            "id": identities.note(account.username, post.pk),
            "type": "Tombstone",
            "formerType": "Note",
            "deleted": timestamp(post.withdrawn_at),
        }
    )

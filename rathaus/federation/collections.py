"""The outbox and the other collections of an account.

An account shows the public posts of its office in the categories it publishes (all, when
it names none)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from rathaus.federation import identities, objects
from rathaus.federation.models import Account
from rathaus.posts.models import Post

PAGE_SIZE = 20


def posts_of(account: Account) -> QuerySet[Post]:
    posts = Post.objects.public().filter(office_id=account.office_id).select_related("office")
    return posts.filter(category__in=account.categories) if account.categories else posts


def outbox(account: Account) -> dict:
    url = identities.collection(account.username, "outbox")
    return objects.document(
        {
            "id": url,
            "type": "OrderedCollection",
            "totalItems": posts_of(account).count(),
            "first": f"{url}?page=1",
        }
    )


def outbox_page(account: Account, number: int) -> dict:
    """Page ``number`` (from 1), newest first; 404 past the end."""
    url = identities.collection(account.username, "outbox")
    start = (number - 1) * PAGE_SIZE
    posts = list(
        posts_of(account).prefetch_related("tags", "images")[start : start + PAGE_SIZE + 1]
    )
    if number > 1 and not posts:
        raise Http404
    page = {
        "id": f"{url}?page={number}",
        "type": "OrderedCollectionPage",
        "partOf": url,
        "orderedItems": [objects.create(account, post) for post in posts[:PAGE_SIZE]],
    }
    if len(posts) > PAGE_SIZE:
        page["next"] = f"{url}?page={number + 1}"
    if number > 1:
        page["prev"] = f"{url}?page={number - 1}"
    return objects.document(page)


def followers(account: Account) -> dict:
    # Who follows an office is nobody else's business: the count only, never the list.
    return objects.document(
        {
            "id": identities.collection(account.username, "followers"),
            "type": "OrderedCollection",
            "totalItems": account.followers.count(),
        }
    )


def following(account: Account) -> dict:
    # An office follows nobody.
    return objects.document(
        {
            "id": identities.collection(account.username, "following"),
            "type": "OrderedCollection",
            "totalItems": 0,
            "orderedItems": [],
        }
    )

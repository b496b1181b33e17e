"""The Rathaus side of ``bench.federation_fanout``: an office with its Fediverse account,
followers on the loopback inbox servers, and posts published through the lifecycle."""

from __future__ import annotations

import json
from dataclasses import dataclass

TEXT = (
    "Wegen Bauarbeiten an der Wasserleitung ist die Hauptstraße zwischen Rathausplatz und "
    "Bahnhofstraße vom {n}. bis voraussichtlich 30. Juni voll gesperrt. Die Buslinien 12 und "
    "47 fahren eine Umleitung über die Lindenallee; die Haltestelle Marktplatz entfällt. "
    "Fußgänger können die Baustelle auf der Nordseite passieren."
)


@dataclass
class Setup:
    office: object
    editor: object
    approver: object
    account: object


def office() -> Setup:
    from django.contrib.auth import get_user_model

    from rathaus.federation.models import Account
    from rathaus.offices.models import Membership, Office, Role

    office = Office.objects.create(
        name="Bezirksamt Bench", slug="bench", imprint="Bench", privacy_contact="Bench"
    )
    users = get_user_model().objects
    editor = users.create_user("bench.editor")
    approver = users.create_user("bench.approver")
    Membership.objects.create(user=editor, office=office, role=Role.EDITOR)
    Membership.objects.create(user=approver, office=office, role=Role.APPROVER)
    account = Account.objects.create(office=office, username="presse", display_name="Presse")
    return Setup(office, editor, approver, account)


def followers(
    account, ports: list[int], per_host: int, shared_all: bool, address: str = "127.0.0.1"
) -> set[str]:
    """``per_host`` followers on each port of ``address``; every other server (or all) has a
    shared inbox."""
    from rathaus.federation import activities
    from rathaus.federation.models import Follower, RemoteActor

    actors = []
    for index, port in enumerate(ports):
        base = f"http://{address}:{port}"
        shared = f"{base}/inbox" if shared_all or index % 2 == 0 else ""
        for n in range(per_host):
            actors.append(
                RemoteActor(
                    uri=f"{base}/users/u{n}",
                    domain=f"{address}:{port}",
                    username=f"u{n}",
                    inbox=f"{base}/users/u{n}/inbox",
                    shared_inbox=shared,
                )
            )
    RemoteActor.objects.bulk_create(actors, batch_size=1000)
    actors = RemoteActor.objects.all()
    Follower.objects.bulk_create(
        [Follower(account=account, actor=actor) for actor in actors], batch_size=1000
    )
    return activities.follower_inboxes(account)


def publish(setup: Setup, n: int):
    """A post through the lifecycle, as the newsroom publishes one; returns (post, when)."""
    from django.db import transaction
    from django.utils import timezone

    from rathaus.posts import lifecycle

    post = lifecycle.create_draft(
        setup.office,
        by=setup.editor,
        title=f"Vollsperrung Hauptstraße ({n})",
        body=TEXT.format(n=n),
        category="short_notice",
    )
    lifecycle.submit(post, by=setup.editor)
    lifecycle.approve(post, by=setup.approver)
    published = timezone.now()
    with transaction.atomic():  # on commit: the channel task, which stores the activity
        lifecycle.publish(post, by=setup.approver)
    return post, published


def activity_body(account, post) -> bytes:
    from rathaus.federation import objects

    return json.dumps(objects.document(objects.create(account, post)), ensure_ascii=False).encode()

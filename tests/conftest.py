"""Shared fixtures: two offices with a user for every role, so that every view is also
tested from an outsider's side."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_migrate

from rathaus.delivery import channels
from rathaus.delivery.channels import Channel, Limits, Sent
from rathaus.offices.models import Office, Role
from rathaus.posts import lifecycle

# Modules written before tests/helpers.py import these from here; new ones import the helpers.
from tests.helpers import (  # noqa: F401
    CITIZEN,
    PASSWORD,
    SIGNING_KEY_ID,
    log_in,
    make_user,
    publish,
    totp_code,
    with_totp,
)

_user = make_user  # the name older modules import


@pytest.fixture
def office(db) -> Office:
    return Office.objects.create(
        name="Bezirksamt Musterstadt-Mitte",
        kind=Office.Kind.BEZIRKSAMT,
        slug="mitte",
        public_base_url="https://presse.mitte.example",
        imprint="Bezirksamt Mitte, Rathausplatz 1",
        privacy_contact="Datenschutz: datenschutz@mitte.example",
    )


@pytest.fixture
def other_office(db) -> Office:
    return Office.objects.create(
        name="Ortsamt Nord",
        kind=Office.Kind.ORTSAMT,
        slug="nord",
        imprint="Ortsamt Nord",
        privacy_contact="datenschutz@nord.example",
    )


@pytest.fixture
def editor(office):
    return make_user("erika.editor", office, Role.EDITOR)


@pytest.fixture
def approver(office):
    return make_user("anton.approver", office, Role.APPROVER)


@pytest.fixture
def agent(office):
    return make_user("agnes.agent", office, Role.AGENT)


@pytest.fixture
def office_admin(office):
    """With a second factor set up (``totp_secret``): office admins must have one."""
    user = make_user("otto.admin", office, Role.ADMIN)
    user.totp_secret = with_totp(user)
    return user


@pytest.fixture
def outsider(other_office):
    """Editor, approver and admin of the *other* office: may see nothing of ``office``.
    With a second factor set up, as an office admin must have."""
    user = make_user("nora.nord", other_office, Role.EDITOR, Role.APPROVER, Role.ADMIN)
    with_totp(user)
    return user


@pytest.fixture
def draft(office, editor):
    return lifecycle.create_draft(
        office,
        by=editor,
        title="Baumfällung in der Lindenallee",
        body="Am **Montag** werden zwei kranke Linden gefällt.",
        category="short_notice",
    )


@pytest.fixture
def published(draft, editor, approver, django_capture_on_commit_callbacks):
    """Published, with the deliveries' on-commit wake-ups run as a real commit would."""
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        return lifecycle.publish(draft, by=approver)


class ScriptedChannel(Channel):
    """A channel whose answers the test scripts: each publish takes the next outcome
    (an exception to raise, or None for success) and records the call."""

    key = "scripted"
    name = "Scripted"
    limits = Limits(max_chars=280, max_images=4)
    can_update = True
    can_withdraw = True

    def __init__(self) -> None:
        self.outcomes: list[Exception | None] = []
        self.calls: list[tuple[str, int]] = []

    def _answer(self, action: str, delivery) -> Sent:
        self.calls.append((action, delivery.post_id))
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return Sent(remote_id=f"remote-{delivery.post_id}", url="https://social.example/1")

    def publish(self, delivery) -> Sent:
        return self._answer("publish", delivery)

    def update(self, delivery) -> Sent:
        return self._answer("update", delivery)

    def withdraw(self, delivery) -> None:
        self._answer("withdraw", delivery)


@pytest.fixture
def scripted_channel():
    channel = channels.register(ScriptedChannel())
    yield channel
    channels.unregister(channel.key)


@pytest.fixture
def tiny_png():
    """A real 2×2 PNG, made here so the test carries no binary file."""
    from tests.helpers import png

    return png()


def _empty_shared_cache(app_config, **kwargs) -> None:
    """The shared cache (rate limits, login throttles) is a database table in the embedded
    default, which a transactional test's flush leaves alone: emptied after the flush, as
    every other table is (with Redis, ``_empty_cache`` empties it with the default one)."""
    from django.core.cache import caches

    if app_config.label == "offices":  # once per flush, after its cache table exists
        caches["shared"].clear()


post_migrate.connect(_empty_shared_cache, dispatch_uid="tests-empty-shared-cache")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached newsroom pages of one test must not leak into the next (same slugs, same
    content versions), whether the cache is local memory or Redis."""
    from django.core.cache import cache

    from rathaus.newsroom import caching

    cache.clear()
    caching._versions.clear()  # ids and slugs repeat across tests
    yield


@pytest.fixture
def queue_only(transactional_db):
    """The task queue as in production: tasks wait until a worker takes them (a test plays
    the worker with ``huey.dequeue()``). A queue of this test's own, in memory, so no other
    run's queue is touched. Committed for real (transactional_db): on-commit wake-ups happen
    as in production, and a worker closes its database connection after each task, which
    would end a test's enclosing transaction on PostgreSQL."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    HUEY.immediate = False
    HUEY.storage = MemoryStorage(HUEY.name)
    yield HUEY
    HUEY.immediate = True  # back to a fresh in-memory queue that runs tasks at once


@pytest.fixture
def english_messages():
    """For tests that match a rule's message: the UI is German by default, the messages'
    source text English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def publish_post(office, editor, approver, django_capture_on_commit_callbacks):
    """A factory: :func:`publish` with this test's office, editor and approver."""
    return lambda **fields: publish(
        office, editor, approver, django_capture_on_commit_callbacks, **fields
    )


@pytest.fixture
def federation_over_http(settings):
    """Remote servers in tests speak plain HTTP, which federation refuses unless allowed."""
    settings.FEDERATION_ALLOW_HTTP = True


@pytest.fixture
def federation_domain(settings):
    """The domain our ActivityPub accounts live on, as the federation tests expect it."""
    settings.FEDERATION_DOMAIN = "rathaus.example"


@pytest.fixture(scope="session")
def signing_keys() -> tuple[str, str]:
    """One RSA key pair (private, public PEM) for the whole run: making one takes a while."""
    from rathaus.lib.httpsig import generate_key_pair

    return generate_key_pair()


@pytest.fixture
def key_lookup(signing_keys):
    """The key lookup an inbox would use, knowing only SIGNING_KEY_ID."""
    return lambda key_id, refresh=False: signing_keys[1] if key_id == SIGNING_KEY_ID else None


@pytest.fixture
def account(office, settings):
    """The office's ActivityPub account @presse on rathaus.example."""
    from rathaus.federation.models import Account

    settings.FEDERATION_DOMAIN = "rathaus.example"
    return Account.objects.create(office=office, username="presse", display_name="Presse")


@pytest.fixture
def citizen(db, signing_keys):
    """Anna on social.example (a Mastodon server), known with the session's public key."""
    from rathaus.federation.models import RemoteActor

    return RemoteActor.objects.create(
        uri=CITIZEN,
        domain="social.example",
        username="anna",
        name="Anna Anwohnerin",
        url="https://social.example/@anna",
        inbox=f"{CITIZEN}/inbox",
        shared_inbox="https://social.example/inbox",
        key_id=f"{CITIZEN}#main-key",
        public_key_pem=signing_keys[1],
    )


@pytest.fixture
def deliver(client, signing_keys):
    """POST an activity to one of our inboxes, signed as Mastodon signs it (by default
    with the citizen's key); returns the response."""
    import json

    from rathaus.lib.httpsig import sign

    def post(path: str, activity: dict, *, key_id: str = f"{CITIZEN}#main-key", body=None):
        raw = body if body is not None else json.dumps(activity).encode()
        headers = {"Content-Type": "application/activity+json"}
        signed = sign(
            "POST",
            f"http://testserver{path}",
            headers,
            raw,
            key_id=key_id,
            private_pem=signing_keys[0],
        )
        return client.post(
            path,
            data=raw,
            content_type="application/activity+json",
            headers=signed,
        )

    return post


@pytest.fixture
def admin_site_as(client, office_admin, other_office):
    """A factory: ``client`` logged in to the Django admin as ``office_admin`` with the
    permissions of one app (``other_office`` exists, so scoping has something to hide)."""
    from django.contrib.auth.models import Permission

    def enter(app_label: str):
        office_admin.is_staff = True
        office_admin.save()
        office_admin.user_permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label)
        )
        log_in(client, office_admin)
        return client

    return enter


@pytest.fixture
def mailbox(office):
    """The office's mailbox for citizens' mail (push delivery; IMAP tests make their own)."""
    from rathaus.mail.models import Mailbox

    return Mailbox.objects.create(office=office, address="buergeranfragen@mitte.example")


@pytest.fixture
def connect_account(office):
    """A factory: a connected platform account of ``office`` (tokens as given), talking to
    ``api_base`` (a fake server's url)."""
    from rathaus.connectors.models import ConnectedAccount

    def connect(platform: str, *, api_base: str, **fields):
        fields.setdefault("name", "Bezirksamt Mitte")
        fields.setdefault("remote_id", "1")
        fields.setdefault("access_token", "access-token-1")
        return ConnectedAccount.objects.create(
            office=office, platform=platform, api_base=api_base, **fields
        )

    return connect


@pytest.fixture
def send_all():
    """Send every due delivery now, again and again until none is due (retries included:
    their wait is skipped); returns the deliveries' statuses by channel."""
    from django.utils import timezone

    from rathaus.delivery import sending
    from rathaus.delivery.models import Delivery

    def run(rounds: int = 10) -> dict[str, str]:
        for _ in range(rounds):
            Delivery.objects.filter(status="queued").update(next_attempt_at=timezone.now())
            if not sending.send_due():
                break
        return {d.channel: d.status for d in Delivery.objects.all()}

    return run


@pytest.fixture
def loopback_platforms(settings):
    """Platform fakes run on 127.0.0.1, which connecting refuses unless it is allowed."""
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]

"""An office's ActivityPub accounts, the remote actors that follow them, and every
activity they send: what Mastodon users find as @presse@domain, follow and answer."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.jobs import models as jobs
from rathaus.lib.httpsig import generate_key_pair
from rathaus.offices.sealed import SealedTextField
from rathaus.posts.models import Category

# Path segments under /ap/ that are not accounts; an account so named would be shadowed.
RESERVED_USERNAMES = {"inbox", "instance"}
# What an account's username can be (the validator below): anything else is no account,
# and never reaches a query (PostgreSQL refuses a NUL byte in a string with an error).
USERNAME = re.compile(r"[a-z0-9_]{1,30}")


def validate_username(value: str) -> None:
    if value in RESERVED_USERNAMES:
        raise ValidationError(_("“%(name)s” is reserved."), params={"name": value})


def validate_categories(value: list) -> None:
    known = set(Category.values)
    if not isinstance(value, list) or not set(value) <= known:
        raise ValidationError(_("Choose categories from the list."))


class Account(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="fediverse_accounts"
    )
    # One installation has one federation domain, so unique here means unique per domain.
    # Mastodon's own rule: letters, digits and underscores, at most 30.
    username = models.CharField(
        _("username"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9_]+\Z",
                _("Only lowercase letters, digits and underscores."),
            ),
            validate_username,
        ],
        help_text=_("The name in @name@domain, e.g. “presse” or “baumschutz”."),
    )
    display_name = models.CharField(_("display name"), max_length=100)
    summary = models.TextField(_("profile text"), blank=True)
    discoverable = models.BooleanField(
        _("discoverable"),
        default=True,
        help_text=_("May appear in the Fediverse's directories and search."),
    )
    categories = models.JSONField(
        _("categories"),
        default=list,
        blank=True,
        validators=[validate_categories],
        help_text=_("Post categories this account publishes; empty means all."),
    )
    private_key_pem = SealedTextField(editable=False)
    public_key_pem = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("Fediverse account")
        verbose_name_plural = _("Fediverse accounts")

    def __str__(self) -> str:
        return f"@{self.username}"

    def save(self, *args, **kwargs) -> None:
        # The key is the account's identity on other servers: made once, never replaced.
        if not self.private_key_pem:
            self.private_key_pem, self.public_key_pem = generate_key_pair()
        super().save(*args, **kwargs)

    def publishes(self, category: str) -> bool:
        return not self.categories or category in self.categories


class InstanceActor(models.Model):
    """The installation itself as an actor (type Application): it signs GET requests for
    remote objects, so servers with authorized fetch answer without our knowing whose
    request it is. One row, made on first use."""

    private_key_pem = SealedTextField(editable=False)
    public_key_pem = models.TextField(editable=False)

    def __str__(self) -> str:
        return "instance actor"

    @classmethod
    def get(cls) -> InstanceActor:
        found = cls.objects.first()
        if found is None:
            private, public = generate_key_pair()
            found, _created = cls.objects.get_or_create(
                pk=1, defaults={"private_key_pem": private, "public_key_pem": public}
            )
        return found


class RemoteActor(models.Model):
    """A person or server elsewhere we have heard from: only what federation needs
    (address, inboxes, key), refreshed when its key no longer verifies."""

    uri = models.URLField(max_length=500, unique=True)
    domain = models.CharField(max_length=255, db_index=True)
    username = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    inbox = models.URLField(max_length=500, blank=True)
    shared_inbox = models.URLField(max_length=500, blank=True)
    key_id = models.CharField(max_length=500, blank=True, db_index=True)
    public_key_pem = models.TextField(blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("remote actor")
        verbose_name_plural = _("remote actors")

    def __str__(self) -> str:
        return self.handle

    @property
    def handle(self) -> str:
        # The port belongs to the address (two servers on one host differ by it); domain
        # leaves it out so that blocking a domain blocks it on every port.
        host = urlsplit(self.uri).netloc.rpartition("@")[2].lower() or self.domain
        return f"@{self.username}@{host}" if self.username else self.uri

    @property
    def delivery_inbox(self) -> str:
        """Where our activities go: the server's shared inbox, so that one request reaches
        every follower there."""
        return self.shared_inbox or self.inbox


class Follower(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="followers")
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="follows")
    follow_id = models.URLField(_("Follow activity"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "actor"], name="follower_once")]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")

    def __str__(self) -> str:
        return f"{self.actor} → {self.account}"


class BlockedDomain(models.Model):
    """Defederation: an office hears nothing from this domain and sends nothing to it."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="blocked_domains"
    )
    domain = models.CharField(
        _("domain"),
        max_length=255,
        help_text=_("e.g. spam.example; blocks its subdomains too."),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        constraints = [models.UniqueConstraint(fields=["office", "domain"], name="block_once")]
        verbose_name = _("blocked domain")
        verbose_name_plural = _("blocked domains")

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs) -> None:
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)


class Reaction(models.Model):
    """A Like or Announce of a post: counted for reports. Who reacted is kept only as a
    hash, enough to count each person once and to take the reaction back on Undo."""

    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        ANNOUNCE = "announce", _("Boost")

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor_hash = models.CharField(max_length=64)
    activity_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "kind", "actor_hash"], name="reaction_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of post#{self.post_id}"


class RemoteHost(models.Model):
    """A server we deliver to. Failing for a week, it is skipped until it answers again."""

    domain = models.CharField(max_length=255, unique=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    unavailable = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.domain


class Activity(models.Model):
    """An activity one account sends (Create, Update, Delete, Accept, a reply): the exact
    JSON that goes out, kept once however many inboxes receive it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="activities")
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    activity_id = models.URLField(max_length=500, unique=True)
    kind = models.CharField(max_length=20)
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.activity_id}"


class Outgoing(jobs.WorkRow):
    """One activity to one inbox: the durable truth of a federation delivery, a row of the
    job engine (kind ``federation.deliver``, ``fanout``); (activity, inbox) is unique, so
    nothing is sent twice however often fan-out runs."""

    class Status(models.TextChoices):
        QUEUED = jobs.QUEUED, _("Queued")
        RUNNING = jobs.RUNNING, _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = jobs.FAILED, _("Failed")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outgoing")
    inbox = models.URLField(max_length=500)
    host = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "inbox"], name="outgoing_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.inbox}: {self.status}"


class IncomingRequest(jobs.WorkRow):
    """A signed POST to an inbox whose signer's key we do not have (or that did not verify
    with the stored one): kept as received until a worker has fetched the key, checked the
    signature and handled the activity, so no web request waits on another server. A row
    of the job engine (kind ``federation.check_incoming``, ``incoming``), deleted once
    handled or given up."""

    class Status(models.TextChoices):
        QUEUED = jobs.QUEUED, _("Queued")
        RUNNING = jobs.RUNNING, _("Running")
        FAILED = jobs.FAILED, _("Failed")

    key_id = models.CharField(max_length=500)
    # The host in the key id: the unit of the per-server cap on waiting requests.
    key_host = models.CharField(max_length=255, db_index=True)
    method = models.CharField(max_length=10)
    path = models.TextField()
    scheme = models.CharField(max_length=5)
    headers = models.JSONField()  # only those the signature needs
    body = models.BinaryField()
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.path} signed by {self.key_id}"


class KeyFetch(models.Model):
    """When a signer's key was last fetched, so a flood of badly signed requests makes us
    fetch a key at most once every few minutes, and a host that did not answer is left
    alone for a while."""

    key_id = models.CharField(max_length=500, unique=True)
    host = models.CharField(max_length=255, db_index=True)
    fetched_at = models.DateTimeField()
    # The host did not answer (time-out, 5xx): other keys of it wait too.
    failed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.key_id} at {self.fetched_at}"

"""Accounts an office connected on a commercial platform. Every account is a channel of its
own (``<platform>:<id>``), so a post gets one delivery, one status and one link per account."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.jobs.models import DONE, FAILED, QUEUED, RUNNING, WorkRow
from rathaus.offices.sealed import SealedTextField

# The dashboard warns this long before a token expires.
EXPIRY_WARNING = timedelta(days=7)


class ConnectedAccount(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Connected")
        NEEDS_REAUTH = "needs_reauth", _("Needs to be connected again")
        DISCONNECTED = "disconnected", _("Disconnected")

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="connected_accounts"
    )
    platform = models.CharField(_("platform"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    # The account, page, organisation or chat on the platform.
    remote_id = models.CharField(max_length=200)
    # The instance or API address; empty means the platform's own (settings.CONNECTOR_API_BASES).
    api_base = models.URLField(_("server address"), max_length=300, blank=True)
    access_token = SealedTextField(blank=True)
    refresh_token = SealedTextField(blank=True)
    token_expires_at = models.DateTimeField(_("token expires"), null=True, blank=True)
    # What the platform told about the account and is no secret (character limit, handle).
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.ACTIVE)
    problem = models.TextField(_("problem"), blank=True)
    # Where fetching replies and messages goes on next time (a since-id, a cursor, an offset).
    cursor = models.CharField(max_length=500, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["platform", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "platform", "remote_id"], name="connected_account_once"
            )
        ]
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")

    def __str__(self) -> str:
        return f"{self.platform}: {self.name}"

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:  # every account is fetched from now on (see AccountFetch)
            AccountFetch.objects.get_or_create(account=self)

    @property
    def channel_key(self) -> str:
        return f"{self.platform}:{self.pk}"

    @property
    def platform_label(self) -> str:
        return platform_label(self.platform)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def expires_soon(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.token_expires_at and self.token_expires_at <= now + EXPIRY_WARNING)


def platform_label(platform: str) -> str:
    """The platform's name as people know it (Xing, not xing)."""
    from rathaus.connectors import family  # family imports this module

    connector = family.connectors().get(platform)
    return connector.label if connector else platform


class AccountFetch(WorkRow):
    """Fetching one account's replies, comments and messages: recurring work of the job
    engine (kind ``connectors.fetch``). Its lease keeps two workers, in any process, from
    fetching the same account at once: both would move the cursor, and Telegram hands each
    update out only once. A fetch that failed keeps its error and time for the desk until
    one succeeds. An account that is not connected is not fetched ("stopped") until it is
    connected again."""

    class Status(models.TextChoices):
        QUEUED = QUEUED, _("Waiting for the next fetch")
        RUNNING = RUNNING, _("Fetching")
        FAILED = FAILED, _("Failed")
        STOPPED = "stopped", _("Stopped")

    account = models.OneToOneField(
        ConnectedAccount, on_delete=models.CASCADE, primary_key=True, related_name="fetch"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # When the fetch described in ``last_error`` failed; empty once a fetch succeeds.
    failed_at = models.DateTimeField(_("fetch failed"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("fetch of an account")
        verbose_name_plural = _("fetches of accounts")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.status}"


# A connection that was asked for and not yet checked is forgotten after this long.
PENDING_KEPT = timedelta(hours=1)


class PendingConnection(WorkRow):
    """An account an office admin asked to connect, checked by the worker (kind
    ``connectors.connect`` of the job engine): the check waits on the platform (and on DNS),
    and nothing that waits on another server runs inside a web request. What the admin
    typed (or the OAuth flow and its code) is sealed here only until the check ran, success
    or failure; the row itself goes after ``PENDING_KEPT``."""

    class Status(models.TextChoices):
        QUEUED = QUEUED, _("Being checked")
        RUNNING = RUNNING, _("Being checked")
        FAILED = FAILED, _("Failed")
        DONE = DONE, _("Connected")

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="pending_connections"
    )
    platform = models.CharField(_("platform"), max_length=20)
    api_base = models.URLField(_("server address"), max_length=300, blank=True)
    # JSON: {"values": {...}} for a token or app password, {"flow": {...}, "code": "..."}
    # for OAuth; "" once the worker took it.
    credentials = SealedTextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # The platform's refusal (or why the check failed) is the engine's ``last_error``.
    last_error = models.TextField(_("error"), blank=True)
    account = models.ForeignKey(
        ConnectedAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("pending connection")
        verbose_name_plural = _("pending connections")

    def __str__(self) -> str:
        return f"{self.platform} ({self.status})"

    @property
    def platform_label(self) -> str:
        return platform_label(self.platform)

    @property
    def being_checked(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

"""An office's inbound email address: mail reaches it by IMAP (fetched every minute) or
by an MTA posting the raw message to the push endpoint with the mailbox's token.

A mailbox with an IMAP server is also recurring work of the job engine (``background``):
its poll's lease, next time and last error are the engine's columns on the row.

The push token is only ever compared, so only its SHA-256 is stored (``token_hash``): the
token itself exists once, on the instance that made it (``mailbox.token``), and the admin
shows it right then; a lost one is replaced, never read back."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.jobs.models import FAILED, QUEUED, RUNNING, WorkRow
from rathaus.lib import sealing
from rathaus.offices.sealed import SealedTextField

# The only hosts an IMAP password may be sent to unencrypted: this machine.
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def new_token() -> str:
    return secrets.token_urlsafe(32)


# Written by the worker alone (the poll's lease, outcome and where it got to): saving a
# mailbox from a form must not put back what was read before a poll.
WORKER_COLUMNS = frozenset(
    {
        *("status", "attempts", "next_attempt_at", "lease_until", "lease_token", "last_error"),
        *("last_checked_at", "last_uid", "uid_validity"),
    }
)


class Mailbox(WorkRow):
    class Status(models.TextChoices):
        QUEUED = QUEUED, _("Waiting for the next fetch")
        RUNNING = RUNNING, _("Being fetched")
        FAILED = FAILED, _("Failed")

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS (port 993)")
        STARTTLS = "starttls", _("STARTTLS (port 143)")
        # Only for a server on the same machine: the password would cross the network
        # in clear text.
        NONE = "none", _("Unencrypted (local servers only)")

    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        related_name="mailboxes",
        verbose_name=_("office"),
    )
    # One address belongs to one office, so mail can never be filed with the wrong one.
    address = models.EmailField(
        _("address"),
        unique=True,
        help_text=_("The office's inbound address, also the sender of answers."),
    )
    active = models.BooleanField(_("active"), default=True)
    imap_host = models.CharField(
        _("IMAP server"),
        max_length=255,
        blank=True,
        help_text=_("Empty: mail arrives only through the push address."),
    )
    imap_port = models.PositiveIntegerField(
        _("IMAP port"), null=True, blank=True, help_text=_("Empty: 993 with SSL, 143 otherwise.")
    )
    imap_security = models.CharField(
        _("connection security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    imap_username = models.CharField(_("IMAP user name"), max_length=255, blank=True)
    # Sealed at rest; the admin never shows it.
    imap_password = SealedTextField(_("IMAP password"), blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The highest UID taken over from the folder, valid while its UIDVALIDITY stays.
    last_uid = models.PositiveBigIntegerField(default=0)
    uid_validity = models.PositiveBigIntegerField(default=0)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The poll's state; one worker holds the lease while it fetches, so two never work
    # the same mailbox at once.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["office", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs) -> None:
        if not self.token_hash:
            self.new_push_token()
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in WORKER_COLUMNS
            ]
        super().save(*args, **kwargs)

    def new_push_token(self) -> str:
        """A new push token (the old one stops working once saved); the plain token is
        kept on this instance only, as ``token``, to be shown once."""
        self.token = new_token()
        self.token_hash = sealing.digest(self.token)
        return self.token

    @classmethod
    def by_token(cls, token: str):
        """The mailboxes whose push token this is (at most one): looked up by its hash."""
        return cls.objects.filter(token_hash=sealing.digest(token))

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()

    @property
    def fetches(self) -> bool:
        return bool(self.imap_host)

    @property
    def port(self) -> int:
        if self.imap_port:
            return self.imap_port
        return 993 if self.imap_security == self.Security.SSL else 143

    @property
    def unencrypted_refused(self) -> bool:
        return self.imap_security == self.Security.NONE and self.imap_host not in LOOPBACK

    def clean(self) -> None:
        if self.imap_host and not (self.imap_username and self.imap_password):
            raise ValidationError(_("An IMAP server needs a user name and a password."))
        if self.unencrypted_refused:
            raise ValidationError(
                _("Without encryption only a server on this machine (127.0.0.1) can be used.")
            )


class PolledManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(active=True).exclude(imap_host="")


class PolledMailbox(Mailbox):
    """The mailboxes the worker fetches by IMAP (active, with a server): the rows of the
    engine's kind ``mail.fetch``. A mailbox switched off keeps its row and is simply not
    due; switched on again, it is fetched at the next tick."""

    objects = PolledManager()

    class Meta:
        proxy = True
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

"""The newsletter's rows: an office's settings, its subscribers, one mailing per post and
one send row per recipient of a mailing.

What is kept, and for how long (data protection):

- A subscription waiting for confirmation: at most PENDING_DAYS, then deleted.
- A confirmed subscription: the address, the chosen categories, the language and the dates,
  as long as the citizen stays subscribed.
- Unsubscribing deletes the row at once: no list of former subscribers is kept.
- An address that bounced for good stays BOUNCED_DAYS with status "bounced" (so an office
  admin can see it and put it back if the fault was their own mail server), then it is
  deleted. No hash of it is kept: subscribing again needs a confirmation, which a dead
  address cannot give.
- Send rows say which subscriber got which mailing; when a subscriber is deleted they keep
  only the counts (the subscriber becomes NULL).

Tokens (issue 10): the bounce push token is only compared, so only its SHA-256 is stored
and the admin shows the address once. A subscriber's token must go into every later mail
(the unsubscribe link), so it is sealed (``sealed_token``) and looked up by its SHA-256
(``token_hash``); a database dump holds neither in plain.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from rathaus.jobs.models import FAILED, QUEUED, RUNNING, WorkRow
from rathaus.lib import sealing
from rathaus.offices.sealed import SealedTextField
from rathaus.posts.models import Category

PENDING_DAYS = 7
BOUNCED_DAYS = 30
# Stored for "every category", so categories added later are included.
ALL_CATEGORIES = "*"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def encode_categories(values: list[str]) -> str:
    """The stored form: ALL_CATEGORIES, or ``,a,b,`` so one category is found by a plain
    ``contains`` on every database."""
    chosen = sorted(set(values) & set(Category.values))
    if not chosen or set(chosen) == set(Category.values):
        return ALL_CATEGORIES
    return f",{','.join(chosen)},"


def category_filter(category: str) -> models.Q:
    return models.Q(categories=ALL_CATEGORIES) | models.Q(categories__contains=f",{category},")


class NewsletterSettings(models.Model):
    office = models.OneToOneField(
        "offices.Office",
        on_delete=models.CASCADE,
        related_name="newsletter",
        verbose_name=_("office"),
    )
    enabled = models.BooleanField(
        _("newsletter switched on"),
        default=False,
        help_text=_("Citizens can subscribe on the newsroom, and posts go out by mail."),
    )
    sender_name = models.CharField(
        _("sender name"), max_length=200, blank=True, help_text=_("Empty: the office's name.")
    )
    sender_address = models.EmailField(
        _("sender address"),
        blank=True,
        help_text=_("Empty: the office's first mailbox, else the installation's address."),
    )
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    bounce_address = models.EmailField(
        _("bounce address"),
        blank=True,
        help_text=_(
            "Undeliverable mail comes back here, as bounce+…@ with a code per recipient. "
            "Your mail server must hand all mail for it, with every +extension, to the "
            "bounce push address below. Empty: bounces go to the sender address and are "
            "not processed."
        ),
    )
    footer = models.TextField(
        _("footer"),
        blank=True,
        help_text=_("Shown under every newsletter, e.g. the imprint. Empty: the office's imprint."),
    )
    bounce_token_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("newsletter settings")
        verbose_name_plural = _("newsletter settings")

    def __str__(self) -> str:
        return str(self.office)

    def save(self, *args, **kwargs) -> None:
        if not self.bounce_token_hash:
            self.new_bounce_token()
        super().save(*args, **kwargs)
        # The newsroom's footer links to the subscription page only while it is switched on.
        self.office.touch(everything=True)

    def new_bounce_token(self) -> str:
        """A new bounce push token (the old one stops working once saved); the plain token
        is kept on this instance only, as ``bounce_token``, to be shown once."""
        self.bounce_token = new_token()
        self.bounce_token_hash = sealing.digest(self.bounce_token)
        return self.bounce_token

    @classmethod
    def by_bounce_token(cls, token: str):
        return cls.objects.filter(bounce_token_hash=sealing.digest(token))


class TokenHashField(models.CharField):
    """A subscriber's token hash; a row saved without a token (also by ``bulk_create``)
    gets a new one here. Declared before ``sealed_token``, which is saved after it."""

    def pre_save(self, model_instance, add):
        if not getattr(model_instance, self.attname):
            model_instance.token = new_token()
        return super().pre_save(model_instance, add)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        BOUNCED = "bounced", _("Undeliverable")

    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        related_name="newsletter_subscribers",
        verbose_name=_("office"),
    )
    email = models.EmailField(_("email address"))
    categories = models.CharField(_("categories"), max_length=300, default=ALL_CATEGORIES)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="de"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The token names the subscription in the confirm, change and unsubscribe links: sealed,
    # so mails can be built later, and found by its hash (see ``token``).
    token_hash = TokenHashField(max_length=64, unique=True, editable=False)
    sealed_token = SealedTextField(editable=False)
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)

    class Meta:
        ordering = ["office", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "office", name="newsletter_subscriber_address_once"
            )
        ]
        indexes = [models.Index(fields=["office", "status"])]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return self.email

    @property
    def token(self) -> str:
        return self.sealed_token

    @token.setter
    def token(self, value: str) -> None:
        """A new token: the links with the old one stop working once saved."""
        self.sealed_token = value
        self.token_hash = sealing.digest(value)

    @classmethod
    def by_token(cls, token: str):
        return cls.objects.filter(token_hash=sealing.digest(token))

    @property
    def all_categories(self) -> bool:
        return self.categories == ALL_CATEGORIES

    @property
    def category_values(self) -> list[str]:
        if self.all_categories:
            return list(Category.values)
        return [c for c in self.categories.strip(",").split(",") if c in Category.values]

    @property
    def category_labels(self) -> list[str]:
        return [Category(value).label for value in self.category_values]


class Mailing(models.Model):
    """One post as a newsletter: what it says is kept as it was when it was queued, so
    every recipient gets the same text even if the post is corrected while it goes out."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="newsletter_mailings"
    )
    post = models.OneToOneField(
        "posts.Post", on_delete=models.CASCADE, related_name="newsletter_mailing"
    )
    delivery = models.ForeignKey(
        "delivery.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=300)
    body_html = models.TextField()
    # [{"url", "alt", "author", "licence"}]: shown as links, never embedded.
    images = models.JSONField(default=list, blank=True)
    post_url = models.URLField(max_length=500)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    batches = models.PositiveIntegerField(_("batches"), default=0)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    # Why the mailing stopped, when a mail could not be made (``mailings``): shown
    # on the desk instead of a mailing that seems to be still on its way.
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self) -> str:
        return self.subject


class Send(WorkRow):
    """One recipient of one mailing: a row of the job engine (``background``). Unique per
    mailing and subscriber, and at most once: a row whose worker died after handing its
    mail to the mail server fails instead of going again, so nobody gets a mailing twice."""

    class Status(models.TextChoices):
        QUEUED = QUEUED, _("Queued")
        RUNNING = RUNNING, _("Sending")
        SENT = "sent", _("Sent")
        FAILED = FAILED, _("Failed")
        CANCELLED = "cancelled", _("Not sent")

    class Bounce(models.TextChoices):
        NONE = "", _("None")
        SOFT = "soft", _("Temporary")
        HARD = "hard", _("Permanent")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="sends")
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="sends"
    )
    # The recipients are handed to the workers in batches of NEWSLETTER_BATCH_SIZE.
    batch = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    bounce = models.CharField(max_length=4, choices=Bounce.choices, default="", blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set just before the mail goes to the mail server: a row found with it after its
    # worker died may have been mailed, and is never sent again.
    handed_over_at = models.DateTimeField(null=True, blank=True)
    # ``last_error``: the mail server's words, without the address (the row outlives the
    # subscriber).

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing", "subscriber"], name="newsletter_send_once")
        ]
        indexes = [
            models.Index(fields=["mailing", "batch", "status"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]
        verbose_name = _("send")
        verbose_name_plural = _("sends")

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.subscriber_id}: {self.status}"

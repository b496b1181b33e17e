"""A post is written once and goes to every channel of its office."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from rathaus.delivery.models import RETRYABLE, Deliveries
from rathaus.lib import german_words, richtext


class Category(models.TextChoices):
    PRESS_RELEASE = "press_release", _("Press release")
    NOTICE = "notice", _("Public notice (Bekanntmachung)")
    PARTICIPATION = "participation", _("Participation procedure (Beteiligungsverfahren)")
    SERVICE = "service", _("Service information")
    MEETING = "meeting", _("Council meeting")
    RESOLUTION = "resolution", _("Council resolution")
    # A plain label; what belongs here is said where the category is chosen (desk.forms.posts).
    SHORT_NOTICE = "short_notice", _("Short notice")
    EMERGENCY = "emergency", _("Emergency warning")

    @classmethod
    def by_slug(cls, slug: str) -> Category | None:
        return next((c for c in cls if c.value.replace("_", "-") == slug), None)

    @property
    def slug(self) -> str:
        return self.value.replace("_", "-")


class Tag(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["office", "slug"], name="tag_once")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.slug = self.slug or slugify(self.name)[:80] or "tag"
        super().save(*args, **kwargs)


SLUG_MAX = 60


def slug_for(title: str) -> str:
    """The words of a post's address from its title: at most ``SLUG_MAX`` characters, cut
    where a word ends (only a single word longer than that is cut inside)."""
    slug = slugify(title)
    if len(slug) > SLUG_MAX:
        head = slug[: SLUG_MAX + 1]
        slug = head.rsplit("-", 1)[0] if "-" in head else slug[:SLUG_MAX]
    return slug.strip("-") or "meldung"


class PostQuerySet(models.QuerySet):
    def public(self) -> PostQuerySet:
        return self.filter(status__in=PUBLIC_STATUSES)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        CORRECTED = "corrected", _("Corrected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, *italic*, lists, links."))
    body_html = models.TextField(editable=False, default="")
    # What the search index holds of title and body (lib.german_words.tokens), written on
    # every save: both databases index these, so they find the same posts.
    search_title = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.PRESS_RELEASE
    )
    language = models.CharField(
        _("language"), max_length=8, default="de", choices=settings.LANGUAGES
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("tags"))
    # Where the post went (delivery is below posts, so its rows point here generically);
    # deleted with the post. ``Delivery.objects.filter(post=...)`` reads through it.
    deliveries = Deliveries("post")
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    event_start = models.DateTimeField(_("event starts"), null=True, blank=True)
    event_end = models.DateTimeField(_("event ends"), null=True, blank=True)

    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_hash = models.CharField(max_length=64, blank=True)
    # The words of the newsroom address (``slug_for``), set from the title until the post
    # is first published; empty only in rows made by ``bulk_create``.
    url_slug = models.CharField(max_length=SLUG_MAX, blank=True, editable=False)
    # The channel keys the editor chose for this post (the newsroom is always among them);
    # None: the category's default channels (``delivery.defaults``).
    channels = models.JSONField(_("channels"), null=True, blank=True, default=None)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_without_approval = models.BooleanField(default=False)
    corrected_at = models.DateTimeField(null=True, blank=True)
    correction_note = models.TextField(_("correction note"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["office", "status", "-published_at"])]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.url_slug = self.url_slug or slug_for(self.title)
        self.body_html = richtext.render(self.body)
        self.search_title = german_words.tokens(self.title)
        self.search_body = german_words.tokens(self.body)
        fields = kwargs.get("update_fields")
        if fields is not None and {"title", "body"} & set(fields):
            kwargs["update_fields"] = {*fields, "search_title", "search_body", "url_slug"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("newsroom:post", args=[self.office.slug, self.pk, self.slug])

    @property
    def slug(self) -> str:
        """The address's words: stored, so a post's address stays what went out (rows
        made by ``bulk_create`` have none stored and take the title's)."""
        return self.url_slug or slug_for(self.title)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def partly_published(self) -> bool:
        """Public, but at least one channel failed or needs re-authorisation."""
        return self.is_public and self.deliveries.filter(status__in=RETRYABLE).exists()

    def variant_text(self, channel_key: str) -> str:
        for variant in self.variants.all():
            if variant.channel == channel_key:
                return variant.text
        return ""

    def content(self) -> dict:
        """Everything an approval vouches for: text, variants, media, facts, and the
        channels where the editor chose them (only then: the hashes of posts that follow
        their category's defaults stay what their approvals stored)."""
        return {
            "title": self.title,
            "body": self.body,
            "category": self.category,
            "language": self.language,
            "place": [self.place_name, str(self.latitude or ""), str(self.longitude or "")],
            "event": [str(self.event_start or ""), str(self.event_end or "")],
            "tags": sorted(t.name for t in self.tags.all()) if self.pk else [],
            "variants": {v.channel: v.text for v in self.variants.all()} if self.pk else {},
            "images": [[i.sha256, i.alt_text, i.author, i.licence] for i in self.images.all()]
            if self.pk
            else [],
        } | ({"channels": sorted(self.channels)} if self.channels is not None else {})

    def content_hash(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


# A post the public sees.
PUBLIC_STATUSES = (Post.Status.PUBLISHED, Post.Status.CORRECTED)


class PostVariant(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    channel = models.CharField(max_length=40)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "channel"], name="variant_once")]

    def __str__(self) -> str:
        return f"{self.channel}: {self.text[:40]}"


def image_key() -> str:
    return secrets.token_urlsafe(16)


def original_path(instance: PostImage, filename: str) -> str:
    """A random name for an uploaded original: nobody can guess it, and the uploader's own
    file name (often a person's name or a date) is kept apart, in ``original_name``."""
    suffix = PurePath(filename).suffix.lower()
    return f"posts/{secrets.token_urlsafe(18)}{suffix if suffix in IMAGE_SUFFIXES else ''}"


IMAGE_SUFFIXES = {".jpg", ".png", ".webp", ".gif"}


class PostImage(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    # The original, in the private upload directory; the public only ever gets the JPEG
    # rendition, by ``key``, and only while the post is public.
    image = models.ImageField(_("image"), upload_to=original_path)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    key = models.CharField(max_length=32, unique=True, default=image_key, editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=1500,
        help_text=_("Describe the image for people who cannot see it."),
    )
    author = models.CharField(_("author"), max_length=200, help_text=_("Photographer/creator."))
    licence = models.CharField(
        _("licence"),
        max_length=200,
        help_text=_("e.g. CC BY 4.0, or “all rights reserved, used with permission”."),
    )
    sha256 = models.CharField(max_length=64, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text

    def public_url(self) -> str:
        """The newsroom's address of the JPEG rendition (answers only while public)."""
        return reverse("newsroom:image-jpeg", args=[self.post.office.slug, self.post_id, self.key])

    def desk_url(self) -> str:
        return reverse("desk:image_file", args=[self.post.office.slug, self.post_id, self.pk])


class FixedSlot(models.Model):
    """A time an office publishes at every week ("Di 10 Uhr Pressemitteilung"), offered
    when a post is scheduled or moved; local to the office, so it stays at 10:00 across the
    daylight-saving switches."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="fixed_slots"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    time = models.TimeField(_("time"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    label = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["weekday", "time"]
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday", "time"], name="fixed_slot_once")
        ]

    def __str__(self) -> str:
        name = self.label or (self.get_category_display() if self.category else "")
        return f"{self.get_weekday_display()} {self.time:%H:%M} {name}".strip()

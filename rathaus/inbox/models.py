"""Conversations with citizens: every question, reply and mention, whatever channel it
came through, threaded into one conversation per question and worked as a queue."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.delivery.models import Deliveries
from rathaus.inbox import words
from rathaus.posts.models import Category

# Reference numbers are read out on the phone: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class Team(models.Model):
    """A department or group of agents a conversation can be assigned to."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teams", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="team_once")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="topic_once")]

    def __str__(self) -> str:
        return self.name


class SearchWordsQuerySet(models.QuerySet):
    """Every way a model's searched text is written keeps its search words with it:
    ``save`` and ``create`` (``SearchWordsModel``), a batch's ``bulk_create`` and
    ``bulk_update``, and the ``update`` of edits, removals and anonymisation. The one place
    for it is here, so that no writer can forget them (or leave an erased text findable by
    its words). ``source`` names the text's field, ``words_of`` makes its words."""

    source = ""

    @staticmethod
    def words_of(text: str) -> str:
        raise NotImplementedError

    def update(self, **kwargs):
        if self.source in kwargs:
            text = kwargs[self.source]
            if not isinstance(text, str):
                # An expression's value is known to the database only, not to words_of.
                name = f"{self.model.__name__}.{self.source}"
                raise TypeError(f"{name} is updated with a string only")
            kwargs["search_words"] = self.words_of(text)
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.search_words = self.words_of(getattr(obj, self.source))
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if self.source in fields:
            objs = list(objs)
            for obj in objs:
                obj.search_words = self.words_of(getattr(obj, self.source))
            fields = [*fields, "search_words"]
        return super().bulk_update(objs, fields, *args, **kwargs)


class SearchWordsModel:
    """``save`` keeps the search words of the text its queryset (``SearchWordsQuerySet``)
    names, whenever that text is saved."""

    def save(self, *args, **kwargs):
        queryset = type(self).objects.get_queryset()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or queryset.source in update_fields:
            self.search_words = queryset.words_of(getattr(self, queryset.source))
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "search_words"]
        super().save(*args, **kwargs)


class ConversationQuerySet(SearchWordsQuerySet):
    """The subject's words (``words.of_text``) for the compound search (migration 0007)."""

    source = "subject"
    words_of = staticmethod(words.of_text)

    def overdue(self, now) -> ConversationQuerySet:
        """Open conversations past a response-time target: no first answer by its due
        time, or not closed by the resolution due time."""
        first = models.Q(first_response_at=None, first_response_due__lt=now)
        resolution = models.Q(resolution_due__lt=now)
        return self.exclude(status=Conversation.Status.CLOSED).filter(first | resolution)


class Conversation(SearchWordsModel, models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting for citizen")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        LOW = 0, _("Low")
        NORMAL = 1, _("Normal")
        HIGH = 2, _("High")
        URGENT = 3, _("Urgent")

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="conversations"
    )
    reference = models.CharField(
        _("reference number"), max_length=12, unique=True, default=new_reference
    )
    channel = models.CharField(_("channel"), max_length=40)
    # Public: everyone on the platform sees the citizen's message and our answer.
    is_public = models.BooleanField(_("public"), default=False)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    # The subject's tokens for the compound search (inbox.search, migration 0007); kept by
    # save() and ConversationQuerySet, never written by hand.
    search_words = models.TextField(default="", editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
        verbose_name=_("post"),
    )
    # Who wrote: as much as the channel tells and the answer needs, nothing more.
    citizen_name = models.CharField(_("name"), max_length=200, blank=True)
    citizen_email = models.EmailField(_("email"), blank=True)
    citizen_handle = models.CharField(_("address"), max_length=500, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("team")
    )
    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"))
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(db_index=True)
    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    # Not stored: True once the due times were filled in before the row was inserted (bulk
    # ingest, see ``inbound.conversations_opening``), so that ``conversation_opened``'s
    # receivers leave them alone instead of reading the targets a second time.
    due_times_set = False

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["office", "status", "-last_message_at"]),
            models.Index(fields=["office", "assignee", "status"]),
            models.Index(fields=["office", "first_response_due"]),
        ]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class MessageQuerySet(SearchWordsQuerySet):
    """The text's words (``words.of_html``) for the compound search (migration 0004)."""

    source = "text_html"
    words_of = staticmethod(words.of_html)


class Message(SearchWordsModel, models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", _("From the citizen")
        OUTBOUND = "out", _("From the office")
        NOTE = "note", _("Internal note")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=40)
    # The message's id where it came from (an ActivityPub object id, a Message-ID): a
    # message delivered twice is stored once.
    remote_id = models.CharField(max_length=500)
    in_reply_to = models.CharField(max_length=500, blank=True)
    # The office's own address the citizen wrote to (a Fediverse account's actor URL), so
    # the answer goes out from there and not from whichever account comes first.
    recipient = models.CharField(max_length=500, blank=True)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.INBOUND)
    author_name = models.CharField(_("name"), max_length=200, blank=True)
    author_handle = models.CharField(_("address"), max_length=500, blank=True)
    author_url = models.URLField(max_length=500, blank=True)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_html = models.TextField(_("text"), help_text=_("Sanitised on arrival."))
    # The text's tokens for the compound search (inbox.search, migration 0004); kept by
    # save() and MessageQuerySet, never written by hand.
    search_words = models.TextField(default="", editable=False)
    photo = models.ImageField(_("photo"), upload_to="inbox/%Y/%m/", blank=True)
    url = models.URLField(max_length=500, blank=True)
    is_public = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Four eyes on replies of staff whose replies the office wants checked.
    needs_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Moderation of public comments under the office's posts.
    hidden_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(_("netiquette reason"), max_length=300, blank=True)
    # An answer's way out (delivery is below the inbox, so its rows point here generically);
    # deleted with the message. ``Delivery.objects.filter(message=...)`` reads through it.
    deliveries = Deliveries("message")

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "channel", "remote_id"], name="message_once")
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.author_handle or self.author_name}: {self.remote_id}"


class ReplyReviewer(models.Model):
    """Replies by ``user`` in ``office`` need a second person's approval before they go out
    (new staff, as the office's social-media guideline decides)."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "user"], name="reply_review_once")]
        verbose_name = _("replies need approval")
        verbose_name_plural = _("replies need approval")

    def __str__(self) -> str:
        return str(self.user)

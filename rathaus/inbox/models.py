"""Conversations with citizens: every question, reply and mention, whatever channel it
came through, threaded into one conversation per question."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting for citizen")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="conversations"
    )
    channel = models.CharField(_("channel"), max_length=40)
    # Public: everyone on the platform sees the citizen's message and our answer.
    is_public = models.BooleanField(_("public"), default=False)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
        verbose_name=_("post"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.subject or f"#{self.pk}"


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", _("From the citizen")
        OUTBOUND = "out", _("From the office")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=40)
    # The message's id where it came from (an ActivityPub object id, a Message-ID): a
    # message delivered twice is stored once.
    remote_id = models.CharField(max_length=500)
    in_reply_to = models.CharField(max_length=500, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.INBOUND)
    author_name = models.CharField(_("name"), max_length=200, blank=True)
    author_handle = models.CharField(_("address"), max_length=500, blank=True)
    author_url = models.URLField(max_length=500, blank=True)
    text_html = models.TextField(_("text"), help_text=_("Sanitised on arrival."))
    url = models.URLField(max_length=500, blank=True)
    is_public = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "channel", "remote_id"], name="message_once")
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.author_handle or self.author_name}: {self.remote_id}"

"""Knowledge reuse: a good answer becomes a text template (Textbaustein) for the desk or a
question on the office's public FAQ page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.answers.placeholders import BLOCKS, validate_placeholders
from rathaus.lib import richtext

# The rule for placeholders that give lines (answers.placeholders.BLOCKS), said wherever a
# template is written: the Django admin (the model's help text) and the desk's form. A
# template that breaks it is refused when saved (in the same words), so the author should
# read it beforehand.
BLOCK_RULE = lazy(
    lambda: (
        gettext(
            "%(names)s gives whole lines: put it on a line of its own, e.g. below "
            "“You can reach us at these times:”."
        )
        % {"names": ", ".join(f"{{{name}}}" for name in sorted(BLOCKS))}
    ),
    str,
)()


class TextTemplate(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="text_templates"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        validators=[validate_placeholders],
        help_text=format_lazy(
            "{} {}",
            _(
                "Plain text. Placeholders: {name} (the citizen's name, empty if unknown), "
                "{reference}, {office}, {office_hours}, {agent}."
            ),
            BLOCK_RULE,
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["office", "title"], name="text_template_title_once")
        ]
        verbose_name = _("text template")
        verbose_name_plural = _("text templates")

    def __str__(self) -> str:
        return self.title


class FaqQuerySet(models.QuerySet):
    def published(self) -> FaqQuerySet:
        return self.filter(published=True)


class FaqEntry(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="faq")
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), help_text=_("Plain text or Markdown."))
    # Only an approver or office admin publishes (publish_faq): the page is public.
    published = models.BooleanField(_("published"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_from = models.ForeignKey(
        "inbox.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("made from answer"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = FaqQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["office", "published", "position"])]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self) -> str:
        return self.question

    @property
    def answer_html(self) -> str:
        return richtext.render(self.answer)

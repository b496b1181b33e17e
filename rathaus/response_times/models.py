"""How fast an office means to answer: per category, or its default for everything else."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.posts.models import Category

_POSITIVE = [MinValueValidator(Decimal("0.01"))]


class ResponseTarget(models.Model):
    """Working hours until the first answer and until the conversation is closed. Counted
    in the office's working hours, without weekends and its state's public holidays."""

    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        related_name="response_targets",
        verbose_name=_("office"),
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("Empty: the office's default for conversations of any other category."),
    )
    first_response_hours = models.DecimalField(
        _("first answer within (working hours)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_POSITIVE,
    )
    resolution_hours = models.DecimalField(
        _("closed within (working hours)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_POSITIVE,
    )

    class Meta:
        ordering = ["office", "category"]
        constraints = [
            models.UniqueConstraint(fields=["office", "category"], name="response_target_once"),
            models.CheckConstraint(
                condition=models.Q(first_response_hours__gt=0)
                | models.Q(first_response_hours=None),
                name="first_response_hours_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(resolution_hours__gt=0) | models.Q(resolution_hours=None),
                name="resolution_hours_positive",
            ),
        ]
        verbose_name = _("response-time target")
        verbose_name_plural = _("response-time targets")

    def __str__(self) -> str:
        category = self.get_category_display() or _("default")
        return f"{self.office}: {category}"

    def clean(self) -> None:
        first, resolution = self.first_response_hours, self.resolution_hours
        if first is None and resolution is None:
            raise ValidationError(_("Set at least one of the two targets."))
        if first is not None and resolution is not None and resolution < first:
            raise ValidationError(
                {"resolution_hours": _("Closing cannot be due before the first answer.")}
            )


class Closure(models.Model):
    """A day the office is closed beyond its state's public holidays (a Brückentag, a
    staff outing): response times do not count it."""

    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name=_("office"),
    )
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["office", "day"]
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="closure_once")]
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")

    def __str__(self) -> str:
        return f"{self.office}: {self.day:%d.%m.%Y}"

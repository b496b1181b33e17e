"""Forms of a post's pages: writing and correcting, images, reasons, the schedule, the list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rathaus.delivery import channels
from rathaus.desk.forms.fields import DescribedForm, LocalDateTimeField, LocalTimesForm
from rathaus.offices import local_time
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Office
from rathaus.posts import content
from rathaus.posts.models import Category, Post


def _local(moment: datetime | None, office: Office) -> datetime | None:
    return local_time.utc_to_local(moment, office.zone).replace(tzinfo=None) if moment else None


class PostForm(LocalTimesForm):
    local_time_fields = ("event_start", "event_end", "publish_at")

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy("Markdown: **bold**, *italic*, lists, links."),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Category.choices)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separate tags with commas, e.g. “Verkehr, Baustelle”."),
    )
    place_name = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=gettext_lazy("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        help_text=gettext_lazy("Decimal degrees, e.g. 52.520008"),
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        help_text=gettext_lazy("Decimal degrees, e.g. 13.404954"),
    )
    event_start = LocalDateTimeField(label=gettext_lazy("Event starts"), required=False)
    event_end = LocalDateTimeField(label=gettext_lazy("Event ends"), required=False)
    publish_at = LocalDateTimeField(
        label=pgettext_lazy("desired time", "Publish at"),
        required=False,
        help_text=gettext_lazy("Desired publication time; the approver confirms it."),
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, office=office, **kwargs)
        # One variant per platform: all accounts of a platform send the same text.
        by_key = {c.variant_key: c for c in channels.for_office(office) if c.variant_key}
        self.variant_channels = list(by_key.values())
        for channel in self.variant_channels:
            self.fields[f"variant_{channel.variant_key}"] = forms.CharField(
                label=_("Text for %(channel)s") % {"channel": channel.variant_label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Leave empty to send the main text."),
            )

    @property
    def variant_fields(self) -> list[forms.BoundField]:
        return [self[f"variant_{channel.variant_key}"] for channel in self.variant_channels]

    @classmethod
    def initial_for(cls, post: Post) -> dict[str, Any]:
        office = post.office
        initial = {name: getattr(post, name) for name in content.EDITABLE_FIELDS}
        for name in cls.local_time_fields:
            initial[name] = _local(getattr(post, name), office)
        initial["tags"] = ", ".join(tag.name for tag in post.tags.all())
        for variant in post.variants.all():
            initial[f"variant_{variant.channel}"] = variant.text
        return initial

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        try:
            content.check_title(title)
        except LifecycleError as error:
            raise forms.ValidationError(str(error)) from None
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("event_start"), data.get("event_end")
        if start and end and end < start:
            self.add_error("event_end", _("The event cannot end before it starts."))
        return data

    def verb_arguments(self) -> dict[str, Any]:
        """What the lifecycle verbs take: the fields, one text per channel, the tag names."""
        data = self.cleaned_data
        arguments = {name: data[name] for name in content.EDITABLE_FIELDS}
        arguments["variants"] = {
            c.variant_key: data[f"variant_{c.variant_key}"] for c in self.variant_channels
        }
        arguments["tags"] = [name.strip() for name in data["tags"].split(",") if name.strip()]
        return arguments


class CorrectionForm(PostForm):
    note = forms.CharField(
        label=gettext_lazy("What was corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown publicly with the post."),
    )


class ImageForm(DescribedForm):
    image = forms.ImageField(
        label=gettext_lazy("Image file"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    alt_text = forms.CharField(
        label=gettext_lazy("Alt text"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Describe the image for people who cannot see it."),
        error_messages={
            "required": gettext_lazy(
                "Describe the image: people who cannot see it rely on the alt text."
            )
        },
    )
    author = forms.CharField(label=gettext_lazy("Author"), max_length=200)
    licence = forms.CharField(
        label=gettext_lazy("Licence"),
        max_length=200,
        help_text=gettext_lazy("e.g. CC BY 4.0, or “all rights reserved, used with permission”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The limits lifecycle.add_image checks (posts.images), from the settings.
        self.fields["image"].help_text = _(
            "JPEG, PNG, WebP or GIF; at most %(mb)d MB and %(megapixels)d megapixels."
        ) % {"mb": settings.UPLOAD_MAX_MB, "megapixels": settings.UPLOAD_MAX_MEGAPIXELS}


class ReasonForm(DescribedForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleForm(LocalTimesForm):
    local_time_fields = ("at",)

    at = LocalDateTimeField(
        label=gettext_lazy("Publish at (local time)"),
        help_text=gettext_lazy("Time in the office's time zone."),
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *Post.Status.choices],
    )

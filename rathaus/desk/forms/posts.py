"""Forms of a post's pages: writing and correcting, images, reasons, the schedule, the list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rathaus.delivery import channels, defaults
from rathaus.desk.forms.fields import DescribedForm, LocalDateTimeField, LocalTimesForm
from rathaus.offices import local_time
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Office
from rathaus.posts import content, drafting
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
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=Category.choices,
        help_text=gettext_lazy("Short notice: tree felling, road works and the like."),
    )
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

    # Which channels the post goes to; ticked at first are its category's defaults, and
    # ``channels_for`` names the category they were ticked for: left as they were, the
    # post follows the defaults of whatever category it gets.
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Ticked are the defaults of the category. The newsroom always gets the post."
        ),
    )
    channels_for = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, office=office, **kwargs)
        office_channels = channels.for_office(office)
        if "channels" in self.fields:
            self.fields["channels"].choices = [
                (c.key, str(c.name)) for c in office_channels if c.key != defaults.ALWAYS
            ]
            if "channels" not in self.initial:
                category = self.initial.get("category") or Category.PRESS_RELEASE
                self.initial["channels"] = content.default_channels(office, category)
                self.initial["channels_for"] = category
        # One variant per platform: all accounts of a platform send the same text.
        by_key = {c.variant_key: c for c in office_channels if c.variant_key}
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
        if post.channels is None:
            initial["channels"] = content.default_channels(office, post.category)
            initial["channels_for"] = post.category
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

    def clean_body(self) -> str:
        return content.plain_lines(self.cleaned_data["body"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("event_start"), data.get("event_end")
        if start and end and end < start:
            self.add_error("event_end", _("The event cannot end before it starts."))
        for channel in self.variant_channels:
            name = f"variant_{channel.variant_key}"
            data[name] = content.plain_lines(data.get(name) or "")
        if "channels" in self.fields:
            data["channels"] = self._picked(data.get("channels") or [], data.get("channels_for"))
        return data

    def _picked(self, keys: list[str], ticked_for: str | None) -> list[str] | None:
        """The channel choice for the verbs: None while the ticks are the defaults they
        started as (the post then follows its category's defaults)."""
        picked = {*keys, defaults.ALWAYS}
        if ticked_for in Category.values and picked == set(
            content.default_channels(self.office, ticked_for)
        ):
            return None
        return sorted(picked)

    @property
    def chooses_channels(self) -> bool:
        """Whether the input carries a choice of channels: a request made without this
        form (a script, an older page) has no ``channels_for`` and leaves them as they are."""
        return "channels" in self.fields and (not self.is_bound or "channels_for" in self.data)

    def goes_to(self) -> set[str] | None:
        """The keys of the channels the post goes to as the form stands now (typed or
        initial, before any cleaning, for the live counters); None: every channel."""
        if not self.chooses_channels:
            return None
        if self.is_bound:
            keys, ticked_for = self.data.getlist("channels"), self.data.get("channels_for")
            category = self.data.get("category")
        else:
            keys, ticked_for = self.initial.get("channels") or [], self.initial.get("channels_for")
            category = self.initial.get("category")
        picked = self._picked(keys, ticked_for)
        if picked is None:
            return set(content.default_channels(self.office, category or Category.PRESS_RELEASE))
        return set(picked)

    def reticked(self) -> PostForm | None:
        """A form ticked with the defaults of the category now chosen, where the ticks are
        still the untouched defaults of another one (the live preview swaps them in)."""
        if not (self.is_bound and self.chooses_channels):
            return None
        ticked_for, category = self.data.get("channels_for"), self.data.get("category")
        if category not in Category.values or category == ticked_for:
            return None
        if self._picked(self.data.getlist("channels"), ticked_for) is not None:
            return None
        return PostForm(office=self.office, initial={"category": category})

    def verb_arguments(self) -> dict[str, Any]:
        """What the lifecycle verbs take: the fields, one text per channel, the tag names."""
        data = self.cleaned_data
        arguments = {name: data[name] for name in content.EDITABLE_FIELDS - {"channels"}}
        if self.chooses_channels:
            arguments["channels"] = data["channels"]
        arguments["variants"] = {
            c.variant_key: data[f"variant_{c.variant_key}"] for c in self.variant_channels
        }
        arguments["tags"] = [name.strip() for name in data["tags"].split(",") if name.strip()]
        return arguments


class CorrectionForm(PostForm):
    # A correction goes where the post went: no choice of channels.
    channels = None
    channels_for = None
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


class DraftImageForm(ImageForm):
    """The image of a new post, chosen while writing it: optional, but once a file or any
    of its details is given, all of them are needed (as on the post's page)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        details = ("alt_text", "author", "licence")
        if not self.errors and not data.get("image") and any(data.get(n) for n in details):
            self.add_error("image", _("Choose the image file, or leave the image fields empty."))
        if data.get("image"):
            for name in details:
                if not (data.get(name) or "").strip() and name not in self.errors:
                    field = self.fields[name]
                    message = field.error_messages["required"]
                    self.add_error(name, forms.ValidationError(message, code="required"))
        return data

    def image(self) -> drafting.NewImage | None:
        """What ``drafting.create_draft`` takes; None when no image was chosen."""
        data = self.cleaned_data
        if not data.get("image"):
            return None
        return drafting.NewImage(
            file=data["image"],
            alt_text=data["alt_text"],
            author=data["author"],
            licence=data["licence"],
        )


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

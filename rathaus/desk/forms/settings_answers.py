"""Forms of the FAQ and text-template settings pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.answers.models import BLOCK_RULE, FaqEntry, TextTemplate
from rathaus.answers.placeholders import PLACEHOLDERS, validate_placeholders
from rathaus.desk.forms.fields import DescribedForm


class FaqForm(DescribedForm):
    question = forms.CharField(
        label=gettext_lazy("Question"), max_length=FaqEntry._meta.get_field("question").max_length
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Plain text or Markdown."),
    )
    position = forms.IntegerField(
        label=gettext_lazy("Position on the page"),
        min_value=0,
        max_value=100_000,
        required=False,
        help_text=gettext_lazy("Smaller numbers come first. Empty: at the end."),
    )


class TemplateForm(DescribedForm):
    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=TextTemplate._meta.get_field("title").max_length
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        validators=[validate_placeholders],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        known = ", ".join(f"{{{name}}} ({text})" for name, text in PLACEHOLDERS.items())
        listed = _("Plain text. Placeholders: %(known)s.") % {"known": known}
        self.fields["body"].help_text = f"{listed} {BLOCK_RULE}"

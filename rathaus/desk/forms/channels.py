"""The form that connects an account on a platform without OAuth."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rathaus.desk.forms.fields import DescribedForm


class ConnectForm(DescribedForm):
    """What a platform asks for to connect an account without OAuth (``Connector.credentials``)."""

    def __init__(self, *args: Any, connector: type, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if connector.asks_api_base:
            self.fields["api_base"] = forms.URLField(
                label=gettext_lazy("Server address"),
                assume_scheme="https",
                required=not connector.default_api_base,
                initial=connector.default_api_base,
                help_text=gettext_lazy("e.g. %(example)s")
                % {"example": connector.server_example or connector.default_api_base},
            )
        for credential in connector.credentials:
            widget = forms.PasswordInput(render_value=False) if credential.secret else None
            self.fields[credential.name] = forms.CharField(
                label=credential.label,
                required=credential.required,
                help_text=credential.help,
                max_length=4000,
                widget=widget,
                strip=True,
            )

    def values(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "api_base"}

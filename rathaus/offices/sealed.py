"""A text field whose value is sealed in the database (``rathaus.lib.sealing``) and plain in
Python: private keys and passwords never lie readable in a database dump or backup."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rathaus.lib import sealing


class SealedTextField(models.TextField):
    def from_db_value(self, value, expression, connection):
        return None if value is None else sealing.unseal(value, settings.ENCRYPTION_KEYS)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else sealing.seal(value, settings.ENCRYPTION_KEYS)


def sealed_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) that is sealed, for re-sealing after a key change."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, SealedTextField)
    ]

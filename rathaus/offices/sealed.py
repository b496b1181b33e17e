"""A text field whose value is sealed in the database (``rathaus.lib.sealing``) and plain in
Python: private keys and passwords never lie readable in a database dump or backup.

Every value is sealed on its way in and opened on its way out; nothing depends on what the
plain value looks like. ``seal_plain_values`` is for data migrations: it seals what was
stored in plain before and leaves sealed values alone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast

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


def seal_plain_values(model: type[models.Model], field: str) -> int:
    """Seal every value of ``model.field`` that is not sealed yet; returns how many.

    The column is read raw (cast to text, so the field does not try to open it), and a
    plain value is written back through the field, which seals it."""
    keys = settings.ENCRYPTION_KEYS
    rows = (
        model._default_manager.annotate(raw_value=Cast(field, models.TextField()))
        .exclude(raw_value="")
        .exclude(raw_value__isnull=True)
        .values_list("pk", "raw_value")
    )
    count = 0
    for pk, raw in rows:
        if not sealing.opens(raw, keys):
            model._default_manager.filter(pk=pk).update(**{field: raw})
            count += 1
    return count

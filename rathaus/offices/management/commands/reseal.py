"""After adding a new first key to RATHAUS_ENCRYPTION_KEYS: seal every stored secret with
it, so the old key can be dropped."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from rathaus.offices.mfa import reseal_data
from rathaus.offices.sealed import sealed_fields


class Command(BaseCommand):
    help = "Seal every stored secret with the first key of RATHAUS_ENCRYPTION_KEYS."

    def handle(self, *args, **options) -> None:
        for model, field in sealed_fields():
            count = 0
            with transaction.atomic():
                # .values_list reads the column through the field, so the value comes
                # opened; writing it back with update() seals it with the first key.
                for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field):
                    model.objects.filter(pk=pk).update(**{field: value})
                    count += 1
            self.stdout.write(f"{model._meta.label}.{field}: {count} sealed again")
        self._reseal_two_factor()

    def _reseal_two_factor(self) -> None:
        """allauth's authenticators keep their sealed secrets inside a JSON column."""
        from allauth.mfa.models import Authenticator

        count = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update():
                data = reseal_data(authenticator.type, authenticator.data)
                if data != authenticator.data:
                    Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
                    count += 1
        self.stdout.write(f"mfa.Authenticator.data: {count} sealed again")

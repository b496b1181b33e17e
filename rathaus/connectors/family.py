"""The connected accounts as channels: one per account, keyed ``<platform>:<id>``."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import TYPE_CHECKING

from rathaus.connectors import platforms as platforms_package
from rathaus.connectors.models import ConnectedAccount

if TYPE_CHECKING:
    from rathaus.connectors.base import Connector
    from rathaus.offices.models import Office


@cache
def connectors() -> dict[str, type[Connector]]:
    """Platform key → connector class, from every module in ``connectors/platforms``."""
    found = {}
    for module_info in pkgutil.iter_modules(platforms_package.__path__):
        module = importlib.import_module(f"{platforms_package.__name__}.{module_info.name}")
        connector = getattr(module, "CONNECTOR", None)
        if connector is not None:
            found[connector.platform] = connector
    return dict(sorted(found.items()))


def platforms() -> list[str]:
    return list(connectors())


def connector_for(account: ConnectedAccount) -> Connector:
    return connectors()[account.platform](account)


class AccountChannels:
    """The delivery registry's family for connected accounts: one for every platform."""

    def prefixes(self) -> list[str]:
        return platforms()

    def get(self, key: str) -> Connector:
        platform, _sep, pk = key.partition(":")
        account = (
            ConnectedAccount.objects.filter(pk=pk, platform=platform).select_related("office")
            if pk.isdigit()
            else None
        )
        found = account.first() if account is not None else None
        if found is None or platform not in connectors():
            raise KeyError(key)
        return connector_for(found)

    def for_office(self, office: Office) -> list[Connector]:
        accounts = ConnectedAccount.objects.filter(office=office, platform__in=platforms())
        accounts = accounts.exclude(status=ConnectedAccount.Status.DISCONNECTED)
        return [connector_for(account) for account in accounts.select_related("office")]


ACCOUNTS = AccountChannels()

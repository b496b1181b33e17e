"""Xing: there is no public API to post for companies or pages, so Rathaus prepares the
text and a share link, and an editor posts it by hand and confirms on the desk. The
delivery waits as "to be posted by hand" until then, so nothing is forgotten."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from rathaus.connectors.base import Connection, Connector, Credential
from rathaus.delivery.channels import Limits, PermanentError, Prepared
from rathaus.delivery.models import Delivery

SHARE = "https://www.xing.com/spi/shares/new"


class XingConnector(Connector):
    platform = "xing"
    label = "Xing"
    stores = _(
        "Rathaus stores the page's address only: nothing is sent to Xing, posts are copied by hand."
    )
    can_fetch = False
    # Xing's status updates take about 3,000 characters; images are added there by hand.
    default_limits = Limits(max_chars=3000, max_images=None)
    connect_help = _(
        "Xing offers no way to post by machine. Rathaus prepares the text and a share link "
        "for every post; an editor posts it on Xing and confirms it on the post's page."
    )
    credentials = (
        Credential(
            "page",
            _("Address of the Xing page"),
            secret=False,
            help=_("e.g. https://www.xing.com/pages/bezirksamt-mitte"),
        ),
    )

    @classmethod
    def verify(cls, api_base: str, values: dict[str, Any]) -> Connection:
        page = values.get("page", "").strip()
        if not page.startswith("https://www.xing.com/"):
            raise PermanentError("A Xing page address starts with https://www.xing.com/")
        name = page.rstrip("/").rsplit("/", 1)[-1]
        return Connection(remote_id=page, name=name, details={"page": page})

    def prepared(self, delivery: Delivery) -> Prepared:
        parts = self.render(delivery.post)
        text = "\n\n".join(part.text for part in parts)
        return Prepared(text=text, share_url=f"{SHARE}?{urlencode({'url': parts[0].link})}")


CONNECTOR = XingConnector

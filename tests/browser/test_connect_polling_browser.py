"""The channels page follows a connection being checked in the background by itself
(htmx polling, allowed by the desk's CSP) and stops asking once the check is over."""

from rathaus.connectors.models import ConnectedAccount, PendingConnection
from tests.browser.helpers import log_in


def test_the_channels_page_shows_the_outcome_without_a_reload(
    page, live_server, office, office_admin
):
    pending = PendingConnection.objects.create(
        office=office, platform="xing", credentials="{}", requested_by=office_admin
    )
    log_in(page, live_server.url, office_admin.username)
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "/kanaele/verbindungen/" in r.url else None)
    page.goto(f"{live_server.url}/desk/{office.slug}/kanaele/")
    assert "mitte-seite" not in page.inner_text("#accounts")

    account = ConnectedAccount.objects.create(
        office=office, platform="xing", name="mitte-seite", remote_id="https://www.xing.com/pages/m"
    )
    PendingConnection.objects.filter(pk=pending.pk).update(status="done", account=account)
    page.locator("#accounts").get_by_text("mitte-seite").first.wait_for(timeout=8000)

    page.wait_for_timeout(2500)  # longer than the poll interval: no request follows
    assert len(polls) == 1
    assert page.locator("#accounts[hx-trigger]").count() == 0

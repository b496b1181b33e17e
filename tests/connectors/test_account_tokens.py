"""Connecting, sealing tokens at rest, disconnecting (tokens deleted), and the admins being
told when an account needs to be connected again or its access expires within 7 days."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from rathaus.connectors import accounts
from rathaus.connectors.base import Connection
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.channels import PermanentError
from rathaus.offices.access import LifecycleError
from tests.helpers import log_in

PAGE = "https://www.xing.com/pages/bezirksamt-mitte"


def _raw(account: ConnectedAccount, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM connectors_connectedaccount WHERE id = %s", [account.pk]
        )
        return cursor.fetchone()[0]


@pytest.fixture
def admin_with_mail(office_admin):
    office_admin.email = "otto@mitte.example"
    office_admin.save()
    return office_admin


def test_an_admin_connects_with_what_the_platform_accepts(office, office_admin):
    account = accounts.connect(office, "xing", {"page": PAGE}, by=office_admin)
    assert (account.remote_id, account.name, account.status) == (PAGE, "bezirksamt-mitte", "active")


def test_bad_input_is_refused_in_the_platforms_words_and_stores_nothing(office, office_admin):
    with pytest.raises(PermanentError, match=r"starts with https://www\.xing\.com/"):
        accounts.connect(office, "xing", {"page": "http://evil.example"}, by=office_admin)
    assert not ConnectedAccount.objects.exists()


def test_only_office_admins_connect(office, editor, outsider):
    for person in (editor, outsider):
        with pytest.raises(LifecycleError):
            accounts.connect(office, "xing", {"page": PAGE}, by=person)
    assert not ConnectedAccount.objects.exists()


def test_tokens_are_sealed_at_rest_and_plain_in_python(office, office_admin):
    connection_ = Connection(
        remote_id="42", name="Amt", access_token="geheim-123", refresh_token="r-456"
    )
    account = accounts.store(office, "xing", connection_, by=office_admin)
    assert "geheim-123" not in _raw(account, "access_token")
    assert "r-456" not in _raw(account, "refresh_token")
    account.refresh_from_db()
    assert (account.access_token, account.refresh_token) == ("geheim-123", "r-456")


def test_disconnecting_deletes_the_tokens_and_keeps_the_history(office, office_admin):
    connection_ = Connection(remote_id="42", name="Amt", access_token="geheim", refresh_token="r")
    account = accounts.store(office, "xing", connection_, by=office_admin)
    accounts.disconnect(account, by=office_admin)
    account.refresh_from_db()
    assert (account.access_token, account.refresh_token, account.status) == ("", "", "disconnected")
    assert _raw(account, "access_token") in ("", None) or "geheim" not in _raw(
        account, "access_token"
    )


def test_connecting_again_revives_the_same_row(office, office_admin):
    first = accounts.store(office, "xing", Connection(remote_id="42", name="A"), by=office_admin)
    accounts.disconnect(first, by=office_admin)
    again = accounts.store(
        office, "xing", Connection(remote_id="42", name="A", access_token="neu"), by=office_admin
    )
    assert again.pk == first.pk and again.status == "active" and again.access_token == "neu"


def test_losing_access_tells_the_admins_once(office, admin_with_mail, connect_account):
    account = connect_account("xing", api_base="")
    accounts.needs_reauthorisation(account, "token revoked")
    accounts.needs_reauthorisation(account, "token revoked")
    assert [m.to for m in mail.outbox] == [["otto@mitte.example"]]
    assert "token revoked" in mail.outbox[0].body
    assert ConnectedAccount.objects.get(pk=account.pk).status == "needs_reauth"


def test_the_admins_are_warned_seven_days_before_a_token_expires(
    office, admin_with_mail, connect_account
):
    now = timezone.now()
    soon = connect_account(
        "xing", api_base="", remote_id="a", token_expires_at=now + timedelta(days=6)
    )
    connect_account("xing", api_base="", remote_id="b", token_expires_at=now + timedelta(days=30))
    assert accounts.warn_expiring(now) == 1
    assert accounts.warn_expiring(now) == 0  # once per token
    assert len(mail.outbox) == 1 and soon.name in mail.outbox[0].subject
    assert accounts.attention(office, now) == [soon]


def test_the_dashboard_shows_accounts_to_connect_again(
    client, office, office_admin, connect_account
):
    connect_account(
        "xing", api_base="", name="Presseseite", status="needs_reauth", problem="abgelaufen"
    )
    log_in(client, office_admin)
    page = client.get(reverse("desk:dashboard", args=[office.slug])).content.decode()
    assert "Xing: Presseseite" in page and "abgelaufen" in page


def test_the_channels_page_connects_and_disconnects(client, office, office_admin):
    log_in(client, office_admin)
    url = reverse("desk:account_connect", args=[office.slug, "xing"])
    refused = client.post(url, {"page": "https://elsewhere.example/x"})
    assert refused.status_code == 200 and "xing.com" in refused.content.decode()
    assert client.post(url, {"page": PAGE}).status_code == 302
    account = ConnectedAccount.objects.get()
    client.post(reverse("desk:account_disconnect", args=[office.slug, account.pk]))
    assert ConnectedAccount.objects.get().status == "disconnected"


def test_a_server_on_the_operators_own_network_is_refused(office, office_admin, settings):
    settings.FEDERATION_PRIVATE_HOSTS = []
    for address in (
        "http://127.0.0.1:8080",
        "https://10.0.0.5",
        "https://[::1]/",
        "ftp://x.example",
    ):
        with pytest.raises(PermanentError):
            accounts.connect(
                office, "mastodon", {"access_token": "t"}, api_base=address, by=office_admin
            )
    assert not ConnectedAccount.objects.exists()

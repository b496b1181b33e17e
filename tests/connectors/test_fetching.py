"""Fetching accounts is recurring work of the job engine (kind ``connectors.fetch``): the
engine's lease lets one worker in one process fetch an account at a time (the cache lock
before it was per process, and ``manage.py run`` starts two workers), the minutely tick
fetches every connected account every two minutes, and a fetch that fails is shown on the
channels page with its time, to the office's admins only."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from rathaus.connectors import accounts, background, fetching
from rathaus.connectors.models import AccountFetch, ConnectedAccount
from rathaus.connectors.platforms.mastodon import MastodonConnector
from rathaus.jobs import runner
from rathaus.offices.models import Role
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serving
from tests.helpers import PASSWORD, fetch_account, make_user, with_totp

fake = serving(FakeMastodon)


@pytest.fixture
def account(fake, connect_account):
    return fake.connect(connect_account)


def _another_process(settings) -> None:
    """What another worker process sees: a default cache of its own (in the embedded
    default it is per process), and the same database (as tests/security/test_auth.py)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "2"},
    }


def test_two_processes_never_fetch_the_same_account_at_once(account, fake, settings, monkeypatch):
    fake.mention("Wann wird die Lindenallee wieder geöffnet?")
    real = MastodonConnector.fetch
    meanwhile = []

    def fetch_while_the_other_process_starts_too(connector, cursor):
        if not meanwhile:
            _another_process(settings)
            meanwhile.append(fetching.fetch(ConnectedAccount.objects.get(pk=account.pk)))
        return real(connector, cursor)

    monkeypatch.setattr(MastodonConnector, "fetch", fetch_while_the_other_process_starts_too)
    assert fetching.fetch(ConnectedAccount.objects.get(pk=account.pk)) == 1
    assert meanwhile == [0]  # the second process found the account taken
    assert len(fake.calls("GET", r"^/api/v1/notifications$")) == 1


def test_the_tick_fetches_every_connected_account_every_two_minutes(account, fake):
    fake.mention("Erste Frage")
    assert background.FETCH.name in runner.tick()
    assert len(fake.calls("GET", r"^/api/v1/notifications$")) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        runner.tick()  # not yet
    assert len(fake.calls("GET", r"^/api/v1/notifications$")) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        runner.tick()
    assert len(fake.calls("GET", r"^/api/v1/notifications$")) == 2


def test_a_disconnected_account_is_not_fetched_until_it_is_connected_again(
    account, fake, office, office_admin, connect_account
):
    accounts.disconnect(account, by=office_admin)
    runner.tick()
    assert AccountFetch.objects.get(pk=account.pk).status == AccountFetch.Status.STOPPED
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert background.FETCH.name not in runner.tick()
    assert not fake.calls("GET", r"^/api/v1/notifications$")

    fake.mention("Wieder da?")
    connection = MastodonConnector.verify(fake.url, fake.connection_values())
    accounts.store(office, "mastodon", connection, api_base=fake.url, by=office_admin)
    runner.tick()
    assert len(fake.calls("GET", r"^/api/v1/notifications$")) == 1


def test_a_failed_fetch_is_kept_and_cleared_by_the_next_good_one(account, fake):
    fake.fail_next(503, path="/api/v1/notifications")
    assert fetch_account(account) == 0
    failed = AccountFetch.objects.get(pk=account.pk)
    assert failed.failed_at is not None and "Service Unavailable" in failed.last_error
    assert failed.status == AccountFetch.Status.QUEUED  # tried again at the next interval
    assert failed.next_attempt_at >= timezone.now() + timedelta(seconds=100)

    fake.mention("Noch da?")
    assert fetch_account(account) == 1
    fetched = AccountFetch.objects.get(pk=account.pk)
    assert (fetched.failed_at, fetched.last_error) == (None, "")


def _channels_page(client, user, office, language=None):
    assert client.login(username=user.username, password=PASSWORD)
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return client.get(reverse("desk:channels", args=[office.slug]), **headers)


def test_the_channels_page_shows_the_failed_fetch_and_when(
    client, account, fake, office, office_admin
):
    fake.fail_next(503, path="/api/v1/notifications")
    moment = timezone.now().replace(month=3, day=14, hour=9, minute=30)  # 10:30 in Berlin
    with time_machine.travel(moment, tick=False):
        fetch_account(account)

    page = _channels_page(client, office_admin, office)  # German, the desk's default
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="de"' in html
    assert "Das Abrufen der Antworten ist am 14.03." in html and "10:30 fehlgeschlagen:" in html
    assert "Mastodon: Service Unavailable" in html

    english = _channels_page(client, office_admin, office, "en").content.decode()
    assert "Fetching replies failed on" in english and "10:30" in english

    fetch_account(account)  # a good fetch: nothing to show any more
    assert "10:30" not in _channels_page(client, office_admin, office, "en").content.decode()


def test_another_office_sees_nothing_of_it(client, account, fake, office, other_office, outsider):
    fake.fail_next(503, path="/api/v1/notifications")
    fetch_account(account)
    assert client.login(username=outsider.username, password=PASSWORD)
    assert client.get(reverse("desk:channels", args=[office.slug])).status_code == 404
    assert client.get(reverse("desk:connections", args=[office.slug])).status_code == 404
    own = client.get(reverse("desk:channels", args=[other_office.slug])).content.decode()
    assert "Service Unavailable" not in own and account.name not in own


def test_an_editor_of_the_office_does_not_see_the_channels_page(client, account, fake, office):
    editor = make_user("erik.editor", office, Role.EDITOR)
    with_totp(editor)
    fake.fail_next(503, path="/api/v1/notifications")
    fetch_account(account)
    assert client.login(username=editor.username, password=PASSWORD)
    assert client.get(reverse("desk:channels", args=[office.slug])).status_code == 403

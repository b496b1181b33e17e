"""Connecting a platform account waits on nobody inside a web request (issue 10, the class
of item 18): the desk stores what the admin typed, sealed, and the worker checks it with the
platform (its server, its DNS); the channels page shows the check and then its outcome.

The task queue runs as in production here: tasks wait until the test plays the worker."""

import json
import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from rathaus.connectors import accounts, family
from rathaus.connectors.base import Connection, Connector, OAuth
from rathaus.connectors.models import ConnectedAccount, PendingConnection
from rathaus.lib import sealing
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.server import FakeServer, Response
from tests.helpers import PASSWORD
from tests.loopback import was_contacted

pytestmark = pytest.mark.usefixtures("english_messages", "loopback_platforms")

# What the desk may take to answer a connect form: far below any client's time-out.
QUICK = 0.5


def work(huey) -> int:
    """Run every queued task, as the worker would; how many ran."""
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def _raw_credentials(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM connectors_pendingconnection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _login(client, user):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages' source text
    assert client.login(username=user.username, password=PASSWORD)


def _connect_url(office, platform="mastodon"):
    return reverse("desk:account_connect", args=[office.slug, platform])


def test_a_server_that_never_answers_does_not_hold_the_request(
    client, office, office_admin, queue_only, silent_server, monkeypatch
):
    _login(client, office_admin)
    address = f"http://127.0.0.1:{silent_server.getsockname()[1]}"
    looked_up = []
    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: looked_up.append(a) or real_getaddrinfo(*a, **k)
    )
    answers = []

    def post():
        values = {"api_base": address, "access_token": TOKEN}
        answers.append(client.post(_connect_url(office), values))

    started = time.monotonic()
    request = threading.Thread(target=post, daemon=True)
    request.start()
    request.join(timeout=5)
    took = time.monotonic() - started

    contacted = was_contacted(silent_server)
    silent_server.close()  # a request still waiting on it (the bug) gets a reset and ends
    request.join(timeout=5)
    assert answers and took < QUICK, f"the desk waited {took:.1f} s on the platform"
    assert not contacted and not looked_up  # neither the server nor DNS during the request
    assert answers[0].status_code == 303
    assert answers[0]["Location"] == reverse("desk:channels", args=[office.slug])
    pending = PendingConnection.objects.get()
    assert (pending.office, pending.platform, pending.status) == (office, "mastodon", "queued")
    assert (pending.api_base, pending.requested_by) == (address, office_admin)
    assert not ConnectedAccount.objects.exists()

    # The worker then tries (the server is gone now: refused at once) and says so.
    assert work(queue_only) == 1
    pending.refresh_from_db()
    assert pending.status == "failed" and pending.finished and pending.account is None
    # In plain words: no library's error ("[Errno 111] Connection refused") reaches the desk.
    assert pending.last_error == "Rathaus could not reach 127.0.0.1. Is the address right?"
    page = client.get(reverse("desk:channels", args=[office.slug])).content.decode()
    assert "Could not connect:" in page and "could not reach 127.0.0.1" in page
    assert 'hx-trigger="every 2s"' not in page  # nothing is being checked any more


def test_while_being_checked_the_page_polls_and_then_shows_the_account(
    client, office, office_admin, queue_only
):
    _login(client, office_admin)
    channels = reverse("desk:channels", args=[office.slug])
    fragment = reverse("desk:connections", args=[office.slug])
    with FakeMastodon() as fake:
        client.post(_connect_url(office), {"api_base": fake.url, "access_token": TOKEN})
        assert not fake.requests  # nothing reached the platform inside the request

        page = client.get(channels).content.decode()
        assert "Checking the connection …" in page
        assert f'hx-get="{fragment}" hx-trigger="every 2s"' in page
        assert "<script" not in page.split('id="accounts"', 1)[1].split("</section>", 1)[0]

        assert work(queue_only) == 1
        assert fake.calls("GET", r"^/api/v1/accounts/verify_credentials$")

    account = ConnectedAccount.objects.get()
    assert (account.office, account.access_token, account.connected_by) == (
        office,
        TOKEN,
        office_admin,
    )
    pending = PendingConnection.objects.get()
    assert (pending.status, pending.account, pending.last_error) == ("done", account, "")
    polled = client.get(fragment)
    assert polled.status_code == 200
    text = polled.content.decode()
    assert f"{account.name} is connected." in text and "hx-trigger" not in text
    assert "<html" not in text  # the section alone, for htmx to swap in


def test_a_refusal_is_shown_in_the_platforms_words_and_stores_no_account(
    client, office, office_admin, queue_only
):
    _login(client, office_admin)
    with FakeMastodon() as fake:
        client.post(_connect_url(office), {"api_base": fake.url, "access_token": "wrong"})
        work(queue_only)

    assert not ConnectedAccount.objects.exists()
    assert PendingConnection.objects.get().last_error.endswith("The access token is invalid")
    page = client.get(reverse("desk:channels", args=[office.slug])).content.decode()
    assert "The access token is invalid" in page
    assert _connect_url(office) in page  # "Try again"


def test_the_credentials_are_sealed_at_rest_and_emptied_once_checked(
    client, office, office_admin, queue_only
):
    _login(client, office_admin)
    with FakeMastodon() as fake:
        client.post(_connect_url(office), {"api_base": fake.url, "access_token": TOKEN})
        pending = PendingConnection.objects.get()

        raw = _raw_credentials(pending.pk)
        assert TOKEN not in raw
        opened = json.loads(sealing.unseal(raw, django_settings.ENCRYPTION_KEYS))
        assert opened == {"values": {"access_token": TOKEN}}

        work(queue_only)

    raw = _raw_credentials(pending.pk)
    assert TOKEN not in raw and sealing.unseal(raw, django_settings.ENCRYPTION_KEYS) == ""
    assert PendingConnection.objects.get().status == "done"


def test_failed_checks_empty_the_credentials_too(client, office, office_admin, queue_only):
    _login(client, office_admin)
    with FakeMastodon() as fake:
        client.post(_connect_url(office), {"api_base": fake.url, "access_token": "wrong-secret"})
        work(queue_only)

    pending = PendingConnection.objects.get()
    assert pending.status == "failed" and pending.credentials == ""
    assert "wrong-secret" not in _raw_credentials(pending.pk)


def test_a_second_worker_does_not_check_the_same_connection_again(
    client, office, office_admin, queue_only
):
    _login(client, office_admin)
    with FakeMastodon() as fake:
        client.post(_connect_url(office), {"api_base": fake.url, "access_token": TOKEN})
        pending = PendingConnection.objects.get()
        work(queue_only)
        assert accounts.finish_connection(pending.pk) is None
        assert len(fake.calls("GET", r"^/api/v1/accounts/verify_credentials$")) == 1


def test_a_server_address_that_is_no_web_address_is_a_form_error(
    client, office, office_admin, queue_only
):
    _login(client, office_admin)
    response = client.post(
        _connect_url(office), {"api_base": "ftp://files.example/", "access_token": TOKEN}
    )
    assert response.status_code == 200
    assert "https://" in response.content.decode()
    assert not PendingConnection.objects.exists() and not queue_only.pending_count()


@pytest.mark.parametrize("address", ["ftp://files.example", "javascript:alert(1)//x"])
def test_the_step_itself_refuses_what_is_no_web_address(office, office_admin, address):
    from rathaus.offices.access import LifecycleError

    with pytest.raises(LifecycleError):
        accounts.request_connection(
            office, "mastodon", {"access_token": TOKEN}, api_base=address, by=office_admin
        )
    assert not PendingConnection.objects.exists()


def test_only_the_offices_admins_may_ask(office, editor, outsider):
    from rathaus.offices.access import LifecycleError

    for person in (editor, outsider):
        with pytest.raises(LifecycleError):
            accounts.request_connection(
                office, "mastodon", {"access_token": TOKEN}, api_base="", by=person
            )
    assert not PendingConnection.objects.exists()


def test_another_office_can_neither_see_nor_poll_nor_dismiss_them(
    client, office, other_office, office_admin, outsider, queue_only
):
    _login(client, office_admin)
    client.post(_connect_url(office), {"api_base": "https://social.example", "access_token": TOKEN})
    pending = PendingConnection.objects.get()
    client.logout()

    _login(client, outsider)
    assert client.get(reverse("desk:connections", args=[office.slug])).status_code == 404
    dismiss = {"dismiss": pending.pk}
    assert client.post(reverse("desk:connections", args=[office.slug]), dismiss).status_code == 404
    own = reverse("desk:connections", args=[other_office.slug])
    assert client.post(own, dismiss).status_code == 404  # not theirs, through their office
    assert client.post(own, {"dismiss": "x" * 40}).status_code == 404  # nonsense: no 500
    page = client.get(reverse("desk:channels", args=[other_office.slug])).content.decode()
    assert "social.example" not in page and "Checking the connection" not in page
    assert PendingConnection.objects.filter(pk=pending.pk).exists()


def test_an_editor_of_the_office_may_not_poll_them(client, office, editor):
    _login(client, editor)
    assert client.get(reverse("desk:connections", args=[office.slug])).status_code == 403


def test_a_finished_check_can_be_dismissed_a_running_one_not(
    client, office, office_admin, queue_only
):
    _login(client, office_admin)
    fragment = reverse("desk:connections", args=[office.slug])
    client.post(_connect_url(office), {"api_base": "https://social.example", "access_token": "x"})
    pending = PendingConnection.objects.get()

    assert client.post(fragment, {"dismiss": pending.pk}).status_code == 303
    assert PendingConnection.objects.filter(pk=pending.pk).exists()  # still being checked
    PendingConnection.objects.filter(pk=pending.pk).update(status="failed", last_error="nope")
    assert client.post(fragment, {"dismiss": pending.pk}).status_code == 303
    assert not PendingConnection.objects.exists()


def test_connections_asked_for_over_an_hour_ago_are_forgotten(office, office_admin):
    from datetime import timedelta

    from django.utils import timezone

    old = accounts.request_connection(
        office, "mastodon", {"access_token": TOKEN}, api_base="", by=office_admin
    )
    PendingConnection.objects.filter(pk=old.pk).update(
        created=timezone.now() - timedelta(minutes=61)
    )
    recent = PendingConnection.objects.create(
        office=office, platform="bluesky", credentials="{}", requested_by=office_admin
    )

    assert accounts.forget_stale() == 1
    assert list(PendingConnection.objects.all()) == [recent]


class SlowTokenConnector(Connector):
    platform = "slowdemo"
    label = "Slow demo"
    oauth = OAuth(
        authorize_url="https://demo.example/oauth/authorize",
        token_url="https://api.demo.example/oauth/token",
        scopes=("post",),
        pkce=True,
    )

    @classmethod
    def from_oauth(cls, api_base, tokens):
        return Connection(remote_id="org-9", name="Amt", access_token=tokens["access_token"])


@pytest.fixture
def provider(settings):
    server = FakeServer()

    @server.route("POST", "/oauth/token")
    def token(request):
        if request.form().get("code") != ["good-code"]:
            return Response(400, {"error": "invalid_grant", "error_description": "Code expired"})
        return Response(200, {"access_token": "at-9", "token_type": "bearer"})

    with server:
        settings.CONNECTOR_API_BASES = {"slowdemo": server.url}
        settings.CONNECTOR_OAUTH_APPS = {"slowdemo": ("client-9", "secret-9")}
        family.connectors()["slowdemo"] = SlowTokenConnector
        yield server
        del family.connectors()["slowdemo"]


def _oauth_state(client, office) -> str:
    start = client.post(reverse("desk:oauth_start", args=[office.slug, "slowdemo"]))
    return parse_qs(urlsplit(start["Location"]).query)["state"][0]


def test_the_oauth_code_is_exchanged_by_the_worker_not_the_request(
    client, office, office_admin, provider, queue_only
):
    _login(client, office_admin)
    state = _oauth_state(client, office)

    response = client.get(reverse("desk:oauth_callback"), {"code": "good-code", "state": state})

    assert response.status_code == 303
    assert response["Location"] == reverse("desk:channels", args=[office.slug])
    assert not provider.requests and not ConnectedAccount.objects.exists()
    pending = PendingConnection.objects.get()
    assert "good-code" not in _raw_credentials(pending.pk)

    work(queue_only)

    account = ConnectedAccount.objects.get()
    assert (account.platform, account.access_token, account.office) == ("slowdemo", "at-9", office)
    assert PendingConnection.objects.get().credentials == ""
    # The state was used up in the request: coming back with it again queues nothing.
    client.get(reverse("desk:oauth_callback"), {"code": "good-code", "state": state})
    assert PendingConnection.objects.count() == 1


def test_a_refused_oauth_code_is_shown_on_the_channels_page(
    client, office, office_admin, provider, queue_only
):
    _login(client, office_admin)
    state = _oauth_state(client, office)
    client.get(reverse("desk:oauth_callback"), {"code": "old", "state": state})
    work(queue_only)

    assert not ConnectedAccount.objects.exists()
    page = client.get(reverse("desk:channels", args=[office.slug])).content.decode()
    assert "Code expired" in page


def test_an_admin_who_lost_the_role_before_the_check_connects_nothing(
    client, office, office_admin, queue_only
):
    from rathaus.offices.models import Membership

    _login(client, office_admin)
    with FakeMastodon() as fake:
        client.post(_connect_url(office), {"api_base": fake.url, "access_token": TOKEN})
        Membership.objects.filter(user=office_admin, role="admin").delete()
        work(queue_only)

    assert not ConnectedAccount.objects.exists()
    assert PendingConnection.objects.get().status == "failed"


def test_a_check_whose_worker_died_fails_instead_of_being_checked_for_ever(
    client, office, office_admin, queue_only
):
    """The check is a job of the engine: a worker that died holding it leaves a lease that
    runs out, and the tick's sweep says it failed (the credentials were emptied when it was
    taken, so it cannot simply go again); the page stops polling."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from rathaus.connectors.background import CONNECT
    from rathaus.jobs import engine, runner

    _login(client, office_admin)
    client.post(_connect_url(office), {"api_base": "https://social.example", "access_token": "x"})
    (taken,) = engine.claim(CONNECT)  # a worker takes it, and dies
    fragment = reverse("desk:connections", args=[office.slug])
    assert 'hx-trigger="every 2s"' in client.get(fragment).content.decode()
    assert client.post(fragment, {"dismiss": taken.pk}).status_code == 303
    assert PendingConnection.objects.filter(pk=taken.pk).exists()  # running: not dismissed

    with time_machine.travel(timezone.now() + CONNECT.policy.lease + timedelta(seconds=1)):
        runner.tick()
    pending = PendingConnection.objects.get()
    assert pending.status == "failed"
    assert pending.last_error == "The check failed unexpectedly. Try again later."
    page = client.get(fragment).content.decode()
    assert "Could not connect:" in page and 'hx-trigger="every 2s"' not in page

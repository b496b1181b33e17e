"""Publishing to followers: one signed POST per distinct inbox, every outcome recorded on
the Outgoing row, retries as Mastodon retries, and nothing sent twice."""

import json
from datetime import timedelta

from django.utils import timezone

from rathaus.federation import fanout
from rathaus.federation.models import Follower, Outgoing, RemoteActor, RemoteHost
from rathaus.jobs import engine
from rathaus.lib import httpsig
from rathaus.posts import lifecycle


def _follower(account, server, name, *, shared=True):
    actor = RemoteActor.objects.create(
        uri=server.url(f"/users/{name}"),
        domain=server.netloc,
        username=name,
        inbox=server.url(f"/users/{name}/inbox"),
        shared_inbox=server.url("/inbox") if shared else "",
    )
    return Follower.objects.create(account=account, actor=actor)


def _verified(recorded, account) -> httpsig.VerifiedSignature:
    return httpsig.verify(
        recorded.method,
        recorded.path_qs,
        dict(recorded.headers),
        recorded.body,
        public_key_for=lambda key_id, refresh=False: account.public_key_pem,
    )


def test_a_post_reaches_each_inbox_once_signed_by_the_account(account, server, publish_post):
    server.status("/inbox", 202, method="POST")
    server.status("/users/carl/inbox", 202, method="POST")
    for name in ("anna", "bert", "cleo"):
        _follower(account, server, name)
    _follower(account, server, "carl", shared=False)

    post = publish_post(title="Laubabfuhr", body="Ab Montag.", category="service")

    posts = [r for r in server.requests if r.method == "POST"]
    assert sorted(r.path for r in posts) == ["/inbox", "/users/carl/inbox"]
    for recorded in posts:
        signature = _verified(recorded, account)
        assert signature.key_id == "http://rathaus.example/ap/presse#main-key"
        assert recorded.headers["Content-Type"] == "application/activity+json"
        activity = json.loads(recorded.body)
        assert activity["type"] == "Create"
        assert activity["object"]["id"] == f"http://rathaus.example/ap/presse/notes/{post.pk}"
    assert set(Outgoing.objects.values_list("status", flat=True)) == {Outgoing.Status.DELIVERED}
    # Publishing again creates nothing new: (activity, inbox) is unique.
    from rathaus.federation import activities

    activities.publish(account, post)
    assert Outgoing.objects.count() == 2


def test_a_server_error_is_tried_again_later(account, server, publish_post):
    server.status("/inbox", 503, method="POST")
    _follower(account, server, "anna")
    before = timezone.now()
    publish_post(title="A", body="B", category="service")
    row = Outgoing.objects.get()
    assert row.status == Outgoing.Status.QUEUED
    assert row.attempts == 1
    assert "HTTP 503" in row.last_error
    assert row.next_attempt_at >= before + timedelta(seconds=15)

    server.status("/inbox", 202, method="POST")
    Outgoing.objects.update(next_attempt_at=timezone.now())
    assert fanout.deliver() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outgoing.Status.DELIVERED, 2)


def test_retry_after_is_honoured(account, server, publish_post):
    server.status("/inbox", 429, method="POST", headers={"Retry-After": "3600"})
    _follower(account, server, "anna")
    before = timezone.now()
    publish_post(title="A", body="B", category="service")
    assert Outgoing.objects.get().next_attempt_at >= before + timedelta(seconds=3600)


def test_a_rejection_fails_at_once_with_the_servers_answer(account, server, publish_post):
    server.text("/inbox", "not allowed here", status=403, method="POST")
    _follower(account, server, "anna")
    publish_post(title="A", body="B", category="service")
    row = Outgoing.objects.get()
    assert row.status == Outgoing.Status.FAILED
    assert "HTTP 403: not allowed here" in row.last_error


def test_gone_removes_the_followers_behind_the_inbox(account, server, publish_post):
    server.status("/users/anna/inbox", 410, method="POST")
    _follower(account, server, "anna", shared=False)
    publish_post(title="A", body="B", category="service")
    assert Outgoing.objects.get().status == Outgoing.Status.FAILED
    assert not Follower.objects.exists()


def test_an_unreachable_server_is_tried_again(account, settings, publish_post):
    settings.FEDERATION_ALLOW_HTTP = True
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    actor = RemoteActor.objects.create(
        uri="http://127.0.0.1:9/users/anna", domain="127.0.0.1:9", inbox="http://127.0.0.1:9/in"
    )
    Follower.objects.create(account=account, actor=actor)
    publish_post(title="A", body="B", category="service")
    row = Outgoing.objects.get()
    assert row.status == Outgoing.Status.QUEUED
    assert "Unreachable" in row.last_error
    assert RemoteHost.objects.get(domain="127.0.0.1:9").failing_since is not None


def test_it_gives_up_after_sixteen_attempts(account, server, publish_post):
    server.status("/inbox", 500, method="POST")
    _follower(account, server, "anna")
    publish_post(title="A", body="B", category="service")
    Outgoing.objects.update(attempts=fanout.MAX_ATTEMPTS - 1, next_attempt_at=timezone.now())
    fanout.deliver()
    assert Outgoing.objects.get().status == Outgoing.Status.FAILED


def test_a_server_failing_for_a_week_is_skipped_until_heard_from(account, server, publish_post):
    server.status("/inbox", 500, method="POST")
    _follower(account, server, "anna")
    RemoteHost.objects.create(
        domain=server.netloc, failing_since=timezone.now() - timedelta(days=8)
    )
    publish_post(title="A", body="B", category="service")
    assert RemoteHost.objects.get().unavailable
    assert Outgoing.objects.get().status == Outgoing.Status.FAILED

    requests_before = len(server.requests)
    publish_post(title="C", body="D", category="service")
    assert len(server.requests) == requests_before  # skipped, not tried
    assert Outgoing.objects.filter(last_error=fanout.UNAVAILABLE).count() == 2

    fanout.heard_from(server.netloc)
    assert not RemoteHost.objects.get().unavailable


def test_a_success_clears_a_servers_failures(account, server, publish_post):
    server.status("/inbox", 202, method="POST")
    _follower(account, server, "anna")
    RemoteHost.objects.create(domain=server.netloc, failing_since=timezone.now())
    publish_post(title="A", body="B", category="service")
    assert RemoteHost.objects.get().failing_since is None


def test_two_workers_never_claim_the_same_row(account, server):
    from rathaus.federation import activities
    from rathaus.federation.models import Activity

    activity = Activity.objects.create(
        account=account, activity_id="http://rathaus.example/a/1", kind="Create", body={}
    )
    activities.Outgoing.objects.bulk_create(
        [
            Outgoing(activity=activity, inbox=f"http://h{i}.example/inbox", host=f"h{i}")
            for i in range(10)
        ]
    )
    first = engine.claim(fanout.OUTGOING, limit=6)
    second = engine.claim(fanout.OUTGOING, limit=6)
    assert len(first) == 6 and len(second) == 4
    assert not {r.pk for r in first} & {r.pk for r in second}
    assert engine.claim(fanout.OUTGOING) == []


def test_a_row_left_sending_by_a_dead_worker_is_queued_again(account, server):
    from rathaus.federation.models import Activity

    activity = Activity.objects.create(
        account=account, activity_id="http://rathaus.example/a/1", kind="Create", body={}
    )
    Outgoing.objects.create(
        activity=activity,
        inbox="http://h.example/inbox",
        host="h.example",
        status=Outgoing.Status.RUNNING,
        # Claimed 11 minutes ago: its 10-minute lease ran out a minute ago.
        lease_until=timezone.now() - timedelta(minutes=1),
    )
    assert engine.sweep(fanout.OUTGOING) == 1
    assert Outgoing.objects.get().status == Outgoing.Status.QUEUED


def _one_row(account, inbox: str = "http://h.example/inbox", **fields) -> Outgoing:
    from rathaus.federation.models import Activity

    activity = Activity.objects.create(
        account=account, activity_id=f"{inbox}#activity", kind="Create", body={}
    )
    return Outgoing.objects.create(
        activity=activity, inbox=inbox, host=inbox.split("/")[2], **fields
    )


def test_a_late_workers_outcome_does_not_overwrite_the_row_taken_again(account):
    row = _one_row(account)
    [first] = engine.claim(fanout.OUTGOING)
    # The first worker hangs past its lease; the sweep takes the row back, another worker
    # claims it.
    later = timezone.now() + fanout.LEASE + timedelta(minutes=1)
    assert engine.sweep(fanout.OUTGOING, now=later) == 1
    [again] = engine.claim(fanout.OUTGOING, now=later)

    # The first worker comes back with its answer: the row is not its own any more.
    fanout.record([first], [fanout.Answer(first.pk, 503, "HTTP 503: busy")])
    row.refresh_from_db()
    assert (row.status, row.lease_token, row.attempts) == (
        Outgoing.Status.RUNNING,
        again.lease_token,
        2,
    )
    assert row.last_error == "Der Worker wurde beim Senden beendet."

    fanout.record([again], [fanout.Answer(again.pk, 202)])
    row.refresh_from_db()
    assert (row.status, row.last_error, row.lease_token) == (Outgoing.Status.DELIVERED, "", "")


def test_the_tick_takes_back_a_dead_workers_rows_and_delivers_them(account, server):
    from rathaus.jobs import runner

    server.status("/inbox", 202, method="POST")
    inbox = server.url("/inbox")
    held = _one_row(
        account,
        inbox,
        status=Outgoing.Status.RUNNING,
        attempts=1,
        lease_token="dead-worker",
        lease_until=timezone.now() - timedelta(seconds=1),
    )
    lost = _one_row(account, server.url("/users/anna/inbox"))  # its wake-up got lost
    server.status("/users/anna/inbox", 202, method="POST")

    assert "federation.deliver" in runner.tick()

    held.refresh_from_db()
    lost.refresh_from_db()
    assert (held.status, held.attempts) == (Outgoing.Status.DELIVERED, 2)
    assert (lost.status, lost.attempts) == (Outgoing.Status.DELIVERED, 1)
    assert len(server.requests_to("/inbox", "POST")) == 1


def test_a_long_run_renews_the_lease_of_the_rows_it_holds(account, server, monkeypatch):
    import asyncio

    from aiohttp import web

    async def slow(_request):
        await asyncio.sleep(0.5)
        return web.Response(status=202)

    server.route("/inbox", slow, "POST")
    row = _one_row(account, server.url("/inbox"))
    monkeypatch.setattr(fanout, "RENEW_EVERY", 0.1)
    renewed = []
    renew = engine.renew

    def counting(kind, token, **kwargs):
        renewed.append(renew(kind, token, **kwargs))
        return renewed[-1]

    monkeypatch.setattr(engine, "renew", counting)

    assert fanout.deliver() == 1

    # While the answer was awaited, the row in flight got a fresh lease (so the sweep
    # would not send it again); once recorded, it holds none.
    assert renewed and renewed[0] == 1
    row.refresh_from_db()
    assert (row.status, row.lease_until) == (Outgoing.Status.DELIVERED, None)


def test_a_correction_goes_out_as_update_and_a_withdrawal_as_delete(
    account, server, publish_post, approver, django_capture_on_commit_callbacks
):
    server.status("/inbox", 202, method="POST")
    _follower(account, server, "anna")
    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.", category="service")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.correct(post, by=approver, note="Datum korrigiert", body="Ab Dienstag gesperrt.")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Sperrung entfällt")
    kinds = [json.loads(r.body) for r in server.requests_to("/inbox", "POST")]
    assert [k["type"] for k in kinds] == ["Create", "Update", "Delete"]
    assert "Ab Dienstag" in kinds[1]["object"]["content"]
    assert kinds[2]["object"] == {
        "id": f"http://rathaus.example/ap/presse/notes/{post.pk}",
        "type": "Tombstone",
    }


def test_an_account_sends_only_the_categories_it_publishes(account, server, publish_post):
    server.status("/inbox", 202, method="POST")
    _follower(account, server, "anna")
    account.categories = ["short_notice"]
    account.save()
    publish_post(title="Pressemitteilung", body="x", category="press_release")
    publish_post(title="Baumfällung", body="y", category="short_notice")
    sent = [json.loads(r.body)["object"]["content"] for r in server.requests_to("/inbox", "POST")]
    assert len(sent) == 1 and "Baumfällung" in sent[0]

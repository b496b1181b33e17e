"""Federation by hand, for operators checking that this installation and another server
understand each other:

    manage.py federation lookup @anna@social.example
    manage.py federation follow --as presse @anna@social.example
    manage.py federation send --as presse @anna@social.example "Test" [--in-reply-to URL]
    manage.py federation deliver

``follow`` and ``send`` deliver at once, without waiting for the worker, and print what the
remote inbox answered; the exit status is 1 when it was not delivered.
"""

from __future__ import annotations

import time
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db.models import Count
from django.utils import timezone

from rathaus.federation import activities, actors, fanout, remote
from rathaus.federation.models import Account, Activity, Outgoing, RemoteActor
from rathaus.jobs import engine

# How long follow/send deliver before they report: one request's time limit and some.
DELIVER_SECONDS = 10
# How long to wait for rows a running worker took before we could (it sends them).
SETTLE_SECONDS = remote.TOTAL_TIMEOUT + 5


class Command(BaseCommand):
    help = "Look up, follow and write to Fediverse accounts; deliver what is due."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="subcommand", metavar="subcommand", required=True)

        lookup = commands.add_parser("lookup", help="WebFinger and actor document of a handle.")
        lookup.add_argument("handle", help="@name@example.org")

        follow = commands.add_parser(
            "follow", help="Follow a remote account from one of ours, delivered at once."
        )
        follow.add_argument("--as", dest="as_user", required=True, metavar="USERNAME")
        follow.add_argument("handle", help="@name@example.org")

        send = commands.add_parser(
            "send", help="A direct test note to a remote account, delivered at once."
        )
        send.add_argument("--as", dest="as_user", required=True, metavar="USERNAME")
        send.add_argument("--in-reply-to", default="", metavar="URL", help="a note's id")
        send.add_argument("handle", help="@name@example.org")
        send.add_argument("text")

        deliver = commands.add_parser(
            "deliver", help="Deliver what is due now (without a worker) and count by status."
        )
        deliver.add_argument("--seconds", type=float, default=60, help="at most this long")

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"_{subcommand}")(**options)

    # --- subcommands ------------------------------------------------------------------------

    def _lookup(self, handle: str, **options) -> None:
        self._show(self._remote(handle))

    def _follow(self, handle: str, as_user: str, **options) -> None:
        account = self._account(as_user)
        actor = self._remote(handle)
        self._deliver_now(activities.follow(account, actor))

    def _send(self, handle: str, as_user: str, text: str, in_reply_to: str, **options) -> None:
        account = self._account(as_user)
        if in_reply_to:
            try:
                URLValidator(schemes=["http", "https"])(in_reply_to)
            except ValidationError:
                raise CommandError(f"--in-reply-to must be a note's URL: {in_reply_to!r}") from None
        if not text.strip():
            raise CommandError("The text is empty.")
        actor = self._remote(handle)
        self._deliver_now(activities.direct_note(account, actor, text, in_reply_to=in_reply_to))

    def _deliver(self, seconds: float, **options) -> None:
        stale = engine.sweep(fanout.OUTGOING)
        if stale:
            self.stdout.write(f"Requeued {stale} deliveries a stopped worker had taken.")
        # What is due now, and how often each was tried: a row tried since counts (by this
        # run, or by a worker running at the same time).
        due = dict(
            Outgoing.objects.filter(
                status=Outgoing.Status.QUEUED, next_attempt_at__lte=timezone.now()
            )
            .order_by()
            .values_list("pk", "attempts")
        )
        fanout.deliver(budget=seconds)
        tried: Counter = Counter()
        pks = list(due)
        for start in range(0, len(pks), 500):
            rows = Outgoing.objects.filter(pk__in=pks[start : start + 500])
            for pk, status, attempts in rows.values_list("pk", "status", "attempts"):
                if attempts > due[pk]:
                    tried[status] += 1
        self.stdout.write(f"Tried now: {tried.total()}")
        self._write_counts(tried)
        self.stdout.write("All deliveries:")
        self._counts(Outgoing.objects.all())

    # --- helpers ----------------------------------------------------------------------------

    def _account(self, username: str) -> Account:
        name = username.strip().removeprefix("@")
        found = Account.objects.select_related("office").filter(username=name).first()
        if found is None:
            known = ", ".join(Account.objects.values_list("username", flat=True)) or "none"
            raise CommandError(f"No Fediverse account “{name}” here (accounts: {known}).")
        return found

    def _remote(self, handle: str) -> RemoteActor:
        try:
            return actors.lookup(handle)
        except remote.RemoteError as error:
            raise CommandError(f"Could not look up {handle}: {error}") from None

    def _show(self, actor: RemoteActor) -> None:
        rows = [
            ("uri", actor.uri),
            ("username", actor.username),
            ("name", actor.name),
            ("inbox", actor.inbox),
            ("shared inbox", actor.shared_inbox or "–"),
            ("key id", actor.key_id),
        ]
        for label, value in rows:
            self.stdout.write(f"{label + ':':<14}{value}")

    def _deliver_now(self, activity: Activity) -> None:
        fanout.deliver(budget=DELIVER_SECONDS)
        rows = self._settled(activity)
        self.stdout.write(f"{activity.kind} {activity.activity_id}")
        for row in rows:
            line = f"  → {row.inbox}: {row.status} (attempt {row.attempts})"
            if row.status == Outgoing.Status.QUEUED:
                line += f", next try {timezone.localtime(row.next_attempt_at):%Y-%m-%d %H:%M:%S %Z}"
            if row.last_error:
                line += f"\n    {row.last_error}"
            self.stdout.write(line)
        failed = [row for row in rows if row.status != Outgoing.Status.DELIVERED]
        if failed:
            raise CommandError(
                f"Not delivered to {failed[0].inbox}: {failed[0].last_error or failed[0].status}"
            )

    def _settled(self, activity: Activity) -> list[Outgoing]:
        """The activity's rows, once none is being sent any more (a worker may have taken
        them before us)."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            rows = list(activity.outgoing.order_by("pk"))
            if time.monotonic() > deadline or all(
                r.status != Outgoing.Status.RUNNING for r in rows
            ):
                return rows
            time.sleep(0.2)

    def _counts(self, rows) -> None:
        grouped = rows.order_by().values("status").annotate(n=Count("pk"))
        self._write_counts(Counter({group["status"]: group["n"] for group in grouped}))

    def _write_counts(self, counts: Counter) -> None:
        for status in Outgoing.Status.values:
            self.stdout.write(f"  {status}: {counts.get(status, 0)}")

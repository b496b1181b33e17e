"""100,000 inbound messages from mixed sources: how fast they are ingested, and how fast the
desk's queue views load with that many conversations.

Messages come as the Fediverse, the contact form and email hand them over (an
``InboundMessage`` each, HTML as the source sends it); about 30 % answer an earlier message
(``in_reply_to``), and about 2 % are the same message delivered again. They enter through
the real door: ``inbox.ingest.receive_many`` in batches (default) or ``inbox.inbound.receive``
one at a time (``--one-by-one``). Afterwards a share of the conversations is assigned,
given to teams, tagged, answered or closed, and the queue views are loaded in-process with
Django's test client as a logged-in agent (or, before the desk has them, the query a queue
page must run). SQLite by default; PostgreSQL when DATABASE_URL is set (own database).

    .venv/bin/python -m bench.inbox_ingest [--messages 100000] [--batch 500] [--one-by-one]

Goals: ≥ 1,000 messages/s ingested; queue view p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from datetime import timedelta

from bench import corpus
from bench.sandbox import open_sandbox, percentile, summary

QUEUES = [
    "",
    "queue=mine",
    "queue=team",
    "queue=unassigned",
    "queue=overdue",
    "queue=closed",
    "channel=email",
    "queue=mine&channel=fediverse",
]
# Full-text search in a queue: printed, but not part of the queue-view goal.
SEARCH = "q=Lindenallee"
QUESTIONS = [
    "Wann wird die {s} wieder freigegeben?",
    "In der {s} liegt seit {d} Sperrmüll auf dem Gehweg.",
    "Warum werden im {q} so viele Bäume gefällt?",
    "Die Straßenlaterne vor Hausnummer {n} in der {s} ist defekt.",
    "Wo kann ich einen Termin im {p} buchen?",
    "Gibt es eine Umleitung für die Buslinie {n}?",
    "Der Spielplatz im {q} ist seit Wochen gesperrt. Was ist da los?",
    "Danke für die schnelle Antwort!",
    "Ich habe noch eine Frage zu Ihrer Meldung von {d}.",
]
NAMES = ["Anna", "Ben", "Cem", "Dana", "Emil", "Fatma", "Greta", "Hannes", "Ilse", "Jonas"]
SURNAMES = ["Schulz", "Yılmaz", "Nowak", "Meier", "Öztürk", "Fischer", "Kowalski", "Weber"]


def _text(rng: random.Random) -> str:
    return " ".join(corpus._fill(rng.choice(QUESTIONS), rng) for _ in range(rng.randint(1, 3)))


class Traffic:
    """The seeded stream of InboundMessages, with replies and redeliveries mixed in."""

    def __init__(self, offices: list, posts: list, rng: random.Random) -> None:
        self.offices, self.posts, self.rng = offices, posts, rng
        self.sent: dict[str, list] = {"fediverse": [], "contact": [], "email": []}
        self.count = 0

    def __iter__(self):
        from rathaus.inbox.inbound import InboundMessage

        rng = self.rng
        while True:
            self.count += 1
            channel = rng.choices(["fediverse", "contact", "email"], weights=[45, 20, 35])[0]
            earlier = self.sent[channel][-3000:]
            if earlier and rng.random() < 0.02:
                yield rng.choice(earlier)  # the same message delivered again
                continue
            parent = rng.choice(earlier) if earlier and rng.random() < 0.30 else None
            office = parent.office if parent else rng.choices(self.offices, [9, 1])[0]
            n = self.count
            if channel == "fediverse":
                if parent:
                    _, user, host = parent.author_handle.split("@")
                else:
                    user, host = f"u{rng.randint(1, 20000)}", f"social{rng.randint(1, 40)}.example"
                url = f"https://{host}/users/{user}"
                message = InboundMessage(
                    office=office,
                    channel=channel,
                    remote_id=f"{url}/statuses/{n}",
                    text_html=(
                        '<p><span class="h-card"><a href="https://rathaus.example/@presse" '
                        f'class="u-url mention">@<span>presse</span></a></span> {_text(rng)}</p>'
                    ),
                    author_name=f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}",
                    author_handle=f"@{user}@{host}",
                    author_url=url,
                    in_reply_to=parent.remote_id if parent else "",
                    post=rng.choice(self.posts) if not parent and rng.random() < 0.2 else None,
                    is_public=rng.random() < 0.6,
                    url=f"https://{host}/@{user}/{n}",
                )
            elif channel == "contact":
                name = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}" if rng.random() < 0.7 else ""
                message = InboundMessage(
                    office=office,
                    channel=channel,
                    remote_id=f"contact:{n:08d}",
                    text_html="<p>" + _text(rng).replace("<", "&lt;") + "</p>",
                    author_name=parent.author_name if parent else name,
                    author_email=f"buerger{rng.randint(1, 30000)}@mail.example",
                    in_reply_to=parent.remote_id if parent else "",
                    subject=corpus._fill("Frage zur {s}", rng),
                )
            else:
                sender = parent.author_email if parent else f"p{rng.randint(1, 30000)}@web.example"
                message = InboundMessage(
                    office=office,
                    channel=channel,
                    remote_id=f"<{n}.{rng.getrandbits(40):x}@web.example>",
                    text_html=f"<div dir='ltr'><p>{_text(rng)}</p><p>Mit freundlichen Grüßen"
                    "<br>Ihr Nachbar</p><script>alert(1)</script></div>",
                    author_name=rng.choice(NAMES),
                    author_email=sender,
                    in_reply_to=parent.remote_id if parent else "",
                    subject=("Re: " + parent.subject) if parent else corpus._fill("{s}", rng),
                )
            self.sent[channel].append(message)
            yield message


def setup(rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from rathaus.inbox.models import Team, Topic
    from rathaus.offices.models import Membership, Office, Role
    from rathaus.posts.models import Post
    from rathaus.response_times.models import ResponseTarget

    offices = [
        Office.objects.create(name=name, slug=slug, imprint=name, privacy_contact=name)
        for name, slug in [("Bezirksamt Mitte", "mitte"), ("Ortsamt Nord", "nord")]
    ]
    office = offices[0]
    # Due times are computed for every new conversation (conversation_opened).
    ResponseTarget.objects.create(office=office, first_response_hours=8, resolution_hours=40)
    users = get_user_model().objects
    agents = [users.create_user(f"bench.agent{i}", password="bench-password") for i in range(8)]
    for agent in agents:
        Membership.objects.create(user=agent, office=office, role=Role.AGENT)
    teams = [Team.objects.create(office=office, name=f"Team {n}") for n in ["Grün", "Bau", "BA"]]
    for i, agent in enumerate(agents):
        agent.teams.add(teams[i % len(teams)])
    topics = [Topic.objects.create(office=office, name=t) for t in ["Bäume", "Verkehr", "Müll"]]
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(
            office=office,
            title=f"Meldung {n}",
            body="Text",
            body_html="<p>Text</p>",
            category="short_notice",
            status=Post.Status.PUBLISHED,
            published_at=now,
            created_by=agents[0],
            last_editor=agents[0],
        )
        for n in range(20)
    )
    return offices, agents, teams, topics, posts


def ingest(inbounds: list, batch: int, one_by_one: bool) -> tuple[float, float, int]:
    """Seconds (wall clock, and CPU of this process) to take in every message, and how many
    were new. The CPU time tells a busy machine from a slow ingest."""
    from rathaus.inbox.inbound import receive
    from rathaus.inbox.ingest import receive_many

    created = 0
    started, cpu = time.perf_counter(), time.process_time()
    if one_by_one:
        for inbound in inbounds:
            created += receive(inbound)[1]
    else:
        for start in range(0, len(inbounds), batch):
            created += sum(new for _, new in receive_many(inbounds[start : start + batch]))
    return time.perf_counter() - started, time.process_time() - cpu, created


def work_the_queue(office, agents, teams, topics, rng: random.Random) -> None:
    """What a few weeks of desk work leave behind: assigned, team, tagged, answered, closed,
    and some past their response-time targets."""
    from django.db import transaction
    from django.utils import timezone

    from rathaus.inbox.models import Conversation

    now = timezone.now()
    ids = list(Conversation.objects.filter(office=office).values_list("pk", flat=True))
    rng.shuffle(ids)
    chosen = {name: [] for name in ["closed", "answered", "mine", "team", "overdue", "tag"]}
    for pk in ids:
        for name, share in [("closed", 0.4), ("answered", 0.1), ("mine", 0.3), ("team", 0.3)]:
            if rng.random() < share:
                chosen[name].append(pk)
        if rng.random() < 0.05:
            chosen["overdue"].append(pk)
        if rng.random() < 0.2:
            chosen["tag"].append(pk)
    rows = Conversation.objects.filter(office=office)
    chunk = 5000
    with transaction.atomic():
        for name, status in [("closed", "closed"), ("answered", "answered")]:
            for i in range(0, len(chosen[name]), chunk):
                rows.filter(pk__in=chosen[name][i : i + chunk]).update(status=status)
        for i in range(0, len(chosen["mine"]), chunk):
            part = chosen["mine"][i : i + chunk]
            for n, agent in enumerate(agents):
                rows.filter(pk__in=part[n :: len(agents)]).update(assignee=agent)
        for i in range(0, len(chosen["team"]), chunk):
            part = chosen["team"][i : i + chunk]
            for n, team in enumerate(teams):
                rows.filter(pk__in=part[n :: len(teams)]).update(team=team)
        for i in range(0, len(chosen["overdue"]), chunk):
            part = chosen["overdue"][i : i + chunk]
            rows.filter(pk__in=part).update(first_response_due=now - timedelta(hours=3))
        through = Conversation.topics.through
        through.objects.bulk_create(
            [through(conversation_id=pk, topic=rng.choice(topics)) for pk in chosen["tag"]],
            batch_size=5000,
        )


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(office, agent, rounds: int) -> tuple[str, dict[str, list[float]]]:
    """Each queue view loaded ``rounds`` times, in turn, after one warm-up pass."""
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest pages need
    url = reverse("desk:inbox", args=[office.slug])
    client = Client(HTTP_HOST="localhost")
    client.force_login(agent)

    def load(query: str) -> None:
        response = client.get(f"{url}?{query}" if query else url)
        assert response.status_code == 200, (query, response.status_code)

    timings: dict[str, list[float]] = {query: [] for query in [*QUEUES, SEARCH]}
    for query in timings:
        load(query)
    for _ in range(rounds):
        for query in timings:
            started = time.perf_counter()
            load(query)
            timings[query].append(time.perf_counter() - started)
    return f"GET {url} as {agent.username}, Django test client in-process", timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--one-by-one", action="store_true", help="receive() per message")
    parser.add_argument("--rounds", type=int, default=50, help="loads of each queue view")
    args = parser.parse_args()

    box = open_sandbox("inbox_ingest")
    try:
        from django.db.models import Count

        from rathaus.inbox.models import Conversation, Message

        rng = random.Random(2026)
        offices, agents, teams, topics, posts = setup(rng)
        how = "receive() one by one" if args.one_by_one else f"receive_many, {args.batch}/batch"
        print(f"inbox_ingest: {args.messages} messages, {box.engine}, {how}")
        inbounds = list(itertools.islice(Traffic(offices, posts, rng), args.messages))
        seconds, cpu, created = ingest(inbounds, args.batch, args.one_by_one)
        rate = args.messages / seconds
        conversations = Conversation.objects.count()
        print(
            f"ingested {args.messages} in {seconds:.1f} s: {rate:,.0f} messages/s "
            f"(CPU of this process {cpu:.1f} s: {args.messages / cpu:,.0f}/CPU-s) "
            f"({created} new, {args.messages - created} duplicates; "
            f"{conversations} conversations, {Message.objects.count()} messages stored)"
        )
        per_channel = Message.objects.values("channel").annotate(n=Count("pk")).order_by("channel")
        print("  per channel: " + ", ".join(f"{r['channel']} {r['n']}" for r in per_channel))
        started = time.monotonic()
        work_the_queue(offices[0], agents, teams, topics, rng)
        analyse()
        print(f"desk work simulated and analysed in {time.monotonic() - started:.1f} s")
        what, timings = measure(offices[0], agents[0], args.rounds)
        print(f"queue views of {offices[0].slug} ({what}), {args.rounds} loads each:")
        everything = []
        for query, values in timings.items():
            everything += values if query != SEARCH else []
            print(f"  {query or '(all open)':30s} {summary(values)}")
        p95 = percentile(everything, 95) * 1000
        print(f"goal ≥ 1,000 messages/s: {'met' if rate >= 1000 else 'MISSED'} ({rate:,.0f}/s)")
        print(f"goal queue p95 < 150 ms: {'met' if p95 < 150 else 'MISSED'} (p95 = {p95:.1f} ms)")
    finally:
        box.close()


if __name__ == "__main__":
    main()

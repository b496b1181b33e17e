"""Rows for the desk's pages that are long on purpose: German compounds, pasted addresses,
many rows and columns. Each function returns the rows a page's URL needs by name."""

from datetime import UTC, datetime, time, timedelta

from django.urls import reverse

# What a reader pastes and what German builds: each must wrap or scroll in its own region.
LONG_WORD = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung"
LONG_URL = (
    "https://www.musterstadt.example/verwaltung/bezirksamt-mitte/stadtentwicklung/"
    "bebauungsplaene/verfahren/2026/bebauungsplan-1-234-lindenallee-nord/"
    "oeffentliche-auslegung?abschnitt=unterlagen&format=pdf&sprache=de"
)
LONG_TEXT = f"{LONG_WORD} und Straßenausbaubeitragssatzungsänderung: siehe {LONG_URL}"


def fill_posts(office, editor, approver, capture) -> dict:
    """A post in each state (with an image, a refusing channel), and a fixed slot;
    ``capture`` is pytest-django's ``django_capture_on_commit_callbacks``."""
    from rathaus.posts import lifecycle, planning
    from tests.helpers import png, publish

    fields = {"body": LONG_TEXT, "category": "participation", "place_name": LONG_WORD}
    made = {}

    def write(title: str):
        return lifecycle.create_draft(office, by=editor, title=f"{title}: {LONG_WORD}", **fields)

    made["draft"] = write("Entwurf")
    lifecycle.add_image(
        made["draft"],
        by=editor,
        file=png(),
        alt_text=LONG_TEXT,
        author=f"Fotostelle {LONG_WORD}",
        licence=f"CC BY 4.0, {LONG_URL}"[:200],
    )
    made["returned"] = lifecycle.send_back(
        lifecycle.submit(write("Zurückgegeben"), by=editor), by=approver, reason=LONG_TEXT
    )
    made["in_review"] = lifecycle.submit(write("In Prüfung"), by=editor)
    scheduled = lifecycle.approve(lifecycle.submit(write("Geplant"), by=editor), by=approver)
    at = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    made["scheduled"] = lifecycle.schedule(scheduled, by=approver, at=at)
    made["week"] = at.date().isoformat()
    made["published"] = publish(office, editor, approver, capture, title=LONG_WORD, **fields)
    # A channel that refused, with the platform's long answer and address on the post page.
    made["published"].deliveries.update(
        status="failed", last_error=f"HTTP 422: {LONG_TEXT}", remote_url=LONG_URL
    )
    made["corrected"] = lifecycle.correct(
        publish(office, editor, approver, capture, title=f"Korrigiert {LONG_WORD}", **fields),
        by=approver,
        note=LONG_TEXT,
        body=f"{LONG_TEXT} (berichtigt)",
    )
    made["withdrawn"] = lifecycle.withdraw(
        publish(office, editor, approver, capture, title=f"Zurückgezogen {LONG_WORD}", **fields),
        by=approver,
        reason=LONG_TEXT,
    )
    planning.add_slot(office, by=approver, weekday=1, at=time(10), category="participation")
    return made


def fill_inbox(office, chief, agent) -> dict:
    """A conversation with a note, assigned and notified about, and a queue beside it."""
    from rathaus.inbox import work
    from rathaus.notifications.notify import notify
    from tests.helpers import ask

    message = ask(
        office,
        f"<p>{LONG_TEXT}</p>",
        channel="mail",
        author_name="Dr. Maximiliane Mustermann-Schulze von der Linden",
        author_email="maximiliane.mustermann-schulze@buergerinnen-und-buerger.example",
        subject=f"Frage zur {LONG_WORD}",
    )
    conversation = message.conversation
    work.add_note(conversation, LONG_TEXT, by=agent)
    work.assign(conversation, to=agent, by=chief)
    notify(
        [chief, agent],
        office=office,
        kind="mentioned",
        text=LONG_TEXT,
        url=reverse("desk:conversation", args=[office.slug, conversation.pk]),
    )
    for n in range(3):  # a queue of several rows, each with a long subject and name
        ask(
            office,
            f"<p>{LONG_URL}</p>",
            channel="mail",
            remote_id=f"q:{n + 2}",
            author_name=f"{LONG_WORD} {n}",
            author_email=f"person{n}@{LONG_WORD.lower()[:40]}.example",
            subject=LONG_TEXT[:200],
        )
    return {"conversation": conversation}


def fill_settings(office, agent) -> dict:
    """An entry on every settings page, and a connected account for the channels page."""
    from rathaus.answers.models import FaqEntry, TextTemplate
    from rathaus.connectors.models import ConnectedAccount
    from rathaus.inbox.models import Team
    from rathaus.mail.models import Mailbox
    from rathaus.newsletter.models import NewsletterSettings
    from rathaus.response_times.models import ResponseTarget

    made = {}
    made["faq"] = FaqEntry.objects.create(office=office, question=LONG_TEXT[:300], answer=LONG_TEXT)
    made["template"] = TextTemplate.objects.create(office=office, title=LONG_WORD, body=LONG_TEXT)
    made["team"] = Team.objects.create(office=office, name=LONG_WORD[:100])
    made["team"].members.add(agent)
    made["target"] = ResponseTarget.objects.create(
        office=office, category="participation", first_response_hours=8, resolution_hours=40
    )
    made["mailbox"] = Mailbox.objects.create(
        office=office,
        address="buergeranfragen-stadtentwicklung-und-bebauungsplanung@bezirksamt-mitte.example",
        last_error=f"IMAP: {LONG_TEXT}",
    )
    NewsletterSettings.objects.create(office=office, enabled=True)
    ConnectedAccount.objects.create(
        office=office, platform="xing", name=LONG_WORD, remote_id=LONG_URL[:200]
    )
    return made

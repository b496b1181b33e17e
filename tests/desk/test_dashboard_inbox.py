"""The dashboard of those who read the inbox counts its queues (mine, overdue, unassigned),
each a link to the queue it counts; others, and other offices' conversations, see nothing."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.desk.views import offices as dashboard
from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Team
from tests.helpers import ask, log_in


def _counts(client, office) -> dict[str, tuple[str, str]]:
    """{queue name: (its link, the number shown)} of the dashboard's inbox panel."""
    html = client.get(reverse("desk:dashboard", args=[office.slug])).text
    panel = re.search(r'<section class="panel" aria-labelledby="h-inbox">.*?</section>', html, re.S)
    if panel is None:
        return {}
    found = re.findall(r'<a href="([^"]*)">([^:<]+): <strong>([^<]*)</strong></a>', panel[0])
    return {name: (link.replace("&amp;", "&"), number) for link, name, number in found}


@pytest.fixture
def conversations(office, other_office, agent, office_admin):
    def new(n, where=office):
        return ask(where, f"<p>Frage {n}</p>", remote_id=f"q:{n}").conversation

    mine = [new(1), new(2)]
    for conversation in mine:
        work.assign(conversation, to=agent, by=agent)
    theirs = new(3)
    work.assign(theirs, to=office_admin, by=agent)
    team = Team.objects.create(office=office, name="Grün")
    work.assign(new(4), team=team, by=agent)  # not unassigned: its team has it
    unassigned = [new(5), new(6), new(7)]
    Conversation.objects.filter(pk__in=[mine[0].pk, unassigned[0].pk]).update(
        first_response_due=timezone.now() - timedelta(hours=1)
    )
    closed = new(8)
    work.set_status(closed, Conversation.Status.CLOSED, by=agent)
    for n in range(9, 12):
        new(n, where=other_office)


def test_the_agent_sees_the_counts_with_links_to_the_queues(
    english_agent_client, office, conversations
):
    inbox = reverse("desk:inbox", args=[office.slug])
    assert _counts(english_agent_client, office) == {
        "Mine": (f"{inbox}?queue=mine", "2"),
        "Overdue": (f"{inbox}?queue=overdue", "2"),
        "Unassigned": (f"{inbox}?queue=unassigned", "3"),
    }
    # Each link opens a queue of as many rows as its count says.
    for link, number in _counts(english_agent_client, office).values():
        assert len(english_agent_client.get(link).context["page_"].rows) == int(number)


def test_a_big_count_is_capped(english_agent_client, office, conversations, monkeypatch):
    monkeypatch.setattr(dashboard, "INBOX_COUNT_CAP", 3)
    counts = _counts(english_agent_client, office)
    assert counts["Unassigned"][1] == "3+"
    assert counts["Mine"][1] == "2"


def test_who_does_not_read_the_inbox_sees_no_counts(client, office, editor, conversations):
    log_in(client, editor, language="en")
    assert _counts(client, office) == {}
    office.inbox_open_to_editors = True
    office.save()
    assert _counts(client, office)["Unassigned"][1] == "3"
    assert _counts(client, office)["Mine"][1] == "0"

"""Data-subject requests: an office admin exports or erases everything the office holds
about one citizen, found by email or Fediverse address; the audit log keeps the counts."""

import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from rathaus.audit.models import AuditEntry
from rathaus.citizen_data.subject_requests import erase, export
from rathaus.federation.models import Account, Follower, RemoteActor
from rathaus.inbox import inbound
from rathaus.inbox.models import Conversation, Message
from rathaus.offices.access import LifecycleError

ANNA = "@anna@social.example"


def write(office, remote_id, text, **author) -> Message:
    message, created = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel=author.pop("channel", "contact"),
            remote_id=remote_id,
            text_html=f"<p>{text}</p>",
            **author,
        )
    )
    assert created
    return message


@pytest.fixture
def citizens(office, other_office, tiny_png, citizen, account, settings):
    """Anna writes by email and on the Fediverse and follows the office; Bernd writes too;
    Anna also wrote to the other office."""
    by_mail = write(
        office,
        "m-1",
        "Anna fragt nach der Linde",
        author_name="Anna A.",
        author_email="Anna@Example.org",
    )
    by_mail.photo.save("linde.png", tiny_png)
    fedi = write(
        office,
        "https://social.example/users/anna/statuses/1",
        "Anna auf Mastodon",
        channel="fediverse",
        author_name="Anna Anwohnerin",
        author_handle=ANNA,
        author_url=citizen.uri,
        is_public=True,
    )
    bernd_thread = write(
        office,
        "https://social.example/users/bernd/statuses/1",
        "Bernd fragt öffentlich",
        channel="fediverse",
        author_name="Bernd",
        author_handle="@bernd@social.example",
        is_public=True,
    )
    # A reply now opens a conversation of its own unless it comes from the conversation's
    # citizen (issue 10, item 4); Anna's reply inside Bernd's conversation is held from
    # before that, and a channel that names no sender still threads so.
    in_bernds_thread = Message.objects.create(
        conversation=bernd_thread.conversation,
        office=office,
        channel="fediverse",
        remote_id="https://social.example/users/anna/statuses/2",
        text_html="<p>Anna antwortet Bernd</p>",
        author_name="Anna Anwohnerin",
        author_handle=ANNA,
        author_url=citizen.uri,
        in_reply_to=bernd_thread.remote_id,
        is_public=True,
    )
    bernd_mail = write(office, "m-2", "Bernd per Mail", author_email="bernd@example.org")
    elsewhere = write(other_office, "n-1", "Anna schreibt an Nord", author_email="anna@example.org")
    Follower.objects.create(account=account, actor=citizen)
    other_account = Account.objects.create(
        office=other_office, username="nord", display_name="Nord"
    )
    Follower.objects.create(account=other_account, actor=citizen)
    return {
        "by_mail": by_mail,
        "fedi": fedi,
        "bernd_thread": bernd_thread,
        "in_bernds_thread": in_bernds_thread,
        "bernd_mail": bernd_mail,
        "elsewhere": elsewhere,
    }


def texts(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_export_by_email_holds_all_of_the_citizens_data_and_nobody_elses(
    office, office_admin, citizens
):
    data = export(office, email="anna@example.org", by=office_admin)
    json.dumps(data)  # serialisable as it is
    [conversation] = data["conversations"]
    assert conversation["reference"] == citizens["by_mail"].conversation.reference
    assert conversation["citizen_email"] == "Anna@Example.org"
    [message] = conversation["messages"]
    assert "Anna fragt nach der Linde" in message["text_html"]
    assert message["photo"] == citizens["by_mail"].photo.name
    everything = texts(data)
    assert "Bernd" not in everything
    assert "Anna schreibt an Nord" not in everything  # the other office's
    assert "Mastodon" not in everything  # found by email: the Fediverse account is not asked
    assert data["fediverse"] == {"actors": [], "follows": []}


def test_export_by_handle_includes_replies_in_other_threads_and_federation_data(
    office, office_admin, citizens, citizen
):
    data = export(office, handle="anna@social.example", by=office_admin)
    [conversation] = data["conversations"]
    assert conversation["citizen_handle"] == ANNA
    assert "Anna auf Mastodon" in conversation["messages"][0]["text_html"]
    [reply] = data["messages_in_other_conversations"]
    assert "Anna antwortet Bernd" in reply["text_html"]
    assert "Bernd fragt" not in texts(data)
    [actor] = data["fediverse"]["actors"]
    assert (actor["handle"], actor["uri"]) == (ANNA, citizen.uri)
    [follow] = data["fediverse"]["follows"]
    assert follow["account"] == "@presse@rathaus.example"  # not the other office's account


def test_an_export_is_logged_with_counts_only(office, office_admin, citizens):
    export(office, handle=ANNA, by=office_admin)
    entry = AuditEntry.objects.get(action="citizen_data_exported")
    assert entry.office_id == office.pk and entry.actor == office_admin
    assert entry.after == {"found_by": "handle", "conversations": 1, "messages": 2, "follows": 1}
    assert "anna" not in texts([entry.message, entry.before, entry.after]).lower()


def test_erase_removes_the_citizens_data_and_logs_the_counts(
    office, office_admin, citizens, citizen
):
    photo = citizens["by_mail"].photo.name
    counts = erase(office, email="anna@example.org", by=office_admin)
    assert counts == {"conversations": 1, "messages": 1, "photos": 1, "follows": 0}
    conversation = Conversation.objects.get(pk=citizens["by_mail"].conversation_id)
    assert conversation.anonymised_at is not None
    assert (conversation.citizen_name, conversation.citizen_email) == ("", "")
    assert conversation.messages.get().text_html == ""
    assert not default_storage.exists(photo)
    entry = AuditEntry.objects.get(action="citizen_data_erased")
    assert entry.after == {"found_by": "email", **counts}
    assert "anna" not in texts([entry.message, entry.before, entry.after]).lower()
    assert export(office, email="anna@example.org", by=office_admin)["conversations"] == []
    # Nobody else's data went with it.
    bernd = Message.objects.get(pk=citizens["bernd_mail"].pk)
    assert bernd.text_html == "<p>Bernd per Mail</p>"
    elsewhere = Message.objects.get(pk=citizens["elsewhere"].pk)
    assert elsewhere.conversation.citizen_email == "anna@example.org"


def test_erase_by_handle_also_scrubs_replies_in_other_threads_and_ends_follows(
    office, office_admin, citizens, citizen
):
    counts = erase(office, handle=ANNA, by=office_admin)
    assert counts == {"conversations": 1, "messages": 2, "photos": 0, "follows": 1}
    reply = Message.objects.get(pk=citizens["in_bernds_thread"].pk)
    assert (reply.text_html, reply.author_handle, reply.author_name) == ("", "", "")
    bernds = Conversation.objects.get(pk=citizens["bernd_thread"].conversation_id)
    assert bernds.anonymised_at is None
    assert bernds.messages.get(pk=citizens["bernd_thread"].pk).text_html != ""
    # The follow of the other office's account is that office's business.
    assert list(Follower.objects.values_list("account__username", flat=True)) == ["nord"]
    assert RemoteActor.objects.filter(pk=citizen.pk).exists()  # shared: signatures need it
    assert erase(office, handle=ANNA, by=office_admin) == {
        "conversations": 0,
        "messages": 0,
        "photos": 0,
        "follows": 0,
    }


@pytest.mark.parametrize("who", ["agent", "editor", "approver", "outsider"])
def test_only_an_admin_of_the_office_may_do_it(office, citizens, who, request, english_messages):
    user = request.getfixturevalue(who)
    for step in (export, erase):
        with pytest.raises(LifecycleError, match="Only an admin"):
            step(office, email="anna@example.org", by=user)
    assert Conversation.objects.filter(anonymised_at=None).count() == 5
    assert not AuditEntry.objects.filter(action__startswith="citizen_data").exists()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [({}, "Give the citizen"), ({"email": "kein-at"}, "no email"), ({"handle": "@anna"}, "@name")],
)
def test_a_request_needs_a_valid_address(office, office_admin, fields, problem, english_messages):
    with pytest.raises(LifecycleError, match=problem):
        export(office, by=office_admin, **fields)


def test_the_command_exports_and_erases(office, office_admin, citizens):
    out = io.StringIO()
    call_command(
        "citizen_data",
        "export",
        "--office",
        "mitte",
        "--email",
        "anna@example.org",
        "--as",
        office_admin.username,
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert "Anna fragt nach der Linde" in texts(data)
    out = io.StringIO()
    call_command("citizen_data", "erase", "--office", "mitte", "--handle", ANNA, stdout=out)
    assert json.loads(out.getvalue())["conversations"] == 1
    entry = AuditEntry.objects.get(action="citizen_data_erased")
    assert entry.actor is None  # the operator at the command line


def test_the_command_refuses_what_it_cannot_do(office, agent, citizens, english_messages):
    with pytest.raises(CommandError, match="Only an admin"):
        call_command(
            "citizen_data",
            "erase",
            "--office",
            "mitte",
            "--email",
            "anna@example.org",
            "--as",
            agent.username,
        )
    with pytest.raises(CommandError, match="No office"):
        call_command("citizen_data", "export", "--office", "gibtsnicht", "--handle", ANNA)
    with pytest.raises(CommandError, match="No user"):
        call_command(
            "citizen_data", "export", "--office", "mitte", "--handle", ANNA, "--as", "niemand"
        )
    with pytest.raises(CommandError):
        call_command("citizen_data", "export", "--office", "mitte")
    assert Conversation.objects.filter(anonymised_at=None).count() == 5

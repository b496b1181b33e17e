"""Every desk URL, asked by a member of another office about this office: 404, nothing changes.

The list of URLs is built from rathaus.desk.urls, so a new view cannot be forgotten."""

import pytest
from django.urls import URLPattern, reverse

from rathaus.answers.models import FaqEntry
from rathaus.audit.models import AuditEntry
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import ChannelDefault, Delivery
from rathaus.desk import urls as desk_urls
from rathaus.inbox import inbound, work
from rathaus.inbox.models import Conversation, Message
from rathaus.notifications.models import Notification
from rathaus.posts import lifecycle
from rathaus.posts.models import Post, PostImage
from tests.helpers import log_in

PATTERNS = [p for p in desk_urls.urlpatterns if isinstance(p, URLPattern)]
STEP = "approve"  # any step; each must 404 before the step is even looked at


def _parameters(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.converters)


@pytest.fixture
def victim(office, published, editor, tiny_png, approver, agent, office_admin):
    """Objects of ``office`` for every URL parameter."""
    draft = lifecycle.create_draft(office, by=editor, title="Geheim", body="Entwurf")
    image = lifecycle.add_image(
        draft, by=editor, file=tiny_png, alt_text="Linde", author="Amt", licence="CC0"
    )
    delivery = published.deliveries.first()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    question, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel="fediverse",
            remote_id="https://social.example/statuses/1",
            text_html="<p>Geheime Frage</p>",
            author_name="Anna",
            is_public=True,
        )
    )
    question.photo.save("linde.png", tiny_png)  # for the photo's own URL
    # By an office admin: an approver reads the inbox only where the office allows it.
    work.add_note(question.conversation, f"@{agent.username} bitte ansehen", by=office_admin)
    account = ConnectedAccount.objects.create(
        office=office, platform="xing", name="mitte", remote_id="https://www.xing.com/pages/m"
    )
    faq = FaqEntry.objects.create(office=office, question="Geheim?", answer="Ja.")
    return {
        "faq": faq,
        "platform": "xing",
        "account": account,
        "slug": office.slug,
        "pk": draft.pk,
        "image": image.pk,
        "step": STEP,
        "delivery": delivery,
        "conversation": question.conversation,
        "message": question,
    }


def _kwargs(pattern: URLPattern, victim: dict) -> dict:
    kwargs = {}
    for name in _parameters(pattern):
        kwargs[name] = victim[name]
    if "message" in kwargs:
        kwargs["message"] = victim["message"].pk
    if pattern.name in ("retry", "delivery_confirm"):
        kwargs["pk"] = victim["delivery"].pk
    if pattern.name == "account_disconnect":
        kwargs["pk"] = victim["account"].pk
    if pattern.name.startswith("conversation"):
        kwargs["pk"] = victim["conversation"].pk
    if pattern.name.startswith("settings_faq_") and "pk" in kwargs:
        kwargs["pk"] = victim["faq"].pk
    return kwargs


def _state():
    return (
        list(Post.objects.order_by("pk").values_list("pk", "status", "title", "updated_at")),
        PostImage.objects.count(),
        list(Delivery.objects.order_by("pk").values_list("pk", "status", "attempts")),
        AuditEntry.objects.count(),
        list(
            Conversation.objects.order_by("pk").values_list(
                "pk", "status", "priority", "assignee", "team", "category"
            )
        ),
        list(Message.objects.order_by("pk").values_list("pk", "text_html", "hidden_at")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        list(ConnectedAccount.objects.order_by("pk").values_list("pk", "status", "access_token")),
        list(ChannelDefault.objects.order_by("pk").values_list("pk", "channels")),
        list(FaqEntry.objects.order_by("pk").values_list("pk", "question", "published")),
    )


def test_it_covers_every_desk_url():
    covered = {p.name for p in PATTERNS if "slug" in _parameters(p)}
    unscoped = {p.name for p in PATTERNS} - covered
    # Only the office chooser and the OAuth callback (one address for every office: the
    # office comes from the session's flow) have no office in their URL; both are tested on
    # their own (below, and in test_connectors_oauth_flow).
    assert unscoped == {"home", "oauth_callback"}
    assert len(covered) == len(PATTERNS) - 2
    known = {"slug", "pk", "image", "step", "platform", "message"}
    for pattern in PATTERNS:
        assert set(_parameters(pattern)) <= known, pattern.name


@pytest.mark.parametrize(
    "pattern", [p for p in PATTERNS if "slug" in _parameters(p)], ids=lambda p: p.name
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404_and_changes_nothing(client, outsider, victim, pattern, method):
    log_in(client, outsider)
    url = reverse(f"desk:{pattern.name}", kwargs=_kwargs(pattern, victim))
    before = _state()
    data = {
        "title": "Übernommen",
        "body": "gehackt",
        "category": "press_release",
        "language": "de",
        "reason": "weg damit",
        "note": "korrigiert",
        "schedule-at": "2030-01-01T10:00",
        "send_back-reason": "nein",
        "withdraw-reason": "weg",
    }
    message = victim["message"].pk
    data |= {
        "me": "1",
        "status-status": "closed",
        "details-priority": "3",
        "details-topics": "Übernommen",
        "note-text": "gehackt",
        "reply-text": "gehackt",
        "reply-visibility": "public",
        "message": str(message),
        f"m{message}-action": "delete",
        f"m{message}-reason": "weg",
        "email": "anna@example.org",
        "action": "erase",
        "confirm": "on",
        "question": "Übernommen?",
        "url": "https://www.xing.com/feed/1",
        "page": "https://www.xing.com/pages/übernommen",
        "default_emergency": "newsroom",
    }
    response = getattr(client, method)(url, data)
    assert response.status_code == 404, (pattern.name, method, response.status_code)
    assert _state() == before


def test_the_office_chooser_shows_an_outsider_only_their_own_office(client, outsider, office):
    log_in(client, outsider)
    response = client.get(reverse("desk:home"), {"office": office.slug})
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:dashboard", args=["nord"])


@pytest.mark.parametrize(
    "pattern", [p for p in PATTERNS if "slug" in _parameters(p)], ids=lambda p: p.name
)
def test_the_same_urls_answer_a_member(client, approver, victim, pattern):
    """Control: the URLs above are real, so their 404 for the outsider means something."""
    log_in(client, approver)
    response = client.get(reverse(f"desk:{pattern.name}", kwargs=_kwargs(pattern, victim)))
    assert response.status_code in (200, 302, 403), (pattern.name, response.status_code)

"""Every settings page of the desk: office admins only (the FAQ also approvers), 404 from
another office's side, nothing changed by a refused request. The URLs come from the
URLconf, so a new settings page cannot be forgotten."""

from datetime import date

import pytest
from django.urls import URLPattern, reverse

from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.audit.models import AuditEntry
from rathaus.desk import urls as desk_urls
from rathaus.inbox.models import Team
from rathaus.mail.models import Mailbox
from rathaus.newsletter.models import NewsletterSettings
from rathaus.offices.models import Office
from rathaus.response_times.models import Closure, ResponseTarget
from tests.helpers import log_in

SETTINGS = [
    p for p in desk_urls.urlpatterns if isinstance(p, URLPattern) and p.name.startswith("settings")
]
# Approvers publish the FAQ (answers.reuse.PUBLISHERS): its pages are theirs too.
FOR_APPROVERS = {"settings_faq", "settings_faq_new", "settings_faq_edit"}
FOR_APPROVERS |= {"settings_faq_publish", "settings_faq_unpublish", "settings_faq_delete"}


@pytest.fixture
def objects(office):
    """A row of ``office`` for each settings URL that names one, by URL name."""
    entry = FaqEntry.objects.create(office=office, question="Wann?", answer="Montags.")
    template = TextTemplate.objects.create(office=office, title="Dank", body="Danke, {name}.")
    found = {f"settings_faq_{step}": entry for step in ("edit", "publish", "unpublish", "delete")}
    found |= {f"settings_template_{step}": template for step in ("edit", "delete")}
    team = Team.objects.create(office=office, name="Grünflächen")
    target = ResponseTarget.objects.create(office=office, first_response_hours=8)
    found |= {f"settings_team_{step}": team for step in ("edit", "delete")}
    found |= {f"settings_target_{step}": target for step in ("edit", "delete")}
    mailbox = Mailbox.objects.create(office=office, address="post@mitte.example")
    found |= {f"settings_mailbox_{step}": mailbox for step in ("edit", "push_token", "delete")}
    NewsletterSettings.objects.create(office=office)
    found["settings_closure_delete"] = Closure.objects.create(office=office, day=date(2026, 10, 2))
    return found


def _url(pattern: URLPattern, office, objects: dict) -> str:
    kwargs = {"slug": office.slug}
    if "pk" in pattern.pattern.converters:
        kwargs["pk"] = objects[pattern.name].pk
    return reverse(f"desk:{pattern.name}", kwargs=kwargs)


def _state(office):
    fresh = Office.objects.get(pk=office.pk)
    return (
        fresh.imprint,
        fresh.working_hours,
        AuditEntry.objects.count(),
        list(FaqEntry.objects.values_list("pk", "question", "published")),
        list(TextTemplate.objects.values_list("pk", "title", "body")),
        list(Team.objects.values_list("pk", "name")),
        list(ResponseTarget.objects.values_list("pk", "category", "first_response_hours")),
        list(Mailbox.objects.values_list("pk", "address", "token_hash")),
        list(NewsletterSettings.objects.values_list("pk", "enabled", "bounce_token_hash")),
        list(Closure.objects.values_list("pk", "day")),
    )


def test_there_are_settings_pages():
    names = {p.name for p in SETTINGS}
    assert {"settings", "settings_profile", "settings_hours"} <= names


@pytest.mark.parametrize("pattern", SETTINGS, ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_office_gets_404_and_changes_nothing(
    client, office, outsider, objects, pattern, method
):
    log_in(client, outsider)
    before = _state(office)
    data = {"imprint": "gehackt", "question": "gehackt?", "answer": "x", "title": "x", "body": "x"}
    data |= {"name": "gehackt", "first_response_hours": "1", "address": "x@nord.example"}
    data |= {"enabled": "on", "imap_folder": "INBOX", "imap_security": "ssl"}
    data |= {"closure-day": "2027-01-04"}
    response = getattr(client, method)(_url(pattern, office, objects), data)
    assert response.status_code == 404
    assert _state(office) == before


@pytest.mark.parametrize("pattern", SETTINGS, ids=lambda p: p.name)
@pytest.mark.parametrize("role", ["editor", "agent", "approver"])
def test_other_roles_get_403(client, office, objects, pattern, role, request):
    if role == "approver" and pattern.name in FOR_APPROVERS:
        pytest.skip("approvers publish the FAQ")
    log_in(client, request.getfixturevalue(role))
    before = _state(office)
    for method in ("get", "post"):
        data = {"imprint": "x", "question": "x?", "answer": "x", "title": "x", "body": "x"}
        data |= {"name": "x", "first_response_hours": "1", "address": "x@mitte.example"}
        data |= {"enabled": "on", "imap_folder": "INBOX", "imap_security": "ssl"}
        data |= {"closure-day": "2027-01-04"}
        response = getattr(client, method)(_url(pattern, office, objects), data)
        assert response.status_code == 403, (method, response.status_code)
    assert _state(office) == before


@pytest.mark.parametrize("pattern", SETTINGS, ids=lambda p: p.name)
def test_the_office_admin_may(client, office, office_admin, objects, pattern):
    """Control: the refusals above are about the person, not a broken URL."""
    log_in(client, office_admin)
    response = client.get(_url(pattern, office, objects))
    assert response.status_code in (200, 302)


def test_only_office_admins_see_the_link(client, office, office_admin, approver):
    url = reverse("desk:dashboard", args=[office.slug])
    link = f'href="{reverse("desk:settings", args=[office.slug])}"'
    assert link not in log_in(client, approver).get(url).content.decode()
    assert link in log_in(client, office_admin).get(url).content.decode()

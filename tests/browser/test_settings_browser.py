"""The desk's settings pages in a browser: no axe findings (also with form errors shown),
every error message tied to its input, nothing wider than a phone, nothing from other
hosts."""

import pytest

from tests.browser.helpers import description_problems, log_in, phone_overflow, violations

pytestmark = pytest.mark.browser


@pytest.fixture
def settings_rows(office, agent):
    from rathaus.answers.models import FaqEntry, TextTemplate
    from rathaus.inbox.models import Team
    from rathaus.mail.models import Mailbox
    from rathaus.newsletter.models import NewsletterSettings
    from rathaus.response_times.models import ResponseTarget

    faq = FaqEntry.objects.create(
        office=office, question="Wann werden Linden gefällt?", answer="Von Oktober bis Februar."
    )
    template = TextTemplate.objects.create(office=office, title="Dank", body="Danke, {name}.")
    team = Team.objects.create(office=office, name="Grünflächen")
    team.members.add(agent)
    ResponseTarget.objects.create(office=office, first_response_hours=8, resolution_hours=40)
    mailbox = Mailbox.objects.create(
        office=office,
        address="buergeranfragen-mit-einer-langen-adresse@bezirksamt-mitte.example",
        last_error="Die Anmeldung am IMAP-Server ist fehlgeschlagen.",
    )
    NewsletterSettings.objects.create(office=office, enabled=True)
    return {"faq": faq, "template": template, "team": team, "mailbox": mailbox}


def _paths(office, rows) -> list[str]:
    base = f"/desk/{office.slug}/einstellungen"
    return [
        f"{base}/",
        f"{base}/amt/",
        f"{base}/oeffnungszeiten/",
        f"{base}/faq/",
        f"{base}/faq/{rows['faq'].pk}/",
        f"{base}/textbausteine/",
        f"{base}/textbausteine/{rows['template'].pk}/",
        f"{base}/teams/",
        f"{base}/teams/{rows['team'].pk}/",
        f"{base}/antwortzeiten/",
        f"{base}/postfaecher/",
        f"{base}/postfaecher/{rows['mailbox'].pk}/",
        f"{base}/newsletter/",
    ]


def test_the_settings_pages_pass_axe_and_fit_a_phone(
    page, live_server, office, office_admin, settings_rows, outside_requests
):
    log_in(page, live_server.url, office_admin.username)
    found = {}
    for path in _paths(office, settings_rows):
        page.goto(live_server.url + path)
        if problems := violations(page) + phone_overflow(page):
            found[path] = problems
    assert found == {}
    assert outside_requests == []


@pytest.mark.parametrize(
    ("path", "fill"),
    [
        ("oeffnungszeiten/", {"d0_p0_from": "16:00", "d0_p0_to": "08:00"}),
        ("amt/", {"imprint": ""}),
        ("antwortzeiten/", {"first_response_hours": "8", "resolution_hours": "2"}),
        ("postfaecher/", {"address": "keine adresse"}),
    ],
)
def test_form_errors_are_read_with_their_fields(
    page, live_server, office, office_admin, settings_rows, path, fill
):
    log_in(page, live_server.url, office_admin.username)
    page.goto(f"{live_server.url}/desk/{office.slug}/einstellungen/{path}")
    for name, value in fill.items():
        page.fill(f"main [name={name}]", value)
    page.locator("main form:has(.field) button[type=submit]").last.click()
    page.wait_for_selector(".error-summary")
    assert violations(page) == []
    assert description_problems(page) == []
    assert phone_overflow(page) == []

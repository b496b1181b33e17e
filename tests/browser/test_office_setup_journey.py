"""A new office from nothing to its first post, as the README says it goes: the operator
(a superuser) creates the empty office and its first office admin in the Django admin;
from then on the office admin works on the desk alone. They fill in the profile and the
opening hours, invite an editor and an approver (who set their passwords through the
links in their mails), switch the newsletter on and publish an FAQ entry; the editor
writes a post, the approver approves and publishes it. Citizens then read the post on the
newsroom, the entry on the FAQ page and find the newsletter's sign-up page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from rathaus.answers.models import FaqEntry
from rathaus.newsletter.models import NewsletterSettings
from rathaus.offices.models import Membership, Office, Role
from rathaus.posts.models import Post
from tests.browser.helpers import log_in
from tests.helpers import PASSWORD, totp_code

pytestmark = pytest.mark.browser

SLUG = "ortsamt-west"
TITLE = "Wochenmarkt zieht auf den Rathausplatz"
QUESTION = "Wo finde ich den Wochenmarkt?"


def _submit(page, selector: str = "main form button[type=submit]") -> None:
    with page.expect_navigation():
        page.click(selector)


def _first_login(page, base: str, username: str, password: str, then: str) -> None:
    """Log in for the first time with a password and set up the authenticator app, which
    staff, superusers and office admins must have (README "Security", "Two factors")."""
    page.goto(f"{base}/accounts/login/?next={then}")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    _submit(page, "main button[type=submit]")
    if "/accounts/reauthenticate/" in page.url:  # allauth asks for the password again
        page.fill("input[name=password]", password)
        _submit(page, "main button[type=submit]")
    assert "/2fa/totp/activate/" in page.url, page.url
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", totp_code(secret))
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")


def _operator_creates_the_office(page, base: str) -> None:
    """The operator's part, in the Django admin: the first office admin's account, then
    the office with that person as its admin."""
    get_user_model().objects.create_superuser("betrieb", "betrieb@it.example", PASSWORD)
    _first_login(page, base, "betrieb", PASSWORD, "/admin/")

    page.goto(f"{base}/admin/auth/user/add/")
    page.fill("input[name=username]", "olga.ortsamt")
    if page.locator("input[name=usable_password][value=true]").count():
        page.check("input[name=usable_password][value=true]")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    _submit(page, "input[name=_save]")
    assert get_user_model().objects.filter(username="olga.ortsamt").exists(), page.url

    page.goto(f"{base}/admin/offices/office/add/")
    page.fill("input[name=name]", "Ortsamt West")  # the admin's script makes the slug
    page.fill("textarea[name=imprint]", "Ortsamt West, Marktplatz 1, 28000 Bremen")
    page.fill("textarea[name=privacy_contact]", "Datenschutz: datenschutz@west.example")
    # The first office admin, through the membership inline's autocomplete.
    page.click("#memberships-0 .select2-selection")
    page.fill(".select2-search__field", "olga")
    page.click(".select2-results__option >> text=olga.ortsamt")
    page.select_option("select[name=memberships-0-role]", Role.ADMIN)
    _submit(page, "input[name=_save]")
    office = Office.objects.filter(slug=SLUG).first()
    assert office is not None, page.inner_text("main")
    assert Membership.objects.filter(office=office, user__username="olga.ortsamt").exists()
    page.context.clear_cookies()


def _invite(page, base: str, first: str, last: str, email: str, role: str) -> str:
    """Invite a colleague on the members page; the link from their mail."""
    sent = len(mail.outbox)
    page.goto(f"{base}/desk/{SLUG}/mitglieder/")
    form = "section[aria-labelledby=h-invite] form"  # the members' rows have roles too
    page.fill(f"{form} [name=first_name]", first)
    page.fill(f"{form} [name=last_name]", last)
    page.fill(f"{form} [name=email]", email)
    page.check(f"{form} input[name=roles][value={role}]")
    _submit(page, f"{form} button[type=submit]")
    assert len(mail.outbox) > sent, page.inner_text("main")
    invitation = mail.outbox[-1]
    assert invitation.to == [email]
    return re.search(r"https?://\S+/accounts/einladung/\S+/", invitation.body)[0]


def _set_password(browser, link: str) -> None:
    """The invitee follows the link from their mail and sets a password."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(link)
    page.fill("input[name=new_password1]", PASSWORD)
    page.fill("input[name=new_password2]", PASSWORD)
    _submit(page)
    assert "/accounts/login/" in page.url, page.url
    context.close()


def _office_admin_sets_up(page, browser, base: str) -> None:
    # Office admins set up their office on the desk: not one page of the Django admin.
    admin_pages: list[str] = []

    def watch(request) -> None:
        if "/admin/" in request.url:
            admin_pages.append(request.url)

    page.on("request", watch)
    _first_login(page, base, "olga.ortsamt", PASSWORD, f"/desk/{SLUG}/")

    page.goto(f"{base}/desk/{SLUG}/einstellungen/amt/")
    page.fill("[name=tagline]", "Ihr Ortsamt im Westen der Stadt")
    page.fill("[name=office_hours]", "Mo–Fr 8–14 Uhr")
    page.select_option("select[name=holiday_region]", "HB")
    _submit(page, "main form.panel button[type=submit]")
    office = Office.objects.get(slug=SLUG)
    assert office.tagline == "Ihr Ortsamt im Westen der Stadt", page.inner_text("main")

    page.goto(f"{base}/desk/{SLUG}/einstellungen/oeffnungszeiten/")
    page.fill("input[name=d4_p0_to]", "12 Uhr")  # Fridays until noon
    _submit(page, "main form.panel button[type=submit]")
    office.refresh_from_db()
    assert office.working_hours["4"] == [["08:00", "12:00"]], page.inner_text("main")

    editor_link = _invite(page, base, "Emil", "Eder", "emil@west.example", Role.EDITOR)
    approver_link = _invite(page, base, "Anna", "Abel", "anna@west.example", Role.APPROVER)
    _set_password(browser, editor_link)
    _set_password(browser, approver_link)

    page.goto(f"{base}/desk/{SLUG}/einstellungen/newsletter/")
    page.check("input[name=enabled]")
    page.fill("input[name=sender_name]", "Ortsamt West")
    page.fill("input[name=sender_address]", "newsletter@west.example")
    if page.locator("input[name=bounce_address]").count():
        page.fill("input[name=bounce_address]", "bounces@west.example")
    _submit(page)
    assert NewsletterSettings.objects.get(office=office).enabled, page.inner_text("main")

    page.goto(f"{base}/desk/{SLUG}/einstellungen/faq/neu/")
    page.fill("input[name=question]", QUESTION)
    page.fill("textarea[name=answer]", "Ab Juni jeden Samstag auf dem **Rathausplatz**.")
    _submit(page)
    entry = FaqEntry.objects.get(office=office, question=QUESTION)
    page.goto(f"{base}/desk/{SLUG}/einstellungen/faq/")
    _submit(page, f"form[action$='/faq/{entry.pk}/veroeffentlichen/'] button")
    entry.refresh_from_db()
    assert entry.published
    page.remove_listener("request", watch)
    assert admin_pages == []
    page.context.clear_cookies()


def _step(page, step: str) -> None:
    _submit(page, f"form[action$='/schritt/{step}/'] button[type=submit]")


def _editor_writes(page, base: str) -> Post:
    log_in(page, base, "emil@west.example")
    page.goto(f"{base}/desk/{SLUG}/beitraege/neu/")
    page.fill("[name=title]", TITLE)
    page.fill("[name=body]", "Ab **Samstag** findet der Wochenmarkt auf dem Rathausplatz statt.")
    page.select_option("[name=category]", "short_notice")
    _submit(page, "form.post-form button.primary")
    post = Post.objects.get(office__slug=SLUG, title=TITLE)
    page.goto(f"{base}/desk/{SLUG}/beitraege/{post.pk}/")
    _step(page, "submit")
    page.context.clear_cookies()
    return post


def _approver_publishes(page, base: str, post: Post) -> None:
    log_in(page, base, "anna@west.example")
    page.goto(f"{base}/desk/{SLUG}/beitraege/{post.pk}/")
    _step(page, "approve")
    _step(page, "publish")
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


def test_an_office_is_set_up_and_publishes_its_first_post(page, browser, live_server):
    base = live_server.url
    _operator_creates_the_office(page, base)
    _office_admin_sets_up(page, browser, base)
    post = _editor_writes(page, base)
    _approver_publishes(page, base, post)

    citizen = browser.new_context(locale="de-DE")
    reader = citizen.new_page()
    reader.goto(f"{base}/{SLUG}/")
    with reader.expect_navigation():
        reader.click(f"text={TITLE}")
    assert reader.locator("h1").inner_text() == TITLE
    reader.goto(f"{base}/{SLUG}/fragen/")
    assert QUESTION in reader.inner_text("main")
    assert "Rathausplatz" in reader.inner_text("main")
    response = reader.goto(f"{base}/{SLUG}/newsletter/")
    assert response.status == 200
    assert reader.locator("main form input[type=email]").count() == 1
    assert citizen.cookies() == []
    citizen.close()

"""Every desk page on a phone (390 × 844 CSS pixels; agents answer citizens on the go):
the page never scrolls sideways (a table may scroll inside its own region, WCAG 1.4.10),
and the header's office switch and the desk's menu lie within the screen.

The pages are a list (``PAGES``) built from ``rathaus/desk/urls.py``: a page added there
is added here as one line. ``test_every_desk_url_is_on_the_list`` fails when a URL name
is neither on the list nor among the endpoints that show no page (``NOT_PAGES``, each
with its reason). The rows the pages show are long on purpose: German compounds, pasted
addresses, tables with many columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import log_in, violations
from tests.browser.long_rows import LONG_WORD, fill_inbox, fill_posts, fill_settings

PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Page:
    name: str  # the URL name in desk/urls.py
    args: Callable[[dict], list]  # the URL's arguments, from the ``rows`` fixture
    query: str | Callable[[dict], str] = ""
    who: str = "chief"  # "chief" (editor, approver and office admin) or "agent"
    state: str = ""  # which of several visits of one URL name

    def path(self, rows: dict) -> str:
        query = self.query(rows) if callable(self.query) else self.query
        return reverse(f"desk:{self.name}", args=self.args(rows)) + query

    def label(self) -> str:
        return f"{self.name}{f' ({self.state})' if self.state else ''} as {self.who}"


def office(r):
    return [r["slug"]]


def post(key):
    return lambda r: [r["slug"], r[key].pk]


def row(key):
    return lambda r: [r["slug"], r[key].pk]


PAGES = [
    Page("home", lambda r: []),
    Page("dashboard", office),
    Page("post_list", office),
    Page("post_list", office, query=f"?q={LONG_WORD}", state="search"),
    Page("post_new", office),
    *(
        Page("post_detail", post(state), state=state)
        for state in ("draft", "returned", "in_review", "scheduled", "published")
    ),
    Page("post_detail", post("corrected"), state="corrected"),
    Page("post_detail", post("withdrawn"), state="withdrawn"),
    Page("post_edit", post("draft")),
    Page("post_correct", post("published")),
    Page("calendar", office),
    Page("calendar", office, query=lambda r: f"?month={r['week'][:7]}", state="scheduled"),
    Page("calendar_week", office, query=lambda r: f"?week={r['week']}"),
    Page("calendar_move", post("scheduled")),
    Page("calendar_import", office),
    Page("calendar_slots", office),
    Page("channels", office),
    Page("account_connect", lambda r: [r["slug"], "mastodon"]),
    Page("members", office),
    Page("inbox", office),
    Page("inbox", office, who="agent"),
    Page("conversation", row("conversation")),
    Page("conversation", row("conversation"), who="agent"),
    Page("citizen_data", office),
    Page("notification_list", office),
    Page("notification_list", office, who="agent"),
    Page("settings", office),
    Page("settings_profile", office),
    Page("settings_hours", office),
    Page("settings_accessibility", office),
    Page("settings_faq", office),
    Page("settings_faq_new", office),
    Page("settings_faq_edit", row("faq")),
    Page("settings_templates", office),
    Page("settings_template_new", office),
    Page("settings_template_edit", row("template")),
    Page("settings_teams", office),
    Page("settings_team_edit", row("team")),
    Page("settings_targets", office),
    Page("settings_target_edit", row("target")),
    Page("settings_mailboxes", office),
    Page("settings_mailbox_edit", row("mailbox")),
    Page("settings_newsletter", office),
]

# Desk URLs that show no page of their own, each with why.
NOT_PAGES = {
    "preview": "htmx fragment inside the post form (on the list through post_new)",
    "post_step": "POST only: a post's step, answered with a redirect",
    "image_add": "POST only: the upload form lives on the post page",
    "image_remove": "POST only",
    "image_file": "an image file",
    "post_deliveries": "htmx fragment: the post page's delivery panel, polled",
    "retry": "POST only: a delivery's retry",
    "delivery_confirm": "POST only: confirming a post made by hand",
    "calendar_ics": "an iCalendar file",
    "calendar_import_template": "a CSV file",
    "calendar_slot_remove": "POST only",
    "post_duplicate": "POST only (a GET goes back to the post)",
    "member_roles": "POST only (a GET goes back to the members page)",
    "member_remove": "POST only (a GET goes back to the members page)",
    "oauth_start": "a redirect to the platform",
    "oauth_callback": "a redirect back from the platform",
    "connections": "htmx fragment: the channels page's accounts, polled",
    "account_disconnect": "POST only",
    "inbox_badge": "htmx fragment: the count in the menu",
    "notifications": "the inbox's old notifications page: a redirect to notification_list",
    "notifications_read": "the old page's form: a redirect to notification_list",
    "notification_open": "a redirect to what the notification is about",
    "notifications_all_read": "POST only",
    "notification_mail": "POST only",
    "notification_badge": "htmx fragment: the count in the menu",
    "conversation_photo": "an image file",
    "conversation_assign": "POST only: a form on the conversation",
    "conversation_status": "POST only: a form on the conversation",
    "conversation_details": "POST only: a form on the conversation",
    "conversation_note": "POST only: a form on the conversation",
    "conversation_reply": "POST only: a form on the conversation",
    "conversation_approve": "POST only: a form on the conversation",
    "conversation_moderate": "POST only: a form on the conversation",
    "conversation_save_template": "POST only: a form on the conversation",
    "conversation_save_faq": "POST only: a form on the conversation",
    "settings_closure_add": "POST only: a form on the opening hours",
    "settings_closure_delete": "POST only",
    "settings_faq_publish": "POST only",
    "settings_faq_unpublish": "POST only",
    "settings_faq_delete": "POST only",
    "settings_template_delete": "POST only",
    "settings_team_delete": "POST only",
    "settings_target_delete": "POST only",
    "settings_mailbox_push_token": "POST only",
    "settings_mailbox_delete": "POST only",
    "settings_newsletter_bounce_token": "POST only",
}


def test_every_desk_url_is_on_the_list():
    from rathaus.desk.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    listed = {p.name for p in PAGES}
    assert names - listed - set(NOT_PAGES) == set(), "add these pages to PAGES"
    assert (listed | set(NOT_PAGES)) - names == set(), "gone from desk/urls.py"
    assert listed & set(NOT_PAGES) == set()


# ----- what is checked on each page ---------------------------------------------------------

# The outermost elements that stick out of the screen (their parent still fits), and every
# control of the header that is not wholly on it; hidden ones (the collapsed menu's links,
# screen-reader texts) do not count.
MEASURE = """() => {
    const width = window.innerWidth;
    const out = (box) => box.left < -0.5 || box.right > width + 0.5;
    const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
        + (typeof e.className === "string" && e.className.trim()
           ? "." + e.className.trim().split(/\\s+/).join(".") : "");
    const shown = (e) => e.checkVisibility() && e.getBoundingClientRect().width > 1;
    const wider = document.documentElement.scrollWidth - width;
    const culprits = wider <= 0 ? [] : [...document.querySelectorAll("body *")]
        .filter((e) => out(e.getBoundingClientRect())
            && !out(e.parentElement.getBoundingClientRect()))
        .slice(0, 3).map(name);
    const header = [...document.querySelectorAll(
        ".switcher, .switcher *, .desk-nav, .desk-nav summary, .desk-nav a, .desk-nav button")]
        .filter(shown).filter((e) => out(e.getBoundingClientRect())).map(name);
    // A column squeezed below its header's words: more lines than words in the header.
    const squeezed = [...document.querySelectorAll("main th")].filter(shown).filter((th) => {
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        const tops = new Set();
        let words = 0;
        while (walker.nextNode()) {
            const text = walker.currentNode;
            if (text.parentElement.closest(".visually-hidden") || !text.data.trim()) continue;
            words += text.data.trim().split(/[\\s-]+/).length;  // "E-Mail-" may end a line
            const range = document.createRange();
            range.selectNodeContents(text);
            for (const box of range.getClientRects()) tops.add(Math.round(box.top));
        }
        return tops.size > words;
    }).slice(0, 3).map((th) => th.textContent.trim());
    return {wider, culprits, header, squeezed,
            switcher: !!document.querySelector("#office-switch"),
            nav: !!document.querySelector(".desk-nav")};
}"""


def problems_at_phone_width(page) -> list[str]:
    """What is wrong with the page shown now at the phone's width."""
    found = page.evaluate(MEASURE)
    problems = []
    if found["wider"] > 0:
        problems.append(f"{found['wider']}px wider than the phone: {found['culprits']}")
    if found["squeezed"]:
        problems.append(f"table columns squeezed below their headers' words: {found['squeezed']}")
    if found["header"]:
        problems.append(f"cut off in the header: {found['header']}")
    if not (found["switcher"] and found["nav"]):
        problems.append("no office switch or no menu")
    return problems


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def _visit(page, base: str, rows: dict, who: str) -> dict[str, list[str]]:
    found = {}
    for entry in (p for p in PAGES if p.who == who):
        response = page.goto(base + entry.path(rows))
        assert response.status == 200, f"{entry.label()}: {response.status}"
        page.wait_for_load_state("networkidle")  # the menu's inbox count comes by htmx
        # What the menu and the page's details hide must fit as well.
        for details in page.locator("main details, .desk-nav details").all():
            details.evaluate("element => element.open = true")
        if problems := problems_at_phone_width(page):
            found[entry.label()] = problems
    return found


def _report(found: dict[str, list[str]]) -> str:
    return "Pages that do not fit a phone:\n" + "\n".join(
        f"- {label}: {'; '.join(problems)}" for label, problems in found.items()
    )


@pytest.mark.browser
def test_every_desk_page_fits_a_phone_for_the_chief(page, live_server, rows, chief):
    log_in(page, live_server.url, chief.username)
    found = _visit(page, live_server.url, rows, "chief")
    assert found == {}, _report(found)


@pytest.mark.browser
def test_the_inbox_pages_fit_a_phone_for_an_agent(page, live_server, rows, agent):
    log_in(page, live_server.url, agent.username)
    found = _visit(page, live_server.url, rows, "agent")
    assert found == {}, _report(found)


@pytest.mark.browser
def test_the_menu_folds_on_a_phone_and_stays_open_on_a_wide_screen(page, live_server, chief):
    log_in(page, live_server.url, chief.username)
    page.goto(f"{live_server.url}/desk/mitte/")
    summary = page.locator(".desk-nav summary")
    calendar = page.locator(".desk-nav").get_by_role("link", name="Kalender")
    expect(calendar).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")  # with the keyboard, as with a finger
    expect(calendar).to_be_visible()
    assert calendar.bounding_box()["x"] + calendar.bounding_box()["width"] <= PHONE["width"]
    assert violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    expect(summary).to_be_hidden()
    expect(calendar).to_be_visible()
    assert violations(page) == []


@pytest.mark.browser
def test_the_check_finds_a_page_wider_than_the_phone(page):
    """Control: a broken measurement would otherwise pass every page."""
    page.set_content(
        '<header><form class="switcher"><select id="office-switch"></select></form>'
        '<nav class="desk-nav"><a href="#">Menü</a></nav></header>'
        '<main><p style="width: 500px">breit</p></main>'
    )
    page.evaluate("document.body.style.margin = 0")
    (problem,) = problems_at_phone_width(page)
    assert problem.startswith("110px wider than the phone: ['p']")


# ----- the rows the pages show --------------------------------------------------------------


@pytest.fixture
def chief(office, other_office, office_admin):
    """Editor, approver and office admin of ``office``, and member of a second office with
    a long name: every link, form and the office switch show."""
    from rathaus.offices.models import Membership, Role

    for role in (Role.EDITOR, Role.APPROVER):
        Membership.objects.create(user=office_admin, office=office, role=role)
    Membership.objects.create(user=office_admin, office=other_office, role=Role.EDITOR)
    other_office.name = f"Ortsamt Musterstadt-Nord, Geschäftsstelle für {LONG_WORD}"
    other_office.save()
    return office_admin


@pytest.fixture
def rows(office, chief, editor, approver, agent, account, django_capture_on_commit_callbacks):
    """Everything the pages show, long on purpose (tests/browser/long_rows.py)."""
    from rathaus.offices.models import Membership, Role
    from tests.helpers import make_user

    Membership.objects.create(user=agent, office=office, role=Role.EDITOR)  # a name twice
    make_user("maximilian.mustermann-schulze-von-der-linden", office, Role.EDITOR, Role.AGENT)
    made = {"slug": office.slug}
    made |= fill_posts(office, editor, approver, django_capture_on_commit_callbacks)
    made |= fill_inbox(office, chief, agent)
    made |= fill_settings(office, agent)
    return made

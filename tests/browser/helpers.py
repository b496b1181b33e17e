"""What the browser tests do in a page: log in as a person does, ask axe-core for WCAG
findings, look for horizontal scrolling and unread error messages. Fixtures are in the
conftest."""


def log_in(page, base: str, username: str) -> None:
    """Sign in through allauth's form, as a person would, and wait for the desk."""
    from tests.helpers import PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/desk/" in url or "/2fa/" in url)
    if "/2fa/" in page.url:  # office admins log in with a second factor
        page.fill("input[name=code]", _current_code(username))
        page.press("input[name=code]", "Enter")
    page.wait_for_url(f"{base}/desk/**")


def _current_code(username: str) -> str:
    """The code the person's authenticator app would show now."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    from tests.helpers import totp_code

    totp = Authenticator.objects.get(user__username=username, type=Authenticator.Type.TOTP)
    return totp_code(decrypt(totp.data["secret"]))


WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def violations(page, options=WCAG_AA) -> list[str]:
    """axe-core's WCAG 2.1 A/AA findings on the page (or those of the rules ``options``
    name), each with the first elements it names."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=options)
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in result.response["violations"]
    ]


# Runs before any page script, in every document the page loads: collects the browser's own
# Content-Security-Policy reports (the page's own scripts cannot hide them from this).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class PolicyWatch:
    """Every CSP violation on ``page``: the ``securitypolicyviolation`` events of the
    document shown now and the console's reports of every document since the last look
    (a report of a page that redirected on is only in the console)."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._heard)
        page.add_init_script(CSP_LISTENER)

    def _heard(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def reports(self) -> list[str]:
        """What was reported since the last call."""
        found = self.page.evaluate("window.__cspViolations || []") + self.console
        self.page.evaluate("window.__cspViolations = []")
        self.console.clear()
        return found


PHONE = {"width": 375, "height": 812}


def phone_overflow(page) -> list[str]:
    """At a phone's 375 × 812 viewport: the page's width beyond the screen, and the
    elements that stick out furthest (empty when nothing needs horizontal scrolling)."""
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        page.wait_for_function("window.innerWidth === 375")
        wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wider <= 0:
            return []
        # The outermost elements that stick out: their parent still fits on the screen.
        culprits = page.evaluate(
            """() => [...document.querySelectorAll("body *")]
                .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5
                    && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
                .slice(0, 3)
                .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                     + (e.className && typeof e.className === "string"
                        ? "." + e.className.trim().split(/\\s+/).join(".") : ""))"""
        )
        return [f"{wider}px wider than the phone: {', '.join(culprits)}"]
    finally:
        page.set_viewport_size(desktop)


def description_problems(page) -> list[str]:
    """What axe does not check about form errors: every ``aria-describedby`` names elements
    that exist and say something, and every control marked invalid is described by its
    error message (class ``field-error``), so a screen reader reads why."""
    return page.evaluate(
        """() => {
        const problems = [];
        for (const control of document.querySelectorAll("[aria-describedby]")) {
            const name = control.id || control.getAttribute("name") || control.tagName;
            const ids = control.getAttribute("aria-describedby").split(/\\s+/);
            for (const id of ids) {
                const target = document.getElementById(id);
                if (!target || !target.textContent.trim()) {
                    problems.push(`${name} is described by #${id}, which is empty or missing`);
                }
            }
        }
        for (const control of document.querySelectorAll("[aria-invalid=true]")) {
            const ids = (control.getAttribute("aria-describedby") || "").split(/\\s+/);
            const own = control.closest("fieldset[aria-describedby]");
            if (own) ids.push(...own.getAttribute("aria-describedby").split(/\\s+/));
            const named = ids.map((id) => id && document.getElementById(id));
            if (!named.some((e) => e && e.classList.contains("field-error"))) {
                problems.push(`${control.id || control.name} is invalid without its error`);
            }
        }
        return problems;
    }"""
    )

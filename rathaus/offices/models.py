"""The office (Bezirksamt, Ortsamt, ...) is the tenant: every other record belongs to one."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import Signal
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rathaus.lib import german_names, richtext
from rathaus.lib.weburls import is_web_url
from rathaus.lib.working_hours import parse_working_hours

if TYPE_CHECKING:
    from django.http import HttpRequest

# Sent when an office's public content changed (publication, correction, withdrawal).
content_changed = Signal()

# Top-level URL segments that belong to Rathaus itself, not to an office's newsroom.
RESERVED_SLUGS = {
    "admin",
    "mail",
    "desk",
    "accounts",
    "static",
    "media",
    "api",
    "well-known",
    "i18n",
    "ap",
    "nodeinfo",
    "newsletter",  # /newsletter/bounces/<token>/
    # /de/<office>/ and /en/<office>/ choose the newsroom's language (newsroom/language.py).
    "de",
    "en",
}


def validate_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved."), params={"slug": value})


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone “%(tz)s”."), params={"tz": value})


# German states (ISO 3166-2:DE codes without "DE-"), as the holidays package names them.
STATES = [
    ("BW", "Baden-Württemberg"),
    ("BY", "Bayern"),
    ("BE", "Berlin"),
    ("BB", "Brandenburg"),
    ("HB", "Bremen"),
    ("HH", "Hamburg"),
    ("HE", "Hessen"),
    ("MV", "Mecklenburg-Vorpommern"),
    ("NI", "Niedersachsen"),
    ("NW", "Nordrhein-Westfalen"),
    ("RP", "Rheinland-Pfalz"),
    ("SL", "Saarland"),
    ("SN", "Sachsen"),
    ("ST", "Sachsen-Anhalt"),
    ("SH", "Schleswig-Holstein"),
    ("TH", "Thüringen"),
]


def validate_working_hours(value: dict) -> None:
    try:
        parse_working_hours(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def validate_web_url(value: str) -> None:
    # Shown to citizens as a link: only http(s), never javascript: or data:.
    if value and not is_web_url(value):
        raise ValidationError(
            _("Enter a web address starting with https:// (or http://)."), code="web_url"
        )


def installation_url() -> str:
    """The installation's own address, ``https://<RATHAUS_FEDERATION_DOMAIN>`` (http with
    RATHAUS_FEDERATION_ALLOW_HTTP): every newsroom is served there too, so it is the
    documented default of an office that sets no public base URL."""
    scheme = "http" if settings.FEDERATION_ALLOW_HTTP else "https"
    return f"{scheme}://{settings.FEDERATION_DOMAIN}"


def default_working_hours() -> dict:
    """Monday to Friday, 8 to 16 o'clock."""
    return {str(day): [["08:00", "16:00"]] for day in range(5)}


class NameGender(models.TextChoices):
    MASCULINE = "masculine", _("der (e.g. der Landkreis)")
    FEMININE = "feminine", _("die (e.g. die Stadtverwaltung)")
    NEUTER = "neuter", _("das (e.g. das Bezirksamt)")
    NONE = "none", _("no article (e.g. Musterstadt)")


class AccessibilityStatus(models.TextChoices):
    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class AccessibilityMethod(models.TextChoices):
    SELF = "self", _("self-assessment")
    THIRD_PARTY = "third_party", _("assessment by a third party")


class Office(models.Model):
    class Kind(models.TextChoices):
        BEZIRKSAMT = "bezirksamt", _("District office (Bezirksamt)")
        ORTSAMT = "ortsamt", _("Local office (Ortsamt)")
        STADTVERWALTUNG = "stadtverwaltung", _("City administration (Stadtverwaltung)")
        GEMEINDE = "gemeinde", _("Municipality (Gemeindeverwaltung)")
        LANDKREIS = "landkreis", _("District (Landkreis)")
        OTHER = "other", _("Other public body")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    slug = models.SlugField(_("slug"), unique=True, validators=[validate_slug])
    public_base_url = models.URLField(
        _("public base URL"),
        blank=True,
        help_text=_(
            "Where the newsroom is reachable, e.g. https://presse.example.de. Every link to "
            "the newsroom starts with it (without it: the installation's own address). Posts "
            "to platforms need it."
        ),
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    imprint = models.TextField(_("imprint"), help_text=_("Impressum, shown on the newsroom."))
    privacy_contact = models.TextField(
        _("privacy contact"), help_text=_("Data-protection officer and privacy notice text.")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    office_hours = models.TextField(_("office hours"), blank=True)
    emergency_skips_approval = models.BooleanField(
        _("emergency warnings may skip approval"),
        default=False,
        help_text=_(
            "If set, an emergency warning can be published without a second person. "
            "Such publications are flagged in the log and the desk."
        ),
    )
    # The citizen inbox: how long closed conversations keep personal data, the rules for
    # public comments, and the hours response-time targets count in.
    retention_days = models.PositiveIntegerField(
        _("keep closed conversations for (days)"),
        default=180,
        help_text=_("Then names, addresses, texts and photos are removed; counts stay."),
    )
    netiquette = models.TextField(
        _("netiquette"),
        blank=True,
        help_text=_("Rules for comments, shown on the newsroom; moderation refers to them."),
    )
    working_hours = models.JSONField(
        _("working hours"),
        default=default_working_hours,
        validators=[validate_working_hours],
        help_text=_(
            'Per weekday (0 = Monday) a list of ["HH:MM", "HH:MM"] periods; response-time '
            "targets count only these hours."
        ),
    )
    holiday_region = models.CharField(
        _("state for public holidays"),
        max_length=2,
        choices=STATES,
        default="BE",
        help_text=_("Holidays of this state do not count towards response times."),
    )
    # Citizens' messages carry names and addresses: by default only the people who answer
    # them (agents, office admins) read the inbox; an office may open it to the press team.
    inbox_open_to_editors = models.BooleanField(
        _("editors and approvers may read the inbox"),
        default=False,
        help_text=_(
            "If set, editors and approvers open citizens' conversations (with their names "
            "and addresses) and write internal notes; answering stays with agents and office "
            "admins."
        ),
    )
    # Office admins (and staff) must always use a second factor; this extends it to all.
    require_two_factor = models.BooleanField(
        _("members must use two-factor login"),
        default=False,
        help_text=_(
            "Office admins always must. If set, every member of this office has to set up "
            "an authenticator app before they can use the desk."
        ),
    )
    # The name in German sentences ("an das Bezirksamt …", "des Bezirksamts …"): the gender
    # chooses the article, the genitive form is what differs (lib.german_names).
    name_gender = models.CharField(
        _("article of the name"),
        max_length=10,
        choices=NameGender.choices,
        blank=True,
        help_text=_(
            "Chooses the article where the name stands in a sentence: “an das Bezirksamt "
            "Mitte”, “von der Stadtverwaltung Musterstadt”. Empty: guessed from the name."
        ),
    )
    name_genitive = models.CharField(
        _("name in the genitive"),
        max_length=200,
        blank=True,
        help_text=_(
            "The name as it reads after “des” or “der”, e.g. “Bezirksamts Mitte” or "
            "“Landkreises Harburg”. Empty: guessed from the name."
        ),
    )
    # The accessibility statement (Erklärung zur Barrierefreiheit, BITV 2.0 § 7 and the EU's
    # model statement): public at /<office>/barrierefreiheit/ and linked from every page.
    accessibility_status = models.CharField(
        _("conformity with BITV 2.0"),
        max_length=10,
        choices=AccessibilityStatus.choices,
        blank=True,
    )
    accessibility_limitations = models.TextField(
        _("content that is not accessible"),
        blank=True,
        help_text=_("What is not accessible and why; one point per paragraph."),
    )
    accessibility_method = models.CharField(
        _("how conformity was assessed"),
        max_length=12,
        choices=AccessibilityMethod.choices,
        default=AccessibilityMethod.SELF,
    )
    accessibility_statement_date = models.DateField(
        _("statement prepared on"), null=True, blank=True
    )
    accessibility_enforcement_body = models.TextField(
        _("enforcement body"),
        blank=True,
        help_text=_(
            "Name and address of the state's arbitration or enforcement body, e.g. "
            "“Schlichtungsstelle nach § 16 BGG”."
        ),
    )
    accessibility_enforcement_url = models.CharField(
        _("web address of the enforcement body"),
        max_length=2000,
        blank=True,
        validators=[validate_web_url],
    )
    # Pages BITV 2.0 § 4 expects of public bodies: Leichte Sprache and sign language (DGS).
    easy_language_text = models.TextField(
        _("text in Leichte Sprache"),
        blank=True,
        help_text=_("Markdown, as a post's text. Empty: no page in Leichte Sprache."),
    )
    sign_language_video_url = models.CharField(
        _("address of the sign-language video"),
        max_length=2000,
        blank=True,
        validators=[validate_web_url],
        help_text=_(
            "A video in German Sign Language (DGS) on the office's own server. The newsroom "
            "links to it and embeds nothing from other hosts."
        ),
    )
    sign_language_transcript = models.TextField(
        _("what the video says"),
        blank=True,
        help_text=_("The video's content as text, for everyone who cannot watch it."),
    )
    # Bumped on every publication so cached newsroom pages of this office expire at once.
    content_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name

    def _declined(self, case: german_names.Case) -> str:
        # The German forms only where the page is German: English reads the name as it is.
        language = get_language()
        if language and not language.startswith("de"):
            return self.name
        return german_names.declined(
            self.name, case, gender=self.name_gender, genitive=self.name_genitive
        )

    @property
    def name_nominative(self) -> str:
        """ "das Bezirksamt Mitte" (in German; the name in other languages)."""
        return self._declined("nominative")

    @property
    def name_accusative(self) -> str:
        """ "das Bezirksamt Mitte", as after "an": "Nachricht an das Bezirksamt Mitte"."""
        return self._declined("accusative")

    @property
    def name_dative(self) -> str:
        """ "dem Bezirksamt Mitte", as after "von": "der Newsletter von dem Bezirksamt …"."""
        return self._declined("dative")

    @property
    def name_genitive_phrase(self) -> str:
        """ "des Bezirksamts Mitte": "die Website des Bezirksamts Mitte"."""
        return self._declined("genitive")

    @property
    def easy_language_html(self) -> str:
        return richtext.render(self.easy_language_text) if self.easy_language_text else ""

    @property
    def has_easy_language(self) -> bool:
        return bool(self.easy_language_text.strip())

    @property
    def has_sign_language(self) -> bool:
        return bool(self.sign_language_video_url)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def public_url(self, path: str = "", *, request: HttpRequest | None = None) -> str:
        """``path`` (a newsroom page, an image's JPEG) as the absolute address everyone
        links to, never a relative one: on the office's public base URL; without one on the
        host ``request`` asked for, else on the installation's own address
        (:func:`installation_url`). Platforms get only the first: a connector refuses to
        post for an office without a public base URL rather than link to a default host."""
        if self.public_base_url:
            return f"{self.public_base_url.rstrip('/')}{path}"
        if request is not None:
            return request.build_absolute_uri(path or "/")
        return f"{installation_url()}{path}"

    def touch(self, *, everything: bool = False, standing: bool = False) -> None:
        """The office's public content changed. ``everything``: something on every public
        page (its footer, the newsletter link), so every rendered page is rendered again;
        ``standing``: a page that lists no posts (the FAQ)."""
        Office.objects.filter(pk=self.pk).update(content_version=models.F("content_version") + 1)
        content_changed.send(sender=Office, office=self, everything=everything, standing=standing)


class Role(models.TextChoices):
    """Roles as a social-media guideline (Dienstanweisung) defines them."""

    EDITOR = "editor", _("Editor")
    APPROVER = "approver", _("Approver")
    AGENT = "agent", _("Agent")
    ADMIN = "admin", _("Office admin")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "office", "role"], name="one_role_once")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.office} ({self.get_role_display()})"

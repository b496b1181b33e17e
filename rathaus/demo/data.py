"""What `manage.py load_demo` creates: two offices, their people and a dozen posts.

Plain data only; the command in management/commands/load_demo.py turns it into records
through the lifecycle verbs. Times are relative to the day the demo is first loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rathaus.demo import access_texts
from rathaus.offices.models import Office, Role

# One password for every demo account. It is printed on start: a demo, never production.
PASSWORD = "rathaus-demo-2026"  # noqa: S105 (published on purpose, demo only)
# Office admins must log in with a second factor: the demo admins share this published TOTP
# secret, printed on start to be added to an authenticator app. A demo, never production.
TOTP_SECRET = "RATHAUSDEMOTOTPSECRETDEMOONLY234"  # noqa: S105 (demo only)

MITTE = {
    "slug": "mitte",
    "name": "Bezirksamt Musterstadt-Mitte",
    "kind": Office.Kind.BEZIRKSAMT,
    "tagline": "Pressestelle und Bürgerinformation des Bezirks Musterstadt-Mitte",
    "time_zone": "Europe/Berlin",
    "imprint": (
        "Bezirksamt Musterstadt-Mitte\n"
        "Rathausplatz 1, 12345 Musterstadt\n"
        "Telefon: 0123 456-0, E-Mail: pressestelle@mitte.musterstadt.example\n\n"
        "Das Bezirksamt ist eine Behörde der Freien Stadt Musterstadt und wird vertreten "
        "durch die Bezirksamtsleiterin Dr. Johanna Beispiel.\n"
        "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV: "
        "Martin Muster, Leiter der Pressestelle (Anschrift wie oben).\n"
        "Umsatzsteuer-Identifikationsnummer: entfällt (hoheitliche Tätigkeit)."
    ),
    "privacy_contact": (
        "Datenschutzbeauftragte des Bezirksamts Musterstadt-Mitte: Frau Sabine Sorgfalt, "
        "Rathausplatz 1, 12345 Musterstadt, datenschutz@mitte.musterstadt.example, "
        "Telefon 0123 456-789.\n\n"
        "Dieser Newsroom setzt keine Tracking-Cookies und bindet keine Inhalte Dritter ein. "
        "Zugriffe werden ohne IP-Adresse protokolliert und nach sieben Tagen gelöscht. "
        "Beschwerden können Sie an die Landesbeauftragte für Datenschutz richten."
    ),
    "office_hours": (
        "Bürgeramt: Mo 8–14 Uhr, Di und Do 10–18 Uhr, Fr 8–12 Uhr\n"
        "Pressestelle: Mo–Fr 9–16 Uhr, Telefon 0123 456-100"
    ),
}

NORD = {
    "slug": "nord",
    "name": "Ortsamt Musterstadt-Nord",
    "kind": Office.Kind.ORTSAMT,
    "tagline": "Ortsamt und Beirat für die Stadtteile im Norden",
    "time_zone": "Europe/Berlin",
    "imprint": (
        "Ortsamt Musterstadt-Nord\nMarktstraße 7, 12399 Musterstadt\n"
        "Ortsamtsleitung: Petra Probe, ortsamt@nord.musterstadt.example"
    ),
    "privacy_contact": (
        "Datenschutzbeauftragter: Herr Daniel Datenschutz, Marktstraße 7, "
        "12399 Musterstadt, datenschutz@nord.musterstadt.example"
    ),
    "office_hours": "Mo–Do 9–12 Uhr, Do zusätzlich 14–17 Uhr",
}
# Accessibility statement, Leichte Sprache, sign language and the names' German forms.
MITTE |= access_texts.MITTE
NORD |= access_texts.NORD

# username → (office slug, roles, first name, last name, is_staff)
USERS = {
    "redaktion": ("mitte", [Role.EDITOR], "Rita", "Redaktion", False),
    "freigabe": ("mitte", [Role.APPROVER], "Frank", "Freigabe", False),
    "buergerdialog": ("mitte", [Role.AGENT], "Birgit", "Dialog", False),
    "admin": ("mitte", [Role.ADMIN], "Achim", "Verwaltung", True),
    # Nord needs two people as well: the four-eyes rule holds in every office.
    "nord": ("nord", [Role.APPROVER, Role.ADMIN], "Nora", "Nord", True),
    "nord.redaktion": ("nord", [Role.EDITOR], "Nils", "Nord", False),
}
# Fediverse username → (office slug, display name, categories it publishes; [] = all)
# Xing has no posting API: the demo's page shows the prepared text and share link on the desk.
XING_PAGE = "https://www.xing.com/pages/bezirksamt-musterstadt-mitte"

FEDIVERSE_ACCOUNTS = {
    "presse": ("mitte", "Bezirksamt Mitte – Pressestelle", []),
    "baumschutz": ("mitte", "Bezirksamt Mitte – Baumschutz", ["short_notice"]),
    "ortsamt_nord": ("nord", "Ortsamt Nord", []),
}
EDITORS = {"mitte": "redaktion", "nord": "nord.redaktion"}
APPROVERS = {"mitte": "freigabe", "nord": "nord"}


@dataclass
class DemoPost:
    office: str
    title: str
    body: str
    category: str
    # "published" (with days_ago), "scheduled" (tomorrow 09:00), "in_review", "sent_back"
    # (with the approver's reason) or "draft"
    state: str = "published"
    reason: str = ""
    days_ago: float = 0
    tags: list[str] = field(default_factory=list)
    place_name: str = ""
    latitude: str | None = None
    longitude: str | None = None
    event_in_days: int | None = None  # the meeting's day, 18:00–21:00 local time
    image: dict | None = None


POSTS = [
    DemoPost(
        "mitte",
        "Spielplatz im Lindenpark nach Umbau wieder geöffnet",
        "Nach fünf Monaten Bauzeit ist der Spielplatz im **Lindenpark** wieder für alle "
        "Kinder geöffnet. Neu sind eine barrierefreie Nestschaukel, ein Wasserspiel und "
        "schattige Sitzplätze für Eltern und Großeltern.\n\n"
        "Die Kinder aus der Kita Sonnenblume und der Grundschule am Park haben die Geräte "
        "in zwei Beteiligungsrunden mit ausgesucht. Die Kosten von 310.000 Euro trägt zum "
        "größten Teil das Förderprogramm *Lebendige Quartiere*.\n\n"
        "Bezirksamtsleiterin Dr. Johanna Beispiel: „Hier zeigt sich, was herauskommt, wenn "
        "die Menschen im Stadtteil mitplanen.“",
        "press_release",
        days_ago=2,
        tags=["Spielplätze", "Grünflächen"],
        place_name="Lindenpark, Eingang Parkstraße",
        image={
            "name": "lindenpark-spielplatz.png",
            "alt_text": "Zeichnung: eine grüne Wiese mit einem großen Laubbaum, daneben eine "
            "rote Schaukel unter blauem Himmel.",
            "author": "Pressestelle Bezirksamt Musterstadt-Mitte",
            "licence": "CC BY 4.0",
        },
    ),
    DemoPost(
        "mitte",
        "Öffentliche Bekanntmachung: Bebauungsplan Mitte 27 „Am Güterbahnhof“",
        "Der Entwurf des Bebauungsplans **Mitte 27** mit Begründung und Umweltbericht liegt "
        "gemäß § 3 Abs. 2 Baugesetzbuch einen Monat lang öffentlich aus.\n\n"
        "- Ort: Bezirksamt, Fachamt Stadt- und Landschaftsplanung, Raum 2.14\n"
        "- Zeit: zu den Öffnungszeiten des Bezirksamts\n"
        "- Online: im Beteiligungsportal der Stadt\n\n"
        "Während der Auslegung kann jede Person Stellungnahmen schriftlich oder zur "
        "Niederschrift abgeben. Nicht fristgerecht abgegebene Stellungnahmen können bei der "
        "Beschlussfassung unberücksichtigt bleiben.",
        "notice",
        days_ago=20,
        tags=["Bauleitplanung"],
    ),
    DemoPost(
        "mitte",
        "Marktplatz neu gestalten: Ihre Meinung ist gefragt",
        "Der Marktplatz soll grüner, schattiger und barrierefrei werden. Bevor geplant wird, "
        "möchten wir wissen, was Ihnen wichtig ist: mehr Bäume, Sitzgelegenheiten, Platz "
        "für den Wochenmarkt oder Fahrradbügel?\n\n"
        "Die Online-Beteiligung läuft vier Wochen. Wer lieber vor Ort mitredet, ist zur "
        "**Planungswerkstatt** am Samstag im Bürgerhaus eingeladen. Alle Beiträge werden "
        "ausgewertet und in einem Bericht veröffentlicht.",
        "participation",
        days_ago=12,
        tags=["Beteiligung", "Marktplatz"],
    ),
    DemoPost(
        "mitte",
        "Bürgeramt: Termine jetzt auch kurzfristig online buchen",
        "Ab sofort gibt das Bürgeramt täglich um 7:30 Uhr zusätzliche Termine für denselben "
        "Tag frei. Sie können sie online oder telefonisch unter 0123 456-115 buchen.\n\n"
        "Bitte bringen Sie zu Ihrem Termin einen gültigen Ausweis und, bei einer Ummeldung, "
        "die Wohnungsgeberbestätigung mit. Reisepässe können nach etwa drei Wochen abgeholt "
        "werden.",
        "service",
        days_ago=5,
        tags=["Bürgeramt"],
    ),
    DemoPost(
        "mitte",
        "Öffentliche Sitzung der Bezirksversammlung",
        "Die Bezirksversammlung tagt öffentlich. Auf der Tagesordnung stehen unter anderem:\n\n"
        "1. Fragestunde für Einwohnerinnen und Einwohner\n"
        "2. Haushalt: Verteilung der Sondermittel für Stadtteilkultur\n"
        "3. Antrag: Tempo 30 vor der Grundschule am Park\n"
        "4. Bericht des Bezirksamts zur Nutzung sozialer Netzwerke\n\n"
        "Gäste sind willkommen; der Saal ist barrierefrei erreichbar. Die vollständige "
        "Tagesordnung und die Drucksachen finden Sie im Ratsinformationssystem.",
        "meeting",
        days_ago=3,
        tags=["Bezirksversammlung"],
        place_name="Rathaus Mitte, Großer Sitzungssaal",
        event_in_days=9,
    ),
    DemoPost(
        "mitte",
        "Bezirksversammlung beschließt: Bezirksamt geht in soziale Netzwerke",
        "Die Bezirksversammlung hat mehrheitlich beschlossen, dass das Bezirksamt "
        "Pressemitteilungen, öffentliche Bekanntmachungen, Beteiligungsverfahren und "
        "Termine der Ausschüsse künftig auch in sozialen Netzwerken veröffentlicht.\n\n"
        "Grundlage ist eine Dienstanweisung mit klaren Rollen: Die Redaktion schreibt, eine "
        "zweite Person gibt frei, und Fragen von Bürgerinnen und Bürgern werden innerhalb "
        "von zwei Werktagen beantwortet. Das Original jeder Meldung steht in diesem Newsroom, "
        "auch für Menschen ohne Konto bei einer Plattform.",
        "resolution",
        days_ago=16,
        tags=["Bezirksversammlung", "Digitalisierung"],
    ),
    DemoPost(
        "mitte",
        "Baumfällung in der Lindenallee",
        "Am **Montag** werden in der Lindenallee zwischen Hausnummer 12 und 18 zwei Linden "
        "gefällt. Ein Gutachten hat Pilzbefall am Stammfuß festgestellt; die Bäume sind nicht "
        "mehr standsicher.\n\nIm Herbst werden an gleicher Stelle drei junge Winterlinden "
        "gepflanzt. Während der Arbeiten ist der Gehweg von 8 bis 15 Uhr gesperrt.",
        "short_notice",
        days_ago=1,
        tags=["Bäume", "Grünflächen"],
        place_name="Lindenallee 12–18",
        latitude="53.551086",
        longitude="9.993682",
    ),
    DemoPost(
        "mitte",
        "Bahnhofstraße: Vollsperrung wegen Kanalbauarbeiten",
        "Wegen der Erneuerung eines Abwasserkanals ist die Bahnhofstraße zwischen "
        "Kirchplatz und Gartenweg ab Montag für voraussichtlich sechs Wochen voll gesperrt. "
        "Die Umleitung ist ausgeschildert.\n\nFuß- und Radverkehr kann die Baustelle auf der "
        "Ostseite passieren. Die Buslinie 4 hält ersatzweise am Gartenweg.",
        "short_notice",
        days_ago=8,
        tags=["Straßenbau", "Verkehr"],
        place_name="Bahnhofstraße, zwischen Kirchplatz und Gartenweg",
        latitude="53.553412",
        longitude="10.006912",
    ),
    DemoPost(
        "mitte",
        "Unwetterwarnung: schwere Sturmböen am Abend",
        "Der Wetterdienst warnt für heute ab 18 Uhr vor **schweren Sturmböen bis 100 km/h**.\n\n"
        "- Meiden Sie Parks, Friedhöfe und Alleen.\n"
        "- Sichern Sie lose Gegenstände auf Balkonen.\n"
        "- Notruf bei Gefahr: 112.\n\n"
        "Die Wochenmärkte schließen heute um 16 Uhr. Wir informieren hier, sobald die "
        "Warnung aufgehoben ist.",
        "emergency",
        days_ago=27,
        tags=["Warnung", "Wetter"],
    ),
    DemoPost(
        "mitte",
        "Das Bezirksamt startet seinen eigenen Newsroom",
        "Alle Meldungen des Bezirksamts stehen ab heute an einem Ort: in diesem Newsroom. "
        "Er ist ohne Anmeldung, ohne Tracking und barrierearm lesbar, mit RSS-Feed und "
        "Terminkalender zum Abonnieren.\n\nVon hier aus gehen die Meldungen auch an unsere "
        "Konten in sozialen Netzwerken. Das Original bleibt immer hier.",
        "press_release",
        days_ago=34,
        tags=["Digitalisierung"],
    ),
    DemoPost(
        "mitte",
        "Sperrmüll im Quartier: Abholtermine im Frühjahr",
        "Die Stadtreinigung holt im Frühjahr in allen Quartieren des Bezirks kostenlos "
        "Sperrmüll ab. Bitte stellen Sie Möbel und Elektrogeräte erst am Vorabend an die "
        "Straße und halten Sie Gehwege frei.\n\nDie Termine für Ihre Straße finden Sie im "
        "Abfallkalender.",
        "service",
        state="scheduled",
        tags=["Stadtreinigung"],
    ),
    DemoPost(
        "mitte",
        "Einladung zur Einwohnerversammlung zum Radverkehrskonzept",
        "Das Bezirksamt stellt den Entwurf des Radverkehrskonzepts vor und beantwortet "
        "Fragen. Anmeldung ist nicht nötig.",
        "participation",
        state="in_review",
        tags=["Verkehr", "Beteiligung"],
    ),
    DemoPost(
        "mitte",
        "Neue Sprechzeiten im Bürgeramt ab Januar",
        "Ab Januar öffnet das Bürgeramt dienstags und donnerstags bis 18 Uhr. Termine "
        "können Sie online buchen.",
        "service",
        state="sent_back",
        reason="Bitte den Link zur Terminbuchung ergänzen und das genaue Startdatum nennen.",
    ),
    DemoPost(
        "mitte",
        "Entwurf: Weihnachtsmarkt auf dem Rathausplatz",
        "Text folgt – Öffnungszeiten und Programm noch mit dem Veranstalter abstimmen.",
        "press_release",
        state="draft",
    ),
    DemoPost(
        "nord",
        "Beiratssitzung Nord: Schulwegsicherung auf der Tagesordnung",
        "Der Beirat Nord berät in seiner nächsten öffentlichen Sitzung über sichere "
        "Schulwege im Ortsteil. Anwohnerinnen und Anwohner haben Rederecht.",
        "meeting",
        days_ago=4,
        place_name="Ortsamt Nord, Sitzungsraum",
        event_in_days=6,
    ),
    DemoPost(
        "nord",
        "Ortsamt Nord am Brückentag geschlossen",
        "Am Freitag nach Christi Himmelfahrt bleibt das Ortsamt geschlossen. In dringenden "
        "Fällen hilft das Bürgeramt Mitte.",
        "service",
        days_ago=10,
    ),
]


# The inbox: a few citizens' messages through the contact form, so the queue is not empty.
# (email address, name, text, title of the post it is about or "")
CONVERSATIONS = [
    (
        "anwohnerin@example.org",
        "Anna Anwohnerin",
        "Guten Tag, werden für die gefällten Linden in der Lindenallee neue Bäume gepflanzt? "
        "Und wann?",
        "",
    ),
    (
        "",
        "",
        "Der Spielplatz ist toll geworden! Gibt es auch Sonnensegel über dem Sandkasten?",
        "Spielplatz im Lindenpark nach Umbau wieder geöffnet",
    ),
    (
        "b.buerger@example.org",
        "Bernd Bürger",
        "Vor meinem Haus in der Marktstraße 12 ist seit zwei Wochen ein Schlagloch. Wer ist "
        "dafür zuständig?",
        "",
    ),
]
# Text templates follow the answer mail's rule (contact.mails): a template that greets and
# closes (a whole answer) keeps its own greeting and closing, and the mail adds none; one
# that does neither (a paragraph to insert) gets both from the mail. {office_hours} gives
# whole lines, so it stands on a line of its own.
TEXT_TEMPLATES = {
    "Eingangsbestätigung": (
        "Guten Tag {name},\n\nvielen Dank für Ihre Nachricht (Vorgangsnummer {reference}). "
        "Wir kümmern uns darum und melden uns so bald wie möglich.\n\n"
        "Sie erreichen uns zu diesen Zeiten:\n{office_hours}\n\n"
        "Mit freundlichen Grüßen\n{agent}\n{office}"
    ),
    "Öffnungszeiten": (
        "Persönlich erreichen Sie uns zu diesen Zeiten:\n{office_hours}\n\n"
        "Bitte nennen Sie dabei Ihre Vorgangsnummer {reference}."
    ),
}
NETIQUETTE = (
    "Wir freuen uns über Fragen, Hinweise und Kritik.\n\n"
    "1. Bleiben Sie sachlich und respektvoll. Beleidigungen, Drohungen und Hetze entfernen wir.\n"
    "2. Keine Werbung und kein Spam.\n"
    "3. Keine persönlichen Daten anderer Menschen.\n\n"
    "Beiträge, die gegen diese Regeln verstoßen, blenden wir aus und nennen die Regel."
)
# The FAQ on the newsroom: (question, answer, published). The last one an agent suggested
# from an answer; it waits on the desk's settings for an approver or office admin.
FAQ = [
    (
        "Wie beantrage ich einen Anwohnerparkausweis?",
        "Online über das Serviceportal oder im Bürgeramt. Sie brauchen Ihren Personalausweis "
        "und den Fahrzeugschein; die Gebühr beträgt 10,20 € im Jahr.",
        True,
    ),
    (
        "Wer ist für Schlaglöcher und Gehwegschäden zuständig?",
        "Das Straßen- und Grünflächenamt. Schreiben Sie uns über das Kontaktformular, am besten "
        "mit Foto und Hausnummer; wir geben es weiter und nennen Ihnen die Vorgangsnummer.",
        True,
    ),
    (
        "Warum werden Bäume gefällt?",
        "Nur wenn ein Gutachten zeigt, dass ein Baum nicht mehr standsicher ist, oder für eine "
        "genehmigte Baumaßnahme. Jede Fällung kündigen wir vorher als Kurzmeldung an; für jeden "
        "gefällten Baum wird nachgepflanzt.",
        True,
    ),
    (
        "Kann ich Sperrmüll beim Bezirksamt anmelden?",
        "Nein, Sperrmüll holt die Stadtreinigung ab: Termine gibt es online oder telefonisch.",
        False,
    ),
]
# A second team, response-time targets per category beside the default, and the days the
# office is closed beyond the public holidays (month, day and note, in the current year).
SECOND_TEAM = "Presse"
TARGETS = {"emergency": (1, 8), "participation": (16, 80)}
CLOSURE_DAYS = [(12, 24, "Heiligabend"), (12, 31, "Silvester")]
# The press office's weekly slots: (weekday 0 = Monday, hour, category, label)
FIXED_SLOTS = [(1, 10, "press_release", "Pressemitteilung"), (4, 9, "service", "Wochenvorschau")]
NEWSLETTER = {"enabled": True, "sender_name": "Bezirksamt Musterstadt-Mitte"}

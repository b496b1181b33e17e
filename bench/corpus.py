"""Made-up but realistic German municipal news, from word lists, for the search benchmark.

A seeded random generator makes the same corpus and queries on every run, so numbers from
SQLite and PostgreSQL (and from one day to the next) compare.
"""

from __future__ import annotations

import random

STREET_STEMS = [
    "Linden",
    "Birken",
    "Eichen",
    "Kastanien",
    "Ahorn",
    "Bahnhof",
    "Markt",
    "Kirch",
    "Schul",
    "Garten",
    "Mühlen",
    "Hafen",
    "Wiesen",
    "Berg",
    "Rosen",
    "Tannen",
    "Uhland",
    "Goethe",
    "Schiller",
    "Lessing",
    "Humboldt",
    "Fontane",
    "Heine",
    "Brahms",
    "Mozart",
    "Kant",
    "Leibniz",
    "Bergmann",
    "Fischer",
    "Weber",
    "Schmiede",
    "Brunnen",
    "Feld",
    "Wald",
    "Sonnen",
    "Stern",
    "Rathaus",
    "Post",
    "Kloster",
    "Burg",
    "Turm",
    "Brücken",
    "Deich",
    "Moor",
    "Heide",
    "Ulmen",
    "Eschen",
    "Weiden",
    "Pappel",
]
STREET_KINDS = ["straße", "weg", "allee", "platz", "ring", "damm", "gasse", "stieg"]
QUARTERS = [
    "Altstadt",
    "Nordviertel",
    "Südstadt",
    "Oststadt",
    "Westend",
    "Hafenviertel",
    "Neustadt",
    "Bahnhofsviertel",
    "Lindenhof",
    "Sonnenhang",
    "Mühlenkamp",
    "Rosenau",
    "Wiesengrund",
    "Kirchdorf",
    "Heideblick",
]
PLACES = [
    "Bürgerhaus",
    "Rathaus, Großer Sitzungssaal",
    "Stadtteilbibliothek",
    "Grundschule am Park",
    "Gemeindezentrum",
    "Jugendfreizeitheim",
    "Sporthalle",
    "Volkshochschule",
]
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"]

# category → (titles, sentences); {s} street, {q} quarter, {p} place, {d} weekday, {n} number
TOPICS = {
    "short_notice": (
        [
            "Baumfällung in der {s}",
            "Sperrung der {s} wegen Bauarbeiten",
            "Kanalbau: Vollsperrung {s}",
            "Fahrbahnsanierung im {q}",
            "Leitungsarbeiten in der {s}",
        ],
        [
            "Am {d} werden in der {s} {n} Bäume gefällt, weil sie nicht mehr standsicher sind.",
            "Ein Gutachten hat Pilzbefall und Totholz in der Krone festgestellt.",
            "Als Ersatz werden im Herbst junge Winterlinden und Hainbuchen gepflanzt.",
            "Die Umleitung über die {s} ist ausgeschildert.",
            "Der Gehweg bleibt während der Arbeiten von 7 bis 16 Uhr gesperrt.",
            "Die Buslinie {n} hält ersatzweise an der Haltestelle {s}.",
            "Die Fahrbahndecke wird auf {n}00 Metern erneuert.",
            "Anwohnende erreichen ihre Grundstücke jederzeit zu Fuß.",
        ],
    ),
    "notice": (
        [
            "Öffentliche Bekanntmachung: Bebauungsplan {q} {n}",
            "Planfeststellung für den Ausbau der {s}",
            "Bekanntmachung der Wahlbezirke im {q}",
            "Allgemeinverfügung zur Sondernutzung der {s}",
        ],
        [
            "Der Entwurf des Bebauungsplans liegt gemäß § 3 Abs. 2 BauGB einen Monat aus.",
            "Stellungnahmen können schriftlich oder zur Niederschrift abgegeben werden.",
            "Die Unterlagen sind auch im Beteiligungsportal einsehbar.",
            "Die Auslegung erfolgt im {p} zu den üblichen Öffnungszeiten.",
            "Verspätet eingegangene Stellungnahmen können unberücksichtigt bleiben.",
            "Die Allgemeinverfügung gilt ab dem Tag nach ihrer Bekanntmachung.",
        ],
    ),
    "participation": (
        [
            "Beteiligung: Neugestaltung des Platzes an der {s}",
            "Planungswerkstatt für den Spielplatz im {q}",
            "Radverkehrskonzept {q}: Ihre Meinung ist gefragt",
            "Bürgerbeteiligung zum Lärmaktionsplan",
        ],
        [
            "Alle Bürgerinnen und Bürger sind eingeladen, ihre Ideen einzubringen.",
            "Die Online-Beteiligung läuft vier Wochen.",
            "Eine Planungswerkstatt findet am {d} im {p} statt.",
            "Kinder und Jugendliche werden in eigenen Workshops beteiligt.",
            "Die Ergebnisse werden ausgewertet und veröffentlicht.",
            "Gewünscht sind mehr Bäume, Sitzbänke, Fahrradbügel und Schatten.",
        ],
    ),
    "service": (
        [
            "Bürgeramt {q}: geänderte Öffnungszeiten",
            "Sperrmüllabfuhr im {q}",
            "Reisepass und Personalausweis rechtzeitig beantragen",
            "Wertstoffhof an der {s} am {d} geschlossen",
            "Kita-Anmeldung für das neue Kitajahr",
        ],
        [
            "Termine können online oder telefonisch gebucht werden.",
            "Bitte bringen Sie einen gültigen Ausweis und die Meldebescheinigung mit.",
            "Die Bearbeitungszeit für Reisepässe beträgt derzeit etwa drei Wochen.",
            "Sperrmüll darf erst am Vorabend an die Straße gestellt werden.",
            "Elektrogeräte und Sondermüll nimmt der Wertstoffhof an.",
            "Das Bürgeramt im {q} ist am {d} bis 18 Uhr geöffnet.",
            "Für die Anmeldung in der Kindertagesstätte ist ein Kita-Gutschein nötig.",
        ],
    ),
    "meeting": (
        [
            "Sitzung der Bezirksversammlung am {d}",
            "Beiratssitzung {q}",
            "Ausschuss für Verkehr und Umwelt tagt",
            "Einwohnerfragestunde im {p}",
        ],
        [
            "Die Sitzung ist öffentlich, Gäste sind willkommen.",
            "Auf der Tagesordnung stehen die Haushaltsmittel für Stadtteilkultur.",
            "Beraten wird auch über Tempo 30 vor der Schule an der {s}.",
            "Die Drucksachen stehen im Ratsinformationssystem.",
            "Die Sitzung beginnt um 18 Uhr im {p}.",
            "Einwohnerinnen und Einwohner haben Rederecht zu Beginn der Sitzung.",
        ],
    ),
    "resolution": (
        [
            "Bezirksversammlung beschließt Drucksache {n}-{n}{n}",
            "Beschluss: Tempo 30 in der {s}",
            "Beirat {q} fordert sichere Schulwege",
            "Haushalt: Sondermittel für Vereine im {q} bewilligt",
        ],
        [
            "Der Antrag wurde mehrheitlich angenommen.",
            "Das Bezirksamt wird gebeten, bis zum Jahresende zu berichten.",
            "Der Beschluss wurde einstimmig bei zwei Enthaltungen gefasst.",
            "Die Verwaltung prüft die Umsetzung mit der Verkehrsbehörde.",
            "Die Fraktionen begründeten ihren Antrag mit der Sicherheit der Kinder.",
        ],
    ),
    "press_release": (
        [
            "Neuer Spielplatz im {q} eröffnet",
            "Bezirksamt startet Pflanzaktion in der {s}",
            "Stadtteilfest im {q} am {d}",
            "Sanierung der Turnhalle an der {s} abgeschlossen",
            "Bezirksamtsleitung besucht Vereine im {q}",
        ],
        [
            "Nach {n} Monaten Bauzeit steht die Anlage wieder allen offen.",
            "Die Kosten von {n}00.000 Euro trägt ein Förderprogramm.",
            "„Hier zeigt sich, was Beteiligung bewirkt“, sagte die Bezirksamtsleiterin.",
            "Ehrenamtliche haben {n}0 Stunden mitgeholfen.",
            "Das Fest beginnt um 14 Uhr mit Musik, Spielen und einem Flohmarkt.",
            "Die Turnhalle ist barrierefrei und energetisch saniert.",
        ],
    ),
    "emergency": (
        [
            "Unwetterwarnung: Sturmböen im Bezirk",
            "Hochwasserwarnung für das {q}",
            "Warnung vor Glatteis am {d}",
            "Hitzewarnung: Trinkwasserstellen geöffnet",
        ],
        [
            "Der Wetterdienst warnt vor schweren Sturmböen bis 100 km/h.",
            "Meiden Sie Parks, Friedhöfe und Alleen.",
            "Sichern Sie lose Gegenstände auf Balkonen und Terrassen.",
            "Bei Gefahr wählen Sie den Notruf 112.",
            "Sandsäcke werden am {p} ausgegeben.",
            "Trinken Sie ausreichend und achten Sie auf ältere Nachbarn.",
        ],
    ),
}


def _fill(text: str, rng: random.Random) -> str:
    return text.format(
        s=rng.choice(STREET_STEMS) + rng.choice(STREET_KINDS),
        q=rng.choice(QUARTERS),
        p=rng.choice(PLACES),
        d=rng.choice(WEEKDAYS),
        n=rng.randint(2, 9),
    )


def post_text(rng: random.Random) -> tuple[str, str, str]:
    """(category, title, Markdown body) of one made-up post."""
    category = rng.choice(list(TOPICS))
    titles, sentences = TOPICS[category]
    paragraphs = [
        " ".join(_fill(s, rng) for s in rng.sample(sentences, k=rng.randint(2, 3)))
        for _ in range(rng.randint(2, 3))
    ]
    return category, _fill(rng.choice(titles), rng), "\n\n".join(paragraphs)


def queries(rng: random.Random, count: int = 200) -> list[str]:
    """What readers type: topic words, streets, two-word combinations, rare and absent words."""
    topic_words = [
        "Baumfällung",
        "Sperrung",
        "Bebauungsplan",
        "Sitzung",
        "Beirat",
        "Unwetter",
        "Sturmböen",
        "Spielplatz",
        "Bürgeramt",
        "Reisepass",
        "Sperrmüll",
        "Kita",
        "Schulwege",
        "Radverkehrskonzept",
        "Haushalt",
        "Tempo",
        "Hochwasser",
        "Glatteis",
        "Wertstoffhof",
        "Planungswerkstatt",
        "Umleitung",
        "Turnhalle",
        "Stadtteilfest",
        "Bezirksversammlung",
        "Drucksache",
        "Beteiligung",
        "Kanalbau",
        "Fahrbahnsanierung",
        "Hitzewarnung",
        "Öffnungszeiten",
        "Bäume",
        "Ehrenamtliche",
        "Allgemeinverfügung",
        "Sandsäcke",
        "Personalausweis",
    ]
    found = []
    for n in range(count):
        kind = n % 10
        if kind < 3:
            found.append(rng.choice(topic_words))
        elif kind < 5:
            found.append(" ".join(rng.sample(topic_words, 2)))
        elif kind < 7:
            found.append(rng.choice(STREET_STEMS) + rng.choice(STREET_KINDS))
        elif kind == 7:
            street = rng.choice(STREET_STEMS) + rng.choice(STREET_KINDS)
            found.append(f"{rng.choice(topic_words)} {street}")
        elif kind == 8:
            found.append(f"{rng.choice(QUARTERS)} {rng.choice(topic_words)}")
        else:
            found.append(rng.choice(["Zeppelinlandeplatz", "Marsmission", "Weltraumbahnhof"]))
    return found

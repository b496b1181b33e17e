"""The demo offices' accessibility statements, their pages in Leichte Sprache and sign
language, and how their names decline: realistic German text, so the newsroom's footer,
front page and settings show what an office would publish."""

from __future__ import annotations

from datetime import date

MITTE = {
    "name_gender": "neuter",
    "name_genitive": "Bezirksamts Musterstadt-Mitte",
    "accessibility_status": "partial",
    "accessibility_limitations": (
        "Ältere Bekanntmachungen (vor 2024) sind als PDF-Dateien eingebunden, die nicht "
        "barrierefrei sind. Wir stellen sie nach und nach als Text bereit; bis dahin senden "
        "wir Ihnen den Inhalt auf Anfrage in zugänglicher Form.\n\n"
        "Einige Videos von Sitzungen der Bezirksverordnetenversammlung haben noch keine "
        "Untertitel. Die Beschlüsse stehen jeweils als Text in der Meldung.\n\n"
        "Karten zu Baustellen und Sperrungen sind Bilder; die betroffenen Straßen nennt der "
        "Text der Meldung."
    ),
    "accessibility_statement_date": date(2026, 9, 15),
    "accessibility_method": "self",
    "accessibility_enforcement_body": (
        "Landesbeauftragte für digitale Barrierefreiheit der Freien Stadt Musterstadt\n"
        "Senatskanzlei, Am Markt 1, 12340 Musterstadt\n"
        "Telefon: 0123 400-2020, E-Mail: barrierefreiheit@senat.musterstadt.example"
    ),
    "accessibility_enforcement_url": "https://www.musterstadt.example/digitale-barrierefreiheit",
    "easy_language_text": (
        "## Das Bezirks·amt Musterstadt-Mitte\n\n"
        "Das Bezirks·amt ist ein Amt für die Menschen in Musterstadt-Mitte.\n"
        "Hier arbeiten viele Menschen.\n"
        "Sie helfen Ihnen bei vielen Sachen.\n\n"
        "## Was macht das Bezirks·amt?\n\n"
        "- Sie bekommen hier einen Personal·ausweis.\n"
        "- Sie können hier sagen: Ich wohne jetzt in Mitte.\n"
        "- Das Bezirks·amt kümmert sich um Parks und Spiel·plätze.\n"
        "- Das Bezirks·amt sagt Bescheid, wenn eine Straße gesperrt ist.\n\n"
        "## Auf dieser Internet·seite\n\n"
        "Hier stehen Nachrichten vom Bezirks·amt.\n"
        "Zum Beispiel: Wo gibt es eine Baustelle?\n"
        "Oder: Wann ist eine Sitzung?\n\n"
        "## So erreichen Sie uns\n\n"
        "Sie können uns eine Nachricht schreiben.\n"
        "Dafür gibt es auf dieser Internet·seite ein Kontakt·formular.\n"
        "Sie können uns auch anrufen: 0123 456-0\n\n"
        "Sie können auch zu uns kommen:\n"
        "Rathaus·platz 1, 12345 Musterstadt"
    ),
    # On the office's own server: the newsroom links it and embeds nothing.
    "sign_language_video_url": "https://mitte.musterstadt.example/videos/dgs-willkommen.mp4",
    "sign_language_transcript": (
        "Herzlich willkommen beim Bezirksamt Musterstadt-Mitte. In diesem Video erklären wir "
        "in Deutscher Gebärdensprache, welche Informationen Sie auf dieser Website finden: "
        "aktuelle Meldungen, Termine von Sitzungen und Veranstaltungen, Bekanntmachungen und "
        "unser Kontaktformular. Über das Kontaktformular können Sie uns schreiben; wir "
        "antworten schriftlich. Auf Wunsch vermitteln wir für Ihren Termin im Bürgeramt eine "
        "Gebärdensprachdolmetscherin oder einen Gebärdensprachdolmetscher."
    ),
}

NORD = {
    "name_gender": "neuter",
    "name_genitive": "Ortsamts Musterstadt-Nord",
    "accessibility_status": "full",
    "accessibility_statement_date": date(2026, 6, 1),
    "accessibility_method": "third_party",
    "accessibility_enforcement_body": (
        "Schlichtungsstelle nach § 16 BGG\n"
        "bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit "
        "Behinderungen\nMauerstraße 53, 10117 Berlin"
    ),
    "accessibility_enforcement_url": "https://www.schlichtungsstelle-bgg.de/",
}

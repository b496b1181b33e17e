"""What citizens type into a newsroom's search, and which posts they mean by it.

POSTS are the news of a made-up district office (key → title, text). QUERIES pair what a
reader types with *every* post of POSTS that reader wants, judged by a person reading the
posts, not by what the search finds: recall counts the wanted posts found, precision the
found posts wanted. A query with no wanted post must find nothing.

Typed as citizens type: without umlauts or ß (ue, ss), in the plural, a part of a
compound ("Sperrung" for "Vollsperrung", "Sturm" for "Sturmböen").
"""

POSTS = {
    "baustelle_bahnhof": (
        "Baustelle in der Bahnhofstraße",
        "Ab Montag richten die Stadtwerke in der Bahnhofstraße eine Baustelle ein. Die "
        "Wasserleitung wird erneuert; der Verkehr wird einspurig an der Baustelle vorbeigeführt.",
    ),
    "baustellen_sommer": (
        "Bauarbeiten in den Sommerferien: ein Überblick",
        "In den Sommerferien sind mehrere Baustellen geplant: Kanalbau in der Goethestraße und "
        "Fahrbahnerneuerung am Schillerring.",
    ),
    "vollsperrung_ring": (
        "Vollsperrung des Nordrings am Wochenende",
        "Wegen der Fahrbahnsanierung ist der Nordring von Samstag 6 Uhr bis Sonntag 20 Uhr "
        "nicht befahrbar. Die Umleitung ist ausgeschildert.",
    ),
    "marathon": (
        "Straßensperrungen zum Stadtmarathon",
        "Am Sonntag sind zwischen 8 und 14 Uhr zahlreiche Straßen im Zentrum nicht befahrbar. "
        "Planen Sie mehr Zeit ein.",
    ),
    "sitzung_beirat": (
        "Öffentliche Sitzung des Beirats am Donnerstag",
        "Der Beirat tagt am Donnerstag um 18 Uhr im Bürgerhaus. Auf der Tagesordnung stehen der "
        "Haushalt und der Radverkehr.",
    ),
    "sitzung_bauausschuss": (
        "Bauausschuss: Tagesordnung der nächsten Sitzung",
        "Der Ausschuss für Bau und Umwelt berät über den Bebauungsplan Mühlenkamp.",
    ),
    "ratssitzung": (
        "Ratssitzung mit Bürgerfragestunde",
        "In der nächsten Ratssitzung können Bürgerinnen und Bürger Fragen an die Verwaltung "
        "stellen.",
    ),
    "spielplatz_linden": (
        "Neuer Spielplatz im Lindenpark eröffnet",
        "Kinder können ab sofort die neue Kletterlandschaft nutzen. Der Spielplatz hat einen "
        "Wasserspielbereich und schattige Sitzbänke.",
    ),
    "spielplaetze_pruefung": (
        "Spielplätze werden geprüft",
        "Der TÜV kontrolliert in dieser Woche alle 24 Spielplätze im Bezirk. Einzelne Geräte "
        "können kurzzeitig gesperrt sein.",
    ),
    "sturm_warnung": (
        "Unwetterwarnung: Sturmböen im ganzen Bezirk",
        "Der Deutsche Wetterdienst warnt vor Sturmböen bis 100 km/h. Meiden Sie Parks, Friedhöfe "
        "und Alleen.",
    ),
    "sturmschaeden": (
        "Aufräumen nach dem Unwetter",
        "Der Bauhof beseitigt umgestürzte Bäume. Melden Sie Sturmschäden an öffentlichen "
        "Bäumen über das Kontaktformular.",
    ),
    "buergeramt_zeiten": (
        "Bürgeramt: neue Öffnungszeiten ab Januar",
        "Das Bürgeramt im Rathaus ist ab Januar montags bis freitags von 8 bis 18 Uhr geöffnet. "
        "Termine können online gebucht werden.",
    ),
    "buergeramt_zu": (
        "Bürgeramt Süd am Freitag geschlossen",
        "Wegen einer Personalversammlung bleibt das Bürgeramt Süd am Freitag geschlossen. "
        "Dringende Anliegen nimmt das Bürgeramt Mitte an.",
    ),
    "reisepass": (
        "Reisepass rechtzeitig beantragen",
        "Vor den Sommerferien steigt die Nachfrage nach Reisepässen und Personalausweisen. "
        "Beantragen Sie Ihren Pass mindestens sechs Wochen vor der Reise.",
    ),
    "faellung_kastanien": (
        "Baumfällung in der Kastanienallee",
        "Zwei kranke Kastanien müssen gefällt werden, weil sie nicht mehr standsicher sind. Im "
        "Herbst werden neue Bäume gepflanzt.",
    ),
    "faellarbeiten_park": (
        "Fällarbeiten im Stadtpark",
        "Im Stadtpark werden ab Montag 14 Bäume gefällt, die von einem Pilz befallen sind. Die "
        "Wege sind während der Arbeiten gesperrt.",
    ),
    "sperrmuell": (
        "Sperrmüll: Abholung jetzt online anmelden",
        "Die Abholung von Sperrmüll kann ab sofort über das Serviceportal angemeldet werden.",
    ),
    "wertstoffhof": (
        "Wertstoffhof Nord zieht um",
        "Der Wertstoffhof an der Hafenstraße schließt Ende März. Ab April ist er im "
        "Gewerbegebiet Nord geöffnet.",
    ),
    "gruenschnitt": (
        "Grünschnitt kostenlos abgeben",
        "Im Oktober nimmt der Wertstoffhof Laub und Grünschnitt kostenlos an.",
    ),
    "kita": (
        "Neue Kita in der Südstadt",
        "Die Kindertagesstätte an der Rosenstraße bietet 80 Plätze. Anmeldungen nimmt das "
        "Jugendamt entgegen.",
    ),
    "haushalt": (
        "Haushalt 2027 beschlossen",
        "Die Bezirksversammlung hat den Haushaltsplan für 2027 verabschiedet. Schwerpunkte sind "
        "Schulen und Radwege.",
    ),
    "radweg": (
        "Radweg an der Lindenallee wird verbreitert",
        "Der Radweg wird auf zwei Meter verbreitert. Während der Bauarbeiten wird der "
        "Radverkehr auf die Fahrbahn geleitet.",
    ),
    "hochwasser": (
        "Hochwasserwarnung für die Altstadt",
        "Der Pegel steigt weiter. Sandsäcke werden am Bauhof ausgegeben.",
    ),
    "glatteis": (
        "Glatteis: Streudienst im Einsatz",
        "Der Winterdienst streut seit 4 Uhr die Hauptverkehrsstraßen. Gehwege räumen die Anlieger.",
    ),
    "hitze": (
        "Hitzewarnung: Trinkwasserstellen geöffnet",
        "An zwölf Trinkwasserstellen gibt es kostenloses Wasser. Achten Sie auf ältere Nachbarn.",
    ),
    "schulweg": (
        "Sicherer Schulweg an der Grundschule Am Markt",
        "Ein neuer Zebrastreifen und Tempo 30 machen den Schulweg sicherer.",
    ),
    "bebauungsplan": (
        "Bebauungsplan Mühlenkamp: Beteiligung startet",
        "Bis zum 15. März können Bürgerinnen und Bürger Stellungnahmen zum Bebauungsplan "
        "abgeben. Die Pläne liegen im Rathaus aus.",
    ),
    "stadtteilfest": (
        "Stadtteilfest auf dem Marktplatz",
        "Am Samstag feiert die Altstadt ihr Stadtteilfest mit Musik, Flohmarkt und Spielen für "
        "Kinder.",
    ),
    "wahlhelfer": (
        "Wahlhelferinnen und Wahlhelfer gesucht",
        "Für die Bundestagswahl sucht das Wahlamt noch 200 Helferinnen und Helfer.",
    ),
    "strassenbahn": (
        "Straßenbahnlinie 4: Ersatzverkehr mit Bussen",
        "Wegen Gleisarbeiten fahren zwischen Hauptbahnhof und Rathaus Busse statt Straßenbahnen.",
    ),
    "bruecke": (
        "Brückensanierung an der Deichstraße",
        "Die Brücke über den Mühlenbach wird saniert. Fußgänger können einen Behelfssteg nutzen.",
    ),
    "laermschutz": (
        "Lärmschutzwand an der Bahnstrecke",
        "Die Deutsche Bahn baut eine Lärmschutzwand entlang der Gleise im Nordviertel.",
    ),
    "friedhof": (
        "Friedhof Heideblick: neue Grabfelder",
        "Auf dem Friedhof Heideblick werden jetzt auch Baumgräber angeboten.",
    ),
    "stelle_standesamt": (
        "Wir suchen Verstärkung für das Standesamt",
        "Das Standesamt sucht zum 1. Mai eine Sachbearbeiterin oder einen Sachbearbeiter in "
        "Vollzeit.",
    ),
    "trauungen": (
        "Trauungen im Rathausturm",
        "Das Standesamt bietet ab Mai Trauungen im historischen Rathausturm an.",
    ),
    "freibad": (
        "Freibad Westend öffnet am 1. Juni",
        "Das Freibad startet in die Saison. Kinder bis 12 Jahre schwimmen kostenlos.",
    ),
    "parkgebuehren": (
        "Parkgebühren in der Innenstadt steigen",
        "Ab Juli kostet eine Stunde Parken in der Innenstadt 2 Euro.",
    ),
    "bahnhofsvorplatz": (
        "Umgestaltung des Bahnhofsvorplatzes",
        "Der Vorplatz des Bahnhofs bekommt Bäume, Bänke und Fahrradbügel.",
    ),
    "fundsachen": (
        "Fundbüro versteigert Fahrräder",
        "Nicht abgeholte Fundsachen wie Fahrräder werden am Samstag im Hof des Rathauses "
        "versteigert.",
    ),
}

# query → every post of POSTS its reader wants.
QUERIES = {
    # The seven of the issue.
    "Baustellen": {"baustelle_bahnhof", "baustellen_sommer"},
    "Sitzungen": {"sitzung_beirat", "sitzung_bauausschuss", "ratssitzung"},
    "Spielplätze": {"spielplatz_linden", "spielplaetze_pruefung"},
    "Sperrung": {"vollsperrung_ring", "marathon"},
    "Sturm": {"sturm_warnung", "sturmschaeden"},
    "Bahnhofstrasse": {"baustelle_bahnhof"},
    "Buergeramt": {"buergeramt_zeiten", "buergeramt_zu"},
    # Umlauts and ß typed in ASCII, or the other way round.
    "Spielplaetze": {"spielplatz_linden", "spielplaetze_pruefung"},
    "oeffnungszeiten buergeramt": {"buergeramt_zeiten"},
    "Sperrmuell": {"sperrmuell"},
    "Gruenschnitt": {"gruenschnitt"},
    "Parkgebuehren": {"parkgebuehren"},
    "Laermschutzwand": {"laermschutz"},
    "Bruecke": {"bruecke"},
    "Muehlenkamp": {"sitzung_bauausschuss", "bebauungsplan"},
    "Strassenbahn": {"strassenbahn"},
    "Goethestrasse Kanalbau": {"baustellen_sommer"},
    "Fussgaenger": {"bruecke"},
    "Baeume": {
        "faellung_kastanien",
        "faellarbeiten_park",
        "sturmschaeden",
        "bahnhofsvorplatz",
    },
    "Bürgeramt Süd": {"buergeramt_zu"},
    # Inflected forms.
    "Baustelle Bahnhofstraße": {"baustelle_bahnhof"},
    "Sitzung": {"sitzung_beirat", "sitzung_bauausschuss", "ratssitzung"},
    "Spielplatz": {"spielplatz_linden", "spielplaetze_pruefung"},
    "Kitas": {"kita"},
    "Radwege": {"radweg", "haushalt"},
    "Straßenbahnen": {"strassenbahn"},
    "Sandsack": {"hochwasser"},
    "Reisepässe": {"reisepass"},
    "Pässe": {"reisepass"},
    "Fahrrad": {"fundsachen", "bahnhofsvorplatz"},
    "Trauung": {"trauungen"},
    "Bäume gefällt": {"faellung_kastanien", "faellarbeiten_park"},
    "Termin Bürgeramt": {"buergeramt_zeiten"},
    "Helferin Wahl": {"wahlhelfer"},
    # Parts of compounds, at the start or the end.
    "Sperrungen": {"vollsperrung_ring", "marathon"},
    "Marathon": {"marathon"},
    "Warnung": {"sturm_warnung", "hochwasser", "hitze"},
    "Unwetter": {"sturm_warnung", "sturmschaeden"},
    "Fragestunde": {"ratssitzung"},
    "Hitze": {"hitze"},
    "Trinkwasser": {"hitze"},
    "Haushalt": {"haushalt", "sitzung_beirat"},
    "Wahlhelfer": {"wahlhelfer"},
    "Helfer": {"wahlhelfer"},
    "Hochwasser": {"hochwasser"},
    "Schulweg": {"schulweg"},
    "Radverkehr": {"radweg", "sitzung_beirat"},
    "Fällung": {"faellung_kastanien", "faellarbeiten_park"},
    "Bahnhof": {"bahnhofsvorplatz", "strassenbahn"},
    "Sanierung": {"vollsperrung_ring", "bruecke"},
    # Plain words.
    "Wertstoffhof": {"wertstoffhof", "gruenschnitt"},
    "Glatteis": {"glatteis"},
    "Winterdienst": {"glatteis"},
    "Zebrastreifen": {"schulweg"},
    "Bebauungsplan": {"bebauungsplan", "sitzung_bauausschuss"},
    "Beteiligung Mühlenkamp": {"bebauungsplan"},
    "Stadtteilfest": {"stadtteilfest"},
    "Flohmarkt": {"stadtteilfest"},
    "Ersatzverkehr": {"strassenbahn"},
    "Gleisarbeiten": {"strassenbahn"},
    "Friedhof Heideblick": {"friedhof"},
    "Standesamt": {"stelle_standesamt", "trauungen"},
    "Sachbearbeiterin": {"stelle_standesamt"},
    "Freibad": {"freibad"},
    "Parken Innenstadt": {"parkgebuehren"},
    "Fundbüro": {"fundsachen"},
    "Personalausweis": {"reisepass"},
    "Jugendamt": {"kita"},
    "Umleitung": {"vollsperrung_ring"},
    "Nordring": {"vollsperrung_ring"},
    "Tagesordnung": {"sitzung_beirat", "sitzung_bauausschuss"},
    "Wetterdienst": {"sturm_warnung"},
    "Laub": {"gruenschnitt"},
    # Near misses that must not be found: other words sharing letters, every word needed.
    "Sitzbänke": {"spielplatz_linden"},
    "Rathausturm": {"trauungen"},
    "Sturmschäden": {"sturmschaeden"},
    "Wasserleitung": {"baustelle_bahnhof"},
    "Kastanien": {"faellung_kastanien"},
    "Sperrmüll Kita": set(),
    "Weltraumbahnhof": set(),
    "Zeppelinlandeplatz": set(),
    "Spielplatz Hochwasser": set(),
    "Bürgeramt Nord": set(),
}

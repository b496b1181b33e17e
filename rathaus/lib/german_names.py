"""An office's name as a German sentence needs it: "an das Bezirksamt Mitte", "von der
Stadtverwaltung", "die Website des Bezirksamts Mitte".

An office sets two things: the gender of the name's head noun (it chooses the article) and,
where it differs, the name as it reads after "des"/"der" (the genitive, "Bezirksamts Mitte",
"Landkreises Harburg"). Left empty, both are guessed from the name's first word, whose last
part decides in a German compound ("Bezirks|amt" is neuter, "Stadt|verwaltung" feminine).
The other cases follow: German nouns no longer change in the
dative and accusative, and a feminine noun phrase reads the same in genitive and dative
("der Freien Hansestadt Bremen"), so the genitive form serves there too. Masculine and
neuter names with an adjective ("das Neue Rathaus" → "dem Neuen Rathaus") are the one case
this gets wrong; such names are rare among offices.
"""

from __future__ import annotations

from typing import Literal

Case = Literal["nominative", "accusative", "dative", "genitive"]
Gender = Literal["", "masculine", "feminine", "neuter", "none"]

ARTICLES: dict[str, dict[str, str]] = {
    "masculine": {"nominative": "der", "accusative": "den", "dative": "dem", "genitive": "des"},
    "feminine": {"nominative": "die", "accusative": "die", "dative": "der", "genitive": "der"},
    "neuter": {"nominative": "das", "accusative": "das", "dative": "dem", "genitive": "des"},
}

# Endings of the head nouns public bodies are named by, by gender.
_ENDINGS = {
    "neuter": ("amt", "haus", "ministerium", "büro", "referat", "dezernat", "zentrum"),
    "feminine": ("verwaltung", "gemeinde", "behörde", "kanzlei", "stelle", "kammer"),
    "masculine": ("kreis", "rat", "senat", "bezirk", "magistrat"),
}
# "-stadt" ends the names of cities too, which take no article ("Darmstadt"): only these.
_CITIES = {"stadt", "hansestadt", "kreisstadt", "landeshauptstadt", "bundesstadt"}


def guessed_gender(name: str) -> str:
    """The gender of ``name``'s first word by its ending, "" when no ending is known."""
    first = name.split()[0].lower() if name.split() else ""
    if first in _CITIES:
        return "feminine"
    for gender, endings in _ENDINGS.items():
        if first.endswith(endings):
            return gender
    return ""


def guessed_genitive(name: str, gender: str) -> str:
    """``name`` as it reads after "des": the first word takes -s, or -es after a hissing
    sound ("Bezirksamts Mitte", "Landkreises Harburg"); feminine names stay as they are."""
    words = name.split(maxsplit=1)
    if gender not in ("masculine", "neuter") or not words:
        return name
    first = words[0]
    first += "es" if first.endswith(("s", "ß", "x", "z")) else "s"
    return " ".join([first, *words[1:]])


def declined(name: str, case: Case, *, gender: Gender | str = "", genitive: str = "") -> str:
    """``name`` with its article in ``case``. An empty ``gender`` or ``genitive`` is guessed;
    gender "none" (a name such as "Musterstadt" takes no article) gives the name alone, in
    the genitive its genitive form if one is given."""
    name, genitive = name.strip(), genitive.strip()
    gender = gender or guessed_gender(name)
    genitive = genitive or guessed_genitive(name, gender)
    uses_genitive_form = case == "genitive" or (case == "dative" and gender == "feminine")
    noun = genitive if uses_genitive_form and genitive else name
    article = ARTICLES.get(gender, {}).get(case, "")
    return f"{article} {noun}" if article else noun

"""Measure how workshops are picked from what people write on the list of workshops.

    python -m tools.measure_picks FILE.csv [--wrong] [--part tuning|kept]

FILE.csv has the header ``text,language,topic``; ``topic`` is one of the keys of
``WORKSHOPS``. Fourteen workshops are listed, one per topic, with the French title and
description an organiser would write. Each message is read as the list screen reads it
(``handlers.machinery.router``): the reading in the person's language on a list, a choice
number picks its line, then a workshop named or described (``core.understanding.describing``)
when the reading may be a description. Prints, overall, per language and per topic: picked
right, asked between two including the right one, picked wrong (another workshop: the
dangerous case), nothing picked. Only with ``--wrong`` are the messages read wrongly printed.
``--part kept`` reads only the quarter kept apart (the SHA-1 of the text is 0 modulo 4),
``--part tuning`` the other three quarters, the part lists and scores may be tuned on.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

WORKSHOPS: dict[str, tuple[str, str]] = {
    "smartphone": (
        "Prendre en main son smartphone",
        "Allumer, appeler, envoyer un message, régler l'écran : les gestes de base, à son rythme.",
    ),
    "email": (
        "Envoyer et recevoir des e-mails",
        "Créer une adresse, écrire un message, joindre un document et trier sa boîte de réception.",
    ),
    "admin_online": (
        "Faire ses démarches en ligne",
        "CAF, impôts, Ameli, retraite : créer son compte et se connecter avec FranceConnect.",
    ),
    "video_calls": (
        "Appeler ses proches en vidéo",
        "Voir et parler à sa famille à distance, depuis un téléphone ou une tablette.",
    ),
    "whatsapp": (
        "Bien utiliser WhatsApp",
        "Envoyer des messages, des photos et des messages vocaux, rejoindre un groupe.",
    ),
    "security": (
        "Protéger ses données personnelles",
        "Mots de passe, arnaques par SMS et par e-mail, réglages de confidentialité : les bons "
        "réflexes.",
    ),
    "social_networks": (
        "Les réseaux sociaux en sécurité",
        "Facebook, Instagram : ce que l'on partage, avec qui, et comment régler son compte.",
    ),
    "apps": (
        "Installer les applications utiles",
        "Trouver, installer et mettre à jour une application sans se tromper.",
    ),
    "parental_control": (
        "Le contrôle parental expliqué aux parents",
        "Régler le téléphone, la tablette et la box pour protéger ses enfants.",
    ),
    "business": (
        "Les outils numériques pour créer son entreprise",
        "Site, réseaux, facturation en ligne : les outils gratuits pour démarrer.",
    ),
    "cv_job": (
        "Rédiger son CV et chercher un emploi",
        "Mettre en page son CV, postuler en ligne et suivre ses candidatures.",
    ),
    "computer_basics": (
        "Débuter sur ordinateur",
        "La souris, le clavier, les fichiers et les dossiers : premiers pas sur un ordinateur.",
    ),
    "internet_basics": (
        "Naviguer sur Internet",
        "Faire une recherche, utiliser un navigateur, se connecter au wifi et reconnaître un "
        "site fiable.",
    ),
    "photos": (
        "Ranger et partager ses photos",
        "Prendre de belles photos, les trier en albums et les envoyer à ses proches.",
    ),
}
"""One workshop per topic, in the order of the list on show."""
KEYS = tuple(WORKSHOPS)

RIGHT, ASKED, WRONG, NOTHING = "right", "asked", "wrong", "nothing"
OUTCOMES = (RIGHT, ASKED, WRONG, NOTHING)
NAMES = {
    RIGHT: "picked right",
    ASKED: "asked between two, the right one among them",
    WRONG: "picked wrong (another workshop)",
    NOTHING: "nothing picked (or asked without the right one)",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """One message: its language and topic, and what the list screen did with it."""

    text: str
    language: str
    topic: str
    got: str
    picked: str
    """The topic of the workshop picked, or the two asked about ('a|b'), or ''."""
    intent: str


def pick(text: str, language: str) -> tuple[str, str, str]:
    """What the list screen does with a message: (outcome kind, workshops, reading)."""
    from core.understanding.describing import (
        NOTHING,
        described,
        may_pick,
        one_stands_for_a_workshop,
    )
    from core.understanding.intents import TextIntent, opt_out_of, read
    from core.understanding.screens import SCREEN, Expects, Screen, read_on

    titles = tuple(title for title, _ in WORKSHOPS.values())
    floor = read(text, language)
    reading = read_on(text, Screen(Expects.LIST, titles, len(titles)), language, floor)
    if opt_out_of(text, reading=read(text)) is not None:
        return "none", "", "stop/start"  # read before anything else, in any state
    one = reading.number == 1 and one_stands_for_a_workshop(text, language)
    number = reading.number if reading.intent == TextIntent.NUMBER else None
    if number is not None and not one:
        numbered = KEYS[number - 1] if 1 <= number <= len(KEYS) else ""
        if numbered and reading.by == SCREEN and may_pick(floor, text, language, listed=True):
            # a number inside a sentence that describes another workshop: both are offered
            found = described(text, list(WORKSHOPS.values()), language)
            indexes = found.between or ((found.chosen,) if found.chosen is not None else ())
            others = [KEYS[i] for i in indexes]
            if others and numbered not in others:
                return "two", f"{numbered}|{others[0]}", reading.intent
        return "one", numbered, reading.intent
    if may_pick(reading, text, language, one=one, listed=True):
        found = described(text, list(WORKSHOPS.values()), language)
    else:
        found = NOTHING
    if number is not None and not found.found:  # "the one", nothing described: the number
        return "one", KEYS[number - 1] if 1 <= number <= len(KEYS) else "", reading.intent
    if not found.found:
        return "none", "", reading.intent
    if found.chosen is not None:
        return "one", KEYS[found.chosen], reading.intent
    if found.between is not None:
        return "two", "|".join(KEYS[i] for i in found.between), reading.intent
    return "none", "", reading.intent


PARTS = ("all", "tuning", "kept")


def kept_apart(text: str) -> bool:
    """Whether a message is in the quarter kept apart: the SHA-1 of its text is 0 modulo 4."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 4 == 0


def outcomes(path: Path, part: str = "all") -> list[Outcome]:
    """Every message of the file (or of one part), read on the list of the fourteen
    workshops."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if part != "all":
        rows = [row for row in rows if kept_apart(row["text"]) == (part == "kept")]
    out = []
    for row in rows:
        topic = row["topic"].strip()
        if topic not in WORKSHOPS:
            raise SystemExit(f"unknown topic {topic!r}: one of {', '.join(KEYS)}")
        kind, picked, intent = pick(row["text"], row["language"].strip())
        if kind == "one":
            got = RIGHT if picked == topic else (WRONG if picked else NOTHING)
        elif kind == "two":
            got = ASKED if topic in picked.split("|") else NOTHING
        else:
            got = NOTHING
        out.append(Outcome(row["text"], row["language"].strip(), topic, got, picked, intent))
    return out


def _line(name: str, group: list[Outcome]) -> str:
    counts = Counter(outcome.got for outcome in group)
    total = len(group) or 1
    cells = "  ".join(
        f"{kind} {100 * counts[kind] / total:5.1f} % ({counts[kind]:>3})" for kind in OUTCOMES
    )
    return f"  {name:<17} {len(group):>4}  {cells}"


def report(results: list[Outcome], *, wrong: bool) -> str:
    lines = [f"{len(results)} messages, read on a list of {len(WORKSHOPS)} workshops"]
    lines.extend(f"  {kind}: {NAMES[kind]}" for kind in OUTCOMES)
    lines.append(_line("all", results))
    by_language: dict[str, list[Outcome]] = defaultdict(list)
    by_topic: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in results:
        by_language[outcome.language].append(outcome)
        by_topic[outcome.topic].append(outcome)
    lines.append("per language")
    lines.extend(_line(language, group) for language, group in sorted(by_language.items()))
    lines.append("per topic")
    lines.extend(_line(topic, by_topic[topic]) for topic in KEYS if topic in by_topic)
    if wrong:
        lines.append("read wrongly (picked wrong, then nothing picked)")
        for kind in (WRONG, NOTHING):
            for outcome in results:
                if outcome.got == kind:
                    lines.append(
                        f"  [{outcome.language}] {outcome.topic:<16} {kind:<7} "
                        f"got {outcome.picked or '-':<28} ({outcome.intent}) {outcome.text}"
                    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="CSV with header text,language,topic")
    parser.add_argument("--wrong", action="store_true", help="also print the texts read wrongly")
    parser.add_argument(
        "--part", choices=PARTS, default="all", help="the kept quarter, or the tuning part"
    )
    args = parser.parse_args(argv)
    print(report(outcomes(args.file, args.part), wrong=args.wrong))
    return 0


if __name__ == "__main__":
    sys.exit(main())

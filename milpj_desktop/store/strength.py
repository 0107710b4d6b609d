"""How hard a passphrase is to guess (zxcvbn fed with French words), explained in French."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from zxcvbn import zxcvbn  # type: ignore[import-untyped]

from milpj_desktop.store.words_fr import WORDS

MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn's 0–4 scale: 3 means about 10⁸ guesses or more
_SCORED_CHARS = 72  # zxcvbn 4.5 refuses longer input (ValueError); a phrase that long is strong anyway
NBSP = "\u00a0"

# Very common French passwords and the words they are built from, then the product's own words
# (the first ones a thief tries); comma-separated because some hold spaces.
_FRENCH = """
    motdepasse, mot de passe, azerty, azertyuiop, qsdfghjklm, wxcvbn, soleil, bonjour, bonsoir,
    salut, coucou, doudou, chouchou, loulou, nounours, bisous, jetaime, je t'aime, amour, moncoeur,
    chéri, cheri, chérie, cherie, princesse, marseille, paris, lyon, toulouse, lille, nantes,
    bordeaux, france, olive, chocolat, papa, maman, bebe, bébé, famille, enfant, enfants, camille,
    nicolas, julien, thomas, marie, sophie, isabelle, nathalie, celine, céline, dimanche, vacances,
    liberte, liberté, secret, secrete, secrète, phrase, phrasesecrete, bienvenue, infirmiere,
    infirmière, sagefemme, sage-femme, puericultrice, puéricultrice, creche, crèche, naissance,
    grossesse, allaitement, biberon, nourrisson,
    milpj, milpj_desktop, 1000 premiers jours, 1000premiersjours, mille premiers jours,
    premiers jours, premiers, jours, pmi, protection maternelle, ministere, ministère
"""
FRENCH_WORDS: tuple[str, ...] = tuple(word.strip() for word in _FRENCH.split(",") if word.strip())

_REASONS = {
    "repeat": "une répétition (aaaa, abcabc, espaces…) se devine tout de suite",
    "sequence": "une suite (1234, abcd…) se devine tout de suite",
    "spatial": "une suite de touches voisines du clavier (azerty, qwerty…) se devine tout de suite",
    "dictionary": "un mot de passe courant ou un mot seul (motdepasse, soleil, le nom de l’outil…) "
    "figure dans les listes essayées en premier",
    "date": "une date se devine vite",
    "regex": "une année se devine vite",
}
_LEVELS = ("très faible", "faible", "moyenne", "bonne", "très bonne")


@dataclass(frozen=True)
class Estimate:
    """A score on zxcvbn's 0–4 scale and what a person needs to read about it."""

    score: int
    guesses_log10: float
    reasons: tuple[str, ...]
    length: int

    @property
    def acceptable(self) -> bool:
        return self.length >= MIN_LENGTH and self.score >= MIN_SCORE

    @property
    def level(self) -> str:
        return _LEVELS[self.score]

    def explanation(self) -> str:
        """One French paragraph: the level, why it is too weak, and what to do instead."""
        if self.acceptable:
            return f"Solidité{NBSP}: {self.level}."
        if self.length < MIN_LENGTH:
            why = f"trop courte (au moins {MIN_LENGTH} caractères)"
        else:
            why = "trop facile à deviner" + (f"{NBSP}: " + "\u202f; ".join(self.reasons) if self.reasons else "")
        return f"Solidité{NBSP}: {self.level} — {why}."


def estimate(passphrase: str) -> Estimate:
    """Score a passphrase against zxcvbn's lists plus common French passwords and the product's words."""
    result: dict[str, Any] = zxcvbn(passphrase[:_SCORED_CHARS], user_inputs=list(FRENCH_WORDS))
    seen: list[str] = []
    for match in result["sequence"]:
        reason = _REASONS.get(match["pattern"])
        if reason and reason not in seen and (match["pattern"] != "dictionary" or match.get("rank", 0) < 10_000):
            seen.append(reason)
    score = int(result["score"]) if passphrase else 0
    return Estimate(score, float(result["guesses_log10"]), tuple(seen), len(passphrase))


def suggest(words: int = 4) -> str:
    """A passphrase of unrelated common French words, drawn by the OS's secure random source."""
    return " ".join(secrets.choice(WORDS) for _ in range(words))


def advice(idea: str | None = None) -> str:
    """What to do instead, with an example of four words (a fresh one unless given)."""
    return (
        "Choisissez plutôt quatre mots sans lien entre eux, faciles à retenir pour vous, "
        f"par exemple{NBSP}: «{NBSP}{idea or suggest()}{NBSP}»."
    )


def live_hint(passphrase: str, idea: str) -> str:
    """The line shown under a new-passphrase field while typing: length first, then the estimate."""
    count = len(passphrase)
    if count < MIN_LENGTH:
        return f"{count} caractère(s) — encore {MIN_LENGTH - count} au minimum."
    found = estimate(passphrase)
    return found.explanation() if found.acceptable else f"{found.explanation()} {advice(idea)}"

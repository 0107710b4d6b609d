"""Passphrase strength: guessable passphrases refused with a French reason and a four-word suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from milpj_desktop import paths
from milpj_desktop.store import Store, WeakPassphrase, strength
from milpj_desktop.store.words_fr import WORDS

GUESSABLE = [
    "1234567890",
    "motdepasse",
    "azertyuiop",
    "aaaaaaaaaa",
    " " * 10,
    "motdepasse123",
    "bonjourbonjour",
    "1000premiersjours",
    "milpj_desktop",
    "Marseille13013",
    "soleil2024!",
]
# Passphrases the existing tests and benches create stores with: several words must pass.
PHRASES = [
    "phrase secrète de test",
    "phrase secrete de la fenetre",
    "phrase secrete du test",
    "phrase de la capture",
    "une autre phrase pour le nouveau poste",
    "mauvaise phrase pour voir",
]


@pytest.mark.parametrize("passphrase", GUESSABLE)
def test_guessable_passphrases_are_refused_at_creation(data_dir: Path, passphrase: str) -> None:
    with pytest.raises(WeakPassphrase) as info:
        Store.create(paths.store_path(), passphrase)
    message = info.value.message
    assert "Solidité\u00a0:" in message and "quatre mots" in message
    suggestion = message.split("«\u00a0")[1].split("\u00a0»")[0]
    assert len(suggestion.split(" ")) == 4 and all(word in WORDS for word in suggestion.split(" "))
    assert not paths.store_path().exists()


def test_reasons_name_the_pattern() -> None:
    assert "suite" in strength.estimate("3456789012").explanation()
    assert "répétition" in strength.estimate("aaaaaaaaaa").explanation()
    assert "mot de passe courant" in strength.estimate("motdepasse").explanation()


@pytest.mark.parametrize("passphrase", PHRASES)
def test_phrases_of_several_words_pass(passphrase: str) -> None:
    assert strength.estimate(passphrase).acceptable


def test_suggestions_pass_the_bar_and_vary() -> None:
    drawn = [strength.suggest() for _ in range(100)]
    assert len(set(drawn)) > 95
    assert all(strength.estimate(phrase).acceptable for phrase in drawn)


def test_rekey_refuses_a_guessable_passphrase(store: Store) -> None:
    before = paths.store_path().read_bytes()
    with pytest.raises(WeakPassphrase):
        store.rekey("azertyuiop")
    assert paths.store_path().read_bytes() == before


def test_a_very_long_passphrase_is_scored_not_crashed_on() -> None:
    long_one = "lapin falaise atelier concert " * 8  # 240 characters: zxcvbn alone refuses more than 72
    assert strength.estimate(long_one).acceptable

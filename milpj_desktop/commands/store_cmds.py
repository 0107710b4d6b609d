"""init, verifier, phrase-secrete: create, check and re-key the encrypted store."""

from __future__ import annotations

import argparse
from typing import Any

from milpj_desktop import paths
from milpj_desktop.commands.common import NEW_PASSPHRASE_ENV, open_store, read_passphrase
from milpj_desktop.content.repository import count_articles, count_events
from milpj_desktop.errors import KnownError
from milpj_desktop.store.errors import PASSPHRASE_ADVICE
from milpj_desktop.upkeep import check_store, create_with_default_content, loading_elsewhere


def register(sub: Any) -> None:
    init = sub.add_parser("init", help="créer le magasin chiffré et charger les contenus embarqués")
    init.set_defaults(func=cmd_init)
    check = sub.add_parser("verifier", help="vérifier l'intégrité du magasin chiffré")
    check.set_defaults(func=cmd_verify)
    rekey = sub.add_parser(
        "phrase-secrete",
        help="changer la phrase secrète",
        description=f"Change la phrase secrète (nouvelle phrase : variable {NEW_PASSPHRASE_ENV} ou saisie).",
    )
    rekey.set_defaults(func=cmd_rekey)


__all__ = ["create_with_default_content", "register"]  # the first run's use case lives in upkeep


def cmd_init(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(prompt="Choisissez une phrase secrète (10 caractères au moins) : ", confirm=True)
    store = create_with_default_content(passphrase)
    try:
        articles = count_articles(store.conn)
        events = count_events(store.conn)
    finally:
        store.close()
    print(f"Magasin chiffré créé : {paths.store_path()}")
    print(f"Contenus chargés : {articles} articles, {events} événements.")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        problems = check_store(store)
        loading = loading_elsewhere(store)
    finally:
        store.close()
    if problems:
        raise KnownError(f"Le magasin présente {len(problems)} anomalie(s) : {problems[0]}")
    if loading:
        print(
            "Magasin intègre : chiffrement et structure vérifiés, aucune anomalie. Un premier chargement de "
            "l’annuaire est en cours\u00a0: ses index de tri et de distance seront créés et vérifiables à la fin."
        )
        return 0
    print("Magasin intègre : chiffrement, structure et index de l'annuaire vérifiés, aucune anomalie.")
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        print(PASSPHRASE_ADVICE)
        new = read_passphrase(env=NEW_PASSPHRASE_ENV, prompt="Nouvelle phrase secrète : ", confirm=True)
        store.rekey(new)
    finally:
        store.close()
    print("Phrase secrète changée : toutes les données ont été chiffrées à nouveau.")
    return 0

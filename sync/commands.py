"""synchroniser: bring contents and directory up to date with the national server, send corrections.

requests (through sync/) is imported only inside the command: the core never loads it otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from milpj_desktop import paths
from milpj_desktop.commands.common import open_store
from milpj_desktop.errors import KnownError
from milpj_desktop.settings import Settings, load_settings, save_settings
from milpj_desktop.typography import grouped
from sync.protocol import parse_departements

TOKEN_ENV = "MILPJ_JETON"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "synchroniser",
        help="synchroniser contenus et annuaire avec le serveur national",
        description=(
            "Met à jour les contenus et l'annuaire (départements abonnés) depuis le serveur national et envoie "
            f"les corrections signalées. Le jeton d'appareil est lu dans les paramètres, ou dans {TOKEN_ENV} "
            "(il est alors enregistré dans le magasin chiffré)."
        ),
    )
    parser.add_argument("--serveur", metavar="URL", help="adresse du serveur (défaut : celle des paramètres)")
    parser.add_argument("--json", action="store_true", help="résultat en JSON sur la sortie standard")
    parser.add_argument(
        "--departements",
        metavar="LISTE",
        help="départements de l'annuaire, ex. 25,39 (remplace l'abonnement ; « aucun » pour tout retirer)",
    )
    parser.add_argument("--par-page", type=int, default=None, metavar="N", help="changements demandés par page")
    parser.add_argument(
        "--delai", type=float, default=30.0, metavar="S", help="secondes sans données avant d'abandonner (défaut : 30)"
    )
    parser.add_argument(
        "--verifier", action="store_true", help="comparer ensuite chaque collection avec l'état du serveur"
    )
    parser.set_defaults(func=cmd_sync)


def _subscription(text: str) -> list[str]:
    if text.strip().lower() == "aucun":
        return []
    return parse_departements(text)


def _settings_for(args: argparse.Namespace, settings: Settings) -> tuple[Settings, bool]:
    """Apply the command's options over the stored settings; True when something must be saved."""
    update: dict[str, Any] = {}
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token and token != settings.device_token:
        update["device_token"] = token
    if args.serveur and not settings.server_url:
        update["server_url"] = args.serveur.strip()
    if args.departements is not None:
        update["departements"] = _subscription(args.departements)
    return settings.model_copy(update=update), bool(update)


def cmd_sync(args: argparse.Namespace) -> int:
    from sync import errors
    from sync.engine import DirectAccess, Progress, SyncEngine, SyncRequest
    from sync.freshness import content_phrase, directory_phrase, read_freshness
    from sync.protocol import DEFAULT_LIMIT
    from sync.verify import repair, verify_convergence

    store = open_store()
    try:
        settings, changed = _settings_for(args, load_settings(store.conn))

        def save(locked: Any) -> None:  # only once this run holds the sync lock: a refused run changes nothing
            if changed:
                with locked.transaction() as conn:
                    save_settings(conn, settings)

        request = SyncRequest(
            server_url=(args.serveur or settings.server_url).strip(),
            token=settings.device_token,
            departements=frozenset(settings.departements),
            ca_bundle=settings.ca_bundle,
            proxy=settings.proxy,
            page_limit=args.par_page or DEFAULT_LIMIT,
            stall_timeout=args.delai,
            reason="ligne de commande",
        )
        tty = sys.stderr.isatty() and not args.json

        def show(progress: Progress) -> None:
            if tty:
                print(f"\r{progress.label[:100]:<100}", end="", file=sys.stderr, flush=True)

        access = DirectAccess(store)

        def synchronise(**options: Any) -> Any:
            try:
                done = SyncEngine(access, request, data_dir=paths.data_dir(), on_progress=show).run(**options)
            except errors.SyncError as exc:
                if tty:
                    print(file=sys.stderr)
                if exc.run is not None and not args.json:
                    _print_table(exc.run)
                raise
            if tty:
                print(file=sys.stderr)
            return done

        run = synchronise(on_locked=save)
        convergence, repaired = None, 0
        if args.verifier:
            convergence = verify_convergence(access, request)
            if not convergence.identical:  # repair what differs, then prove it
                repaired = repair(access, convergence.differences)
                run = synchronise()
                convergence = verify_convergence(access, request)
        freshness = read_freshness(store.conn)
    finally:
        store.close()
    checks = convergence.checks if convergence is not None else None
    if args.json:
        print(json.dumps(_as_json(run, checks, repaired), ensure_ascii=False, indent=2))
    else:
        print(f"Synchronisation avec {run.server} : {run.status_text}.")
        _print_table(run)
        print(f"{content_phrase(freshness)}.")
        print(f"{directory_phrase(freshness)}.")
        if checks is not None:
            if repaired:
                print(f"  {repaired} enregistrement(s) différent(s) du serveur réparé(s).")
            for name, check in checks.items():
                verdict = "identique au serveur" if check["identique"] else "DIFFÉRENT du serveur"
                print(f"  {name} : {check['local']} enregistrement(s), {verdict}")
    if run.status != "reussie":
        raise KnownError(run.message or "La synchronisation n'a pas abouti.")
    if convergence is not None and not convergence.identical:
        raise KnownError(
            "Après synchronisation et réparation, des collections diffèrent encore du serveur : relancez la "
            "synchronisation avec --verifier."
        )
    return 0


def _print_table(run: Any) -> None:
    print(f"{'collection':<22}{'ajoutés':>9}{'modifiés':>10}{'supprimés':>11}{'échecs':>8}")
    for result in run.collections.values():
        added, changed, deleted, failed = (
            grouped(n) for n in (result.added, result.changed, result.deleted, result.failed)
        )
        print(f"{result.label:<22}{added:>9}{changed:>10}{deleted:>11}{failed:>8}")
        if result.message:
            print(f"  {result.message}")


def _as_json(run: Any, convergence: dict[str, Any] | None, repaired: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "serveur": run.server,
        "statut": run.status,
        "avertissements": run.warned,
        "message": run.message,
        "requetes": run.requests,
        "octets": run.bytes,
        "collections": {
            name: {
                "ajoutes": r.added,
                "modifies": r.changed,
                "supprimes": r.deleted,
                "echecs": r.failed,
                "recus": r.received,
                "statut": r.status,
                "message": r.message,
            }
            for name, r in run.collections.items()
        },
    }
    if convergence is not None:
        out["convergence"] = convergence
        out["repares"] = repaired
    return out

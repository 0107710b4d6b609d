"""`milpj-serveur`: serve the protocol (uvicorn), and the admin commands that publish, change and
delete records, enrol tokens, forget old tombstones and arm faults for tests."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from milpj_desktop.frenchargs import FrenchParser
from sync.protocol import Collection
from sync.server.db import FAULT_KINDS, ServerDB

BASE_ENV = "MILPJ_SERVEUR_BASE"


def default_base() -> Path:
    override = os.environ.get(BASE_ENV)
    if override:
        return Path(override)
    return platformdirs.user_data_path("milpj-serveur", appauthor=False) / "serveur.sqlite3"


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="milpj-serveur",
        description="Serveur de référence des contenus nationaux (protocole : sync/PROTOCOLE.md, "
        "document OpenAPI : /openapi.json).",
    )
    parser.add_argument(
        "--base", type=Path, default=None, help=f"fichier de la base (défaut : ${BASE_ENV} ou dossier utilisateur)"
    )
    parser.add_argument("--demo", action="store_true", help="charger le jeu de démonstration si la base est vide")
    parser.add_argument(
        "--taille-annuaire", type=int, default=100_000, help="fiches d'annuaire du jeu de démonstration"
    )
    parser.add_argument("--jeton", default=None, help="jeton d'appareil accepté (démonstration : jeton-demo-1000pj)")
    parser.add_argument("--hote", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port d'écoute (défaut : 8765)")
    parser.add_argument("--certificat", default=None, help="certificat TLS (PEM) pour servir en https")
    parser.add_argument("--cle", default=None, help="clé privée TLS (PEM)")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)
    admin = sub.add_parser("admin", help="administrer la base (publier, supprimer, jetons, pannes)")
    actions = admin.add_subparsers(dest="action", metavar="ACTION", parser_class=FrenchParser, required=True)

    publish = actions.add_parser(
        "publier", help="publier ou modifier des enregistrements (fichier JSON : un objet ou une liste)"
    )
    publish.add_argument("collection", choices=[c.value for c in Collection if c != Collection.ASSETS])
    publish.add_argument("fichier", type=Path)
    asset = actions.add_parser("fichier", help="publier un fichier binaire (image, document)")
    asset.add_argument("chemin", type=Path)
    asset.add_argument("--type", default="application/octet-stream", help="type de contenu (ex. image/png)")
    delete = actions.add_parser("supprimer", help="supprimer des enregistrements (une suppression est diffusée)")
    delete.add_argument("collection", choices=[c.value for c in Collection])
    delete.add_argument("ids", nargs="+")
    token = actions.add_parser("jeton", help="inscrire un jeton d'appareil")
    token.add_argument("jeton")
    token.add_argument("--libelle", default="")
    forget = actions.add_parser(
        "oublier-suppressions", help="oublier les suppressions anciennes (les clients en retard resynchronisent)"
    )
    forget.add_argument("--collection", choices=[c.value for c in Collection], default=None)
    forget.add_argument("--age", type=float, default=0.0, help="âge minimal en secondes (défaut : toutes)")
    fault = actions.add_parser("panne", help="armer une panne pour les essais : " + ", ".join(FAULT_KINDS))
    fault.add_argument("type", choices=[*FAULT_KINDS, "aucune"])
    fault.add_argument(
        "--cible", default="", help="collection visée, « blobs », « corrections » ou « etat » (défaut : toutes)"
    )
    fault.add_argument("--apres", type=int, default=0, help="laisser passer d'abord N requêtes visées")
    fault.add_argument("--fois", type=int, default=1, help="nombre de requêtes en panne (-1 : toujours)")
    fault.add_argument("--secondes", type=float, default=1.0, help="Retry-After ou durée de la lenteur")
    state = actions.add_parser("etat", help="nombre d'enregistrements et somme de contrôle d'une collection")
    state.add_argument("collection", choices=[c.value for c in Collection])
    demo = actions.add_parser("demo", help="charger le jeu de démonstration dans une base vide")
    demo.add_argument("--taille-annuaire", type=int, default=100_000)
    return parser


def admin(db: ServerDB, args: argparse.Namespace) -> int:
    if args.action == "publier":
        try:
            data = json.loads(args.fichier.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            print(f"milpj-serveur : fichier illisible : {exc}", file=sys.stderr)
            return 2
        records = data if isinstance(data, list) else [data]
        try:
            count = db.publish(Collection(args.collection), records)
        except ValueError as exc:
            print(f"milpj-serveur : enregistrement refusé : {str(exc).splitlines()[0]}", file=sys.stderr)
            return 2
        print(f"{count} enregistrement(s) publié(s) dans {args.collection}.")
    elif args.action == "fichier":
        record = db.add_asset(args.chemin.read_bytes(), name=args.chemin.name, media_type=args.type)
        print(f"Fichier publié : {record.sha256} ({record.size} octets).")
    elif args.action == "supprimer":
        count = db.delete(Collection(args.collection), args.ids)
        print(f"{count} enregistrement(s) supprimé(s) de {args.collection}.")
    elif args.action == "jeton":
        db.add_token(args.jeton, args.libelle)
        print("Jeton inscrit.")
    elif args.action == "oublier-suppressions":
        count = db.purge_tombstones(Collection(args.collection) if args.collection else None, older_than=args.age)
        print(f"{count} suppression(s) oubliée(s).")
    elif args.action == "panne":
        if args.type == "aucune":
            db.clear_faults()
            print("Pannes désarmées.")
        else:
            db.add_fault(args.type, collection=args.cible, skip=args.apres, times=args.fois, seconds=args.secondes)
            print(f"Panne armée : {FAULT_KINDS[args.type]}.")
    elif args.action == "etat":
        count, checksum, upto = db.state(Collection(args.collection), None)
        print(f"{args.collection} : {count} enregistrement(s), somme {checksum}, changement n° {upto}.")
    elif args.action == "demo":
        from sync.server.demo import load_demo

        counts = load_demo(db, directory_size=args.taille_annuaire)
        print("Jeu de démonstration : " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "base déjà remplie"))
    return 0


SERVER_EXTRA_MISSING = (
    "milpj-serveur : le serveur de référence a besoin de FastAPI et uvicorn (extra « serveur »). "
    "Lancez-le par « bash packaging/serveur.sh », qui les installe, ou : .venv/bin/pip install -e '.[serveur]'"
)


def serve(db: ServerDB, args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from sync.server.app import create_app
    except ImportError:  # installed by lancer.sh (the app alone), without the server's extra
        print(SERVER_EXTRA_MISSING, file=sys.stderr)
        return 2
    from sync.server.demo import DEMO_TOKEN, load_demo

    if args.demo:
        print("Préparation du jeu de démonstration (première fois : quelques dizaines de secondes)…", flush=True)
        load_demo(db, directory_size=args.taille_annuaire, token=args.jeton or DEMO_TOKEN)
        print(f"Jeton de démonstration : {args.jeton or DEMO_TOKEN}", flush=True)
    elif args.jeton:
        db.add_token(args.jeton, "ligne de commande")
    scheme = "https" if args.certificat else "http"
    print(
        f"milpj-serveur : {scheme}://{args.hote}:{args.port}/ (OpenAPI : /openapi.json, documentation : /docs)",
        flush=True,
    )
    uvicorn.run(
        create_app(db),
        host=args.hote,
        port=args.port,
        log_level="warning",
        ssl_certfile=args.certificat,
        ssl_keyfile=args.cle,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    base: Path = args.base or default_base()
    base.parent.mkdir(parents=True, exist_ok=True)
    db = ServerDB(base)
    if args.command == "admin":
        return admin(db, args)
    return serve(db, args)


if __name__ == "__main__":
    raise SystemExit(main())

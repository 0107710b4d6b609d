"""annuaire importer / exporter / rechercher: the encrypted directory from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from milpj_desktop.commands.common import open_store
from milpj_desktop.directory import criteria
from milpj_desktop.directory.communes import Commune
from milpj_desktop.directory.csvio import COLUMNS, import_file, write_csv
from milpj_desktop.directory.models import TYPE_LABELS
from milpj_desktop.directory.phone import format_phone
from milpj_desktop.directory.search import Hit, search
from milpj_desktop.directory.vcard import write_vcards
from milpj_desktop.errors import KnownError

SHOWN_PROBLEMS = 30


def register(sub: Any) -> None:
    directory = sub.add_parser("annuaire", help="annuaire chiffré : importer, exporter, rechercher")
    commands = directory.add_subparsers(dest="annuaire_command", metavar="ACTION", required=True)

    importer = commands.add_parser(
        "importer",
        help="importer un fichier CSV (tableur, format de l'annuaire ou fichier des mairies)",
        description=(
            "Importe un fichier CSV : un tableau enregistré par Excel ou LibreOffice (point-virgule ou virgule, "
            "UTF-8 ou Windows-1252) dont les en-têtes disent le contenu (« Nom », « Type », « Adresse », "
            "« Code postal », « Ville », « Téléphone », « Courriel »…), le format de l'annuaire (colonnes : "
            + ", ".join(COLUMNS)
            + ") ou le fichier des mairies tel quel. Chaque ligne est vérifiée ; une ligne refusée est "
            "signalée avec son numéro et sa raison, les autres sont importées, le tout en une seule transaction."
        ),
    )
    importer.add_argument("fichier", metavar="FICHIER.csv", type=Path)
    importer.add_argument("--essai", action="store_true", help="vérifier et compter sans rien écrire")
    importer.add_argument(
        "--type", metavar="T", default=None, help="type des lignes qui n'en ont pas (ex. creche, pmi)"
    )
    importer.set_defaults(func=cmd_import)

    exporter = commands.add_parser("exporter", help="exporter des structures en CSV ou en vCard")
    target = exporter.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--csv", metavar="FICHIER", type=Path, help="fichier CSV (format de l'annuaire, point-virgule, lu par Excel)"
    )
    target.add_argument("--vcard", metavar="FICHIER", type=Path, help="fichier vCard (.vcf)")
    _add_filters(exporter)
    exporter.set_defaults(func=cmd_export)

    finder = commands.add_parser("rechercher", help="rechercher des structures (texte, type, commune, distance)")
    _add_filters(finder)
    finder.add_argument("--limite", type=int, default=50, metavar="N", help="nombre maximal de résultats (50)")
    finder.add_argument("--json", action="store_true", help="résultats en JSON")
    finder.set_defaults(func=cmd_search)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("texte", nargs="?", default=None, metavar="TEXTE", help="mots cherchés (début de mot suffit)")
    parser.add_argument(
        "--type", action="append", default=[], metavar="T", help="type (ex. pmi, maternite, creche ; répétable)"
    )
    parser.add_argument("--commune", metavar="COMMUNE_OU_CP", help="seulement les structures de cette commune")
    parser.add_argument("--autour", metavar="COMMUNE_OU_CP", help="trier par distance depuis cette commune")
    parser.add_argument("--rayon", type=float, metavar="KM", help="avec --autour : distance maximale en km")
    parser.add_argument(
        "--plus-peuplee",
        action="store_true",
        help="un nom porté par plusieurs communes désigne la plus peuplée (sinon la liste est donnée)",
    )


def _criteria(args: argparse.Namespace) -> dict[str, Any]:
    criteria.check_radius(args.rayon, args.autour)
    most_populous = bool(getattr(args, "plus_peuplee", False))
    around: Commune | None = criteria.place(args.autour, most_populous=most_populous) if args.autour else None
    commune = criteria.commune_of(args.commune, most_populous=most_populous) if args.commune else None
    return {
        "text": args.texte,
        "types": criteria.parse_types(args.type) or None,
        "commune": commune,
        "around": around,
        "radius_km": args.rayon,
    }


def cmd_import(args: argparse.Namespace) -> int:
    path: Path = args.fichier
    if not path.is_file():
        raise KnownError(f"Fichier introuvable : {path}")
    default_type = criteria.parse_type(args.type) if args.type else None
    store = open_store()
    try:
        if args.essai:
            report = import_file(store.conn, path, default_type=default_type, dry_run=True)
        else:
            with store.transaction() as conn:
                report = import_file(conn, path, default_type=default_type)
    finally:
        store.close()
    print(("Essai (rien n'a été écrit) : " if args.essai else "") + report.summary())
    for title, problems in (("Lignes refusées", report.errors), ("Avertissements", report.warnings)):
        if problems:
            print(f"{title} :")
            for line, reason in problems[:SHOWN_PROBLEMS]:
                print(f"  ligne {line} : {reason}")
            if len(problems) > SHOWN_PROBLEMS:
                print(f"  … et {len(problems) - SHOWN_PROBLEMS} autre(s).")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    chosen = _criteria(args)
    store = open_store()
    try:
        entries = [hit.entry for hit in search(store.conn, limit=None, **chosen)]
    finally:
        store.close()
    if args.csv is not None:
        count = write_csv(args.csv, entries)
        print(f"{_count(count)} exportée(s) en CSV : {args.csv}")
    else:
        count = write_vcards(args.vcard, entries)
        print(f"{_count(count)} exportée(s) en vCard : {args.vcard}")
    return 0


def _as_json(hit: Hit, with_distance: bool) -> dict[str, Any]:
    entry = hit.entry
    out: dict[str, Any] = {
        "id": hit.id,
        "nom": entry.name,
        "type": entry.type,
        "type_libelle": TYPE_LABELS[entry.type],
        "commune": entry.commune,
        "code_postal": entry.postcode,
        "code_insee": entry.commune_insee,
        "telephone": format_phone(entry.phone),
        "origine": hit.origin,
    }
    if with_distance:
        out["distance_km"] = None if hit.distance_km is None else round(hit.distance_km, 2)
    return out


def cmd_search(args: argparse.Namespace) -> int:
    if args.limite < 1:
        raise KnownError("--limite doit être un nombre positif.")
    chosen = _criteria(args)
    store = open_store()
    try:
        hits = search(store.conn, limit=args.limite, **chosen)
    finally:
        store.close()
    with_distance = chosen["around"] is not None
    if args.json:
        print(json.dumps([_as_json(h, with_distance) for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("Aucune structure ne correspond.")
        return 0
    for hit in hits:
        entry = hit.entry
        distance = f"{hit.distance_km:6.1f} km  ".replace(".", ",") if hit.distance_km is not None else ""
        phone = f" — {format_phone(entry.phone)}" if entry.phone else ""
        place = f"{entry.commune} ({entry.postcode})" if entry.postcode else entry.commune
        print(f"{distance}{entry.name} — {TYPE_LABELS[entry.type]} — {place}{phone}")
    print(f"{_count(len(hits))}.")
    return 0


def _count(number: int) -> str:
    """« 1 structure », « 12 structures » (the directory's entries are structures, not « fiches »)."""
    return f"{number} structure" if number in (0, 1) else f"{number} structures"

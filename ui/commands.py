"""fiche: list the handout templates, or write one handout as a PDF with no window (headless)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from milpj_desktop.commands.common import open_store
from milpj_desktop.errors import KnownError
from milpj_desktop.handouts import HandoutParamError, get_template, load_templates, prepare
from milpj_desktop.handouts.history import record_printed
from milpj_desktop.settings import load_settings


def register(sub: Any) -> None:
    fiche = sub.add_parser(
        "fiche",
        help="lister les modèles de fiches ou écrire une fiche en PDF",
        description=(
            "Écrit une fiche imprimable en PDF, sans fenêtre. "
            "Exemple : milpj-desktop fiche --modele fiche-conseil --param articles=bebe-couchage-securite "
            "--pdf fiche.pdf"
        ),
    )
    what = fiche.add_mutually_exclusive_group(required=True)
    what.add_argument("--liste", action="store_true", help="lister les modèles et leurs paramètres")
    what.add_argument("--modele", metavar="ID", help="identifiant du modèle (voir --liste)")
    fiche.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="CLE=VALEUR",
        help="un paramètre du modèle (option répétable)",
    )
    fiche.add_argument("--gros-caracteres", action="store_true", help="gros caractères (15 pt, plus d'espace)")
    fiche.add_argument("--copies", type=int, default=1, metavar="N", help="nombre d'exemplaires dans le PDF")
    fiche.add_argument("--pdf", metavar="SORTIE.pdf", help="fichier PDF à écrire")
    fiche.add_argument(
        "--ics", metavar="SORTIE.ics", help="calendrier seulement : les rendez-vous en agenda (.ics) pour le téléphone"
    )
    fiche.set_defaults(func=cmd_handout)


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    """« clé=valeur » options → a dict; a malformed or repeated one is refused by name."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise HandoutParamError(pair, f"Paramètre mal écrit « {pair} » : la forme clé=valeur est attendue.")
        if key in values:
            raise HandoutParamError(key, f"Paramètre « {key} » donné deux fois.")
        values[key] = value.strip()
    return values


def cmd_list(args: argparse.Namespace) -> int:
    for template in load_templates().values():
        print(f"{template.id} — {template.title}")
        print(f"  {template.manifest.description}")
        usage = template.usage()
        print(usage if usage else "  (aucun paramètre)")
        print()
    return 0


def _headless_qt() -> None:
    """No display (a server, a test, a cron job): Qt draws offscreen instead of aborting."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def cmd_handout(args: argparse.Namespace) -> int:
    if args.liste:
        return cmd_list(args)
    if args.ics:
        return cmd_calendar_ics(args)
    if not args.pdf:
        raise KnownError("Indiquez le fichier à écrire avec --pdf SORTIE.pdf.")
    if not 1 <= args.copies <= 500:
        raise KnownError("Le nombre d'exemplaires (--copies) doit être compris entre 1 et 500.")
    output = Path(args.pdf)
    if output.suffix.lower() != ".pdf":
        raise KnownError(f"Le fichier de sortie doit se terminer par .pdf (reçu « {output.name} »).")
    template = get_template(args.modele)
    raw = parse_pairs(args.param)
    template.validate(raw)  # refuse a bad parameter before asking for the passphrase
    today = dt.date.today()

    store = open_store()
    try:
        settings = load_settings(store.conn)
        large = bool(args.gros_caracteres or settings.large_print_default)
        handout = prepare(store.conn, template.id, raw, settings=settings, today=today, large_print=large)
        _headless_qt()
        from ui.printing import write_pdf
        from ui.qt import QGuiApplication

        _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0] if sys.argv else "milpj-desktop"])
        pages = write_pdf([handout], output, copies=args.copies)
        record_printed(store, [handout], copies=args.copies, output="pdf", at=dt.datetime.now().replace(microsecond=0))
    finally:
        store.close()
    print(f"Fiche « {template.title} » écrite : {output} ({pages} page{'s' if pages > 1 else ''}).")
    return 0


def cmd_calendar_ics(args: argparse.Namespace) -> int:
    """The calendar's dated events as an .ics file (no Qt needed)."""
    from milpj_desktop.handouts.ics import calendar_dates, calendar_ics, write_ics

    template = get_template(args.modele)
    if template.manifest.data != "calendar":
        raise KnownError("L'agenda (.ics) n'existe que pour le modèle calendrier-1000-jours.")
    output = Path(args.ics)
    if output.suffix.lower() != ".ics":
        raise KnownError(f"Le fichier d'agenda doit se terminer par .ics (reçu « {output.name} »).")
    birth, due = calendar_dates(template.validate(parse_pairs(args.param)))
    store = open_store()
    try:
        settings = load_settings(store.conn)
        data = calendar_ics(
            store.conn,
            birth=birth,
            due=due,
            today=dt.date.today(),
            now=dt.datetime.now(dt.UTC),
            structure=settings.structure_name,
        )
    finally:
        store.close()
    write_ics(output, data)
    print(f"Agenda écrit : {output} ({data.count(b'BEGIN:VEVENT')} rendez-vous).")
    return 0

"""Command line entry point `milpj-desktop`: the window, or a headless command."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from milpj_desktop import __version__
from milpj_desktop.errors import KnownError

# Each module has register(subparsers) and sets `func(args) -> int` on its parsers.
COMMAND_MODULES: tuple[str, ...] = (
    "milpj_desktop.cli.store_cmds",
    "milpj_desktop.cli.content_cmds",
    "milpj_desktop.cli.handout_cmds",
    "milpj_desktop.cli.directory_cmds",
    "milpj_desktop.cli.sync_cmds",
)

_FRENCH = {
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "expected one argument": "une valeur est attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "usage: ": "utilisation : ",
    "show this help message and exit": "afficher cette aide et quitter",
    "positional arguments": "arguments",
    "options": "options",
    "show program's version number and exit": "afficher la version et quitter",
}


def _french(message: str) -> str:
    return _FRENCH.get(message, message)


argparse._ = _french  # type: ignore[attr-defined]  # argparse looks its messages up through `_`


class FrenchParser(argparse.ArgumentParser):
    """argparse with French messages and exit code 2 on usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="milpj-desktop",
        description="Outil des professionnels des 1000 premiers jours. Sans commande : ouvre la fenêtre.",
    )
    parser.add_argument("--version", action="version", version=f"milpj-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from ui.app import run_app  # Qt is loaded only when the window is asked for

        return run_app()
    try:
        code: int = args.func(args)
        return code
    except KnownError as exc:
        print(f"milpj-desktop : {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("milpj-desktop : interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())

"""`milpj-desktop`: the window, or a headless command that one of the three rooms registers.

The dispatcher sits in the top room (ui → sync → core) so that it may gather every room's commands;
each command module has register(subparsers) and sets `func(args) -> int` on its parsers. Qt is
loaded only by the window and by `fiche` (the PDF), inside their functions.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from milpj_desktop import __version__
from milpj_desktop.errors import KnownError
from milpj_desktop.files import keep_private
from milpj_desktop.frenchargs import FrenchParser

# In the order of `milpj-desktop --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "milpj_desktop.commands.store_cmds",
    "milpj_desktop.commands.backup_cmds",
    "milpj_desktop.commands.content_cmds",
    "ui.commands",
    "milpj_desktop.commands.directory_cmds",
    "sync.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="milpj-desktop",
        description="1000 premiers jours — Outil des professionnels. Sans commande : ouvre la fenêtre.",
    )
    parser.add_version(f"milpj-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", title="commandes")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    keep_private()  # every folder and file this process creates (store, logs, settings, exports) is private
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


if __name__ == "__main__":  # python -m ui.cli; the synchronisation's helper processes import it again
    raise SystemExit(main())

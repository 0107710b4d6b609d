"""argparse that speaks French to people, by subclassing: importing it changes nothing global.

argparse looks its English texts up through its module-level `_`; rewriting that would change every
parser of the process. Here the help lines, titles and usage prefix are set on our own parsers and
formatter, and error messages are translated in `FrenchParser.error` before they are printed.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from milpj_desktop.typography import NBSP  # a non-breaking space before « : »

USAGE_PREFIX = f"utilisation{NBSP}: "
HELP_TEXT = "afficher cette aide et quitter"
VERSION_TEXT = "afficher la version et quitter"

# argparse's error messages as they arrive in ArgumentParser.error (already formatted), in French.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), french)
    for pattern, french in (
        (r"^argument (?P<arg>.+?): (?P<rest>.*)$", "argument {arg} : {rest}"),
        (r"^the following arguments are required: (?P<args>.*)$", "arguments obligatoires manquants : {args}"),
        (r"^unrecognized arguments: (?P<args>.*)$", "arguments non reconnus : {args}"),
        (
            r"^invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)$",
            "choix invalide : {value} (choix possibles : {choices})",
        ),
        (r"^invalid (?P<type>\S+) value: '(?P<value>.*)'$", "valeur invalide : « {value} »"),
        (r"^expected one argument$", "une valeur est attendue"),
        (r"^expected at most one argument$", "une valeur au plus est attendue"),
        (r"^expected at least one argument$", "une valeur au moins est attendue"),
        (r"^expected (?P<count>\d+) arguments?$", "{count} valeur(s) attendue(s)"),
        (r"^not allowed with argument (?P<arg>.*)$", "incompatible avec l'argument {arg}"),
        (r"^one of the arguments (?P<args>.*) is required$", "l'un des arguments {args} est obligatoire"),
        (
            r"^ambiguous option: (?P<option>.*?) could match (?P<matches>.*)$",
            "option ambiguë : {option} peut désigner {matches}",
        ),
        (r"^ignored explicit argument (?P<value>.*)$", "valeur inattendue ignorée : {value}"),
        (
            r"^unknown parser (?P<name>.*?) \(choices: (?P<choices>.*)\)$",
            "commande inconnue : {name} (choix possibles : {choices})",
        ),
    )
)


def french_error(message: str) -> str:
    """One of argparse's English error messages in French (unknown ones are kept as they are)."""
    for pattern, french in _ERRORS:
        found = pattern.match(message)
        if found:
            parts = {k: french_error(v) if k == "rest" else v for k, v in found.groupdict().items()}
            return (
                french.format(**parts).replace(" : ", f"{NBSP}: ").replace("« ", f"«{NBSP}").replace(" »", f"{NBSP}»")
            )
    return message


class FrenchHelpFormatter(argparse.HelpFormatter):
    """« utilisation : » instead of « usage: », and « options : » with French spacing."""

    def start_section(self, heading: str | None) -> None:
        super().start_section(f"{heading}{NBSP}" if heading else heading)  # argparse appends the « : »

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, USAGE_PREFIX if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    """argparse with French help, titles and errors, and exit code 2 on a usage error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False  # argparse's own -h has an English help line
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP_TEXT)

    def add_version(self, version: str) -> None:
        """--version with a French help line."""
        self.add_argument("--version", action="version", version=version, help=VERSION_TEXT)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", FrenchParser)
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}{NBSP}: erreur{NBSP}: {french_error(message)}\n")

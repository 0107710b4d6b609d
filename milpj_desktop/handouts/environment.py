"""The one template environment: sandboxed, immutable, autoescaped, strict about undefined names.

A template reaches nothing but the plain data (dicts, lists, strings, numbers) it is given: no
attribute starting with « _ », no method that changes a value, no Python import, no file outside
modeles_docs/ (no symlink, names checked), no more than RENDER_SECONDS of work nor MAX_HTML_CHARS of
output, and the HTML it produces links and loads nothing but what safe_html lets through.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.environment import Environment
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment, safe_range

from milpj_desktop import paths
from milpj_desktop.handouts.blocks import map_text
from milpj_desktop.handouts.errors import HandoutError, TemplateSecurityError
from milpj_desktop.handouts.safe_html import safe_html
from milpj_desktop.typography import typeset

# Budget of one render: the largest handout here (calendar, large print) is far below both.
RENDER_SECONDS = 5.0
MAX_HTML_CHARS = 2_000_000
# A template or included file: one optional folder then a file name, lower-case slugs only.
TEMPLATE_NAME = re.compile(r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*/)?[a-z0-9]+(?:[-_][a-z0-9]+)*(?:\.[a-z0-9]+){1,3}$")
# Filters whose width argument builds strings of any size: not needed by a layout.
_DROPPED_FILTERS = ("center", "indent", "wordwrap", "format", "pprint", "filesizeformat")

# (deadline on the monotonic clock, seconds allowed) of the render running in this context.
_budget: ContextVar[tuple[float, float]] = ContextVar("_budget", default=(float("inf"), RENDER_SECONDS))


class RenderBudgetError(TemplateSecurityError):
    """A template worked too long or produced too much HTML."""


def _check_time() -> None:
    deadline, seconds = _budget.get()
    if time.monotonic() > deadline:
        raise RenderBudgetError(f"le rendu dépasse {seconds:g} secondes")


def _bounded_range(*args: int) -> Iterator[int]:
    """Jinja's safe_range (at most MAX_RANGE items), checking the time budget at each step."""
    try:
        items = safe_range(*args)
    except OverflowError as exc:
        raise SecurityError(f"range de plus de {MAX_RANGE} éléments") from exc
    return _timed(items)


def _timed(items: range) -> Iterator[int]:
    for item in items:
        _check_time()
        yield item


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, plus size checks on « * » and « ** » and the time budget on every call."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_time()
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError("puissance trop grande")
        if operator == "*":
            size = next((len(v) for v in (left, right) if isinstance(v, (str, list, tuple))), None)
            times = next((v for v in (left, right) if isinstance(v, int)), None)
            if size is not None and times is not None and size * times > MAX_HTML_CHARS:
                raise SecurityError("répétition trop grande")
        return super().call_binop(context, operator, left, right)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_time()
        return super().call(__context, __obj, *args, **kwargs)


class _CheckedLoader(FileSystemLoader):
    """Loads a template only by a slug name and only if no part of its path is a symlink."""

    def __init__(self, root: Path) -> None:
        super().__init__(str(root), encoding="utf-8", followlinks=False)
        self.root = root

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if not TEMPLATE_NAME.fullmatch(template):
            raise TemplateSecurityError(
                f"Nom de modèle refusé « {template} » (lettres minuscules, chiffres et tirets)."
            )
        refuse_symlinks(self.root, template)
        return super().get_source(environment, template)


def refuse_symlinks(root: Path, relative: str) -> None:
    """Refuse a template file or folder that is a symbolic link (it could point anywhere)."""
    current = root
    for part in relative.split("/"):
        current = current / part
        if os.path.islink(current):
            raise TemplateSecurityError(
                f"Modèle « {relative} » : « {part} » est un lien symbolique, refusé (seuls les vrais fichiers de "
                "modeles_docs sont lus)."
            )


@lru_cache(maxsize=8)
def environment(root: Path) -> ImmutableSandboxedEnvironment:
    """The sandboxed environment for one templates folder (one per folder, built once)."""
    env = _Sandbox(
        loader=_CheckedLoader(root),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=[],
    )
    # Nothing but what a layout needs: no cycler/joiner/lipsum/namespace objects to poke at.
    env.globals.clear()
    env.globals["range"] = _bounded_range
    for name in _DROPPED_FILTERS:
        env.filters.pop(name, None)
    return env


def _generate(template: Any, context: dict[str, Any], seconds: float) -> str:
    token = _budget.set((time.monotonic() + seconds, seconds))
    try:
        parts: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_HTML_CHARS:
                raise RenderBudgetError(f"le rendu dépasse {MAX_HTML_CHARS} caractères")
            _check_time()
            parts.append(chunk)
        return "".join(parts)
    finally:
        _budget.reset(token)


def render(
    template_name: str, context: Mapping[str, Any], *, root: Path | None = None, seconds: float = RENDER_SECONDS
) -> str:
    """The single entry point that turns a template and its data into HTML, in French typography."""
    folder = (root or paths.templates_dir()).resolve()
    env = environment(folder)
    try:
        template = env.get_template(template_name)
        return safe_html(map_text(_generate(template, dict(context), seconds), typeset))
    except RenderBudgetError as exc:
        raise RenderBudgetError(f"Modèle « {template_name} » : {exc} ; rendu refusé.") from exc
    except TemplateSecurityError:
        raise
    except SecurityError as exc:
        raise TemplateSecurityError(
            f"Le modèle « {template_name} » tente d'accéder à autre chose que ses données ({exc}) : rendu refusé."
        ) from exc
    except UndefinedError as exc:
        raise HandoutError(f"Le modèle « {template_name} » utilise une donnée absente : {exc}.") from exc
    except TemplateNotFound as exc:
        raise HandoutError(f"Modèle « {template_name} » : fichier introuvable « {exc.name} ».") from exc
    except TemplateSyntaxError as exc:
        raise HandoutError(
            f"Modèle « {template_name} » : erreur de syntaxe ligne {exc.lineno} ({exc.message})."
        ) from exc
    except TemplateError as exc:
        raise HandoutError(f"Modèle « {template_name} » : {exc}.") from exc


__all__ = ["MAX_RANGE", "RenderBudgetError", "environment", "refuse_symlinks", "render"]

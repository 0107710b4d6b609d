"""The one template environment: sandboxed, immutable, autoescaped, strict about undefined names.

Templates may one day come from the server, so a template reaches nothing but the plain data
(dicts, lists, strings, numbers) it is given: no attributes starting with « _ », no method that
changes a value, no Python import, no file outside modeles_docs/.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from milpj_desktop import paths
from milpj_desktop.handouts.blocks import map_text
from milpj_desktop.handouts.errors import HandoutError, TemplateSecurityError
from milpj_desktop.typography import typeset


@lru_cache(maxsize=8)
def environment(root: Path) -> ImmutableSandboxedEnvironment:
    """The sandboxed environment for one templates folder (one per folder, built once)."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(root), encoding="utf-8", followlinks=False),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=[],
    )
    # Nothing but what a layout needs: no cycler/joiner/lipsum/namespace objects to poke at.
    env.globals.clear()
    env.globals["range"] = range
    return env


def render(template_name: str, context: Mapping[str, Any], *, root: Path | None = None) -> str:
    """The single entry point that turns a template and its data into HTML, in French typography."""
    folder = (root or paths.templates_dir()).resolve()
    env = environment(folder)
    try:
        template = env.get_template(template_name)
        return map_text(template.render(dict(context)), typeset)
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

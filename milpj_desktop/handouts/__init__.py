"""Printable handouts (fiches imprimables): manifests, parameter validation, sandboxed rendering, history."""

from milpj_desktop.handouts.build import Handout, Letterhead, prepare, prepare_batch
from milpj_desktop.handouts.environment import render
from milpj_desktop.handouts.errors import HandoutError, HandoutParamError, TemplateSecurityError
from milpj_desktop.handouts.manifest import HandoutTemplate, get_template, load_templates

__all__ = [
    "Handout",
    "HandoutError",
    "HandoutParamError",
    "HandoutTemplate",
    "Letterhead",
    "TemplateSecurityError",
    "get_template",
    "load_templates",
    "prepare",
    "prepare_batch",
    "render",
]

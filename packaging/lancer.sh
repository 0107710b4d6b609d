#!/usr/bin/env bash
# Installe ce qu'il faut (paquets système de Qt, environnement Python) puis ouvre « 1000 premiers jours — Outil des professionnels ». Sans réseau une fois installé :
# pip ne tourne que si pyproject.toml a changé (voir ensure_venv dans env.sh).
# Au premier lancement, la fenêtre demande de choisir une phrase secrète et charge les contenus embarqués.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_system_packages $QT_RUNTIME_PACKAGES
ensure_venv ""
exec "$VENV/bin/milpj-desktop" "$@"

#!/usr/bin/env bash
# Installe ce qu'il faut (paquets système de Qt, environnement Python) puis ouvre milpj_desktop.
# Au premier lancement, la fenêtre demande de choisir une phrase secrète et charge les contenus embarqués.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_system_packages $QT_RUNTIME_PACKAGES
ensure_venv ""
exec "$VENV/bin/milpj-desktop" "$@"

#!/usr/bin/env bash
# Installe l'extra « serveur » (FastAPI, uvicorn) si besoin, puis lance le serveur de référence.
# Exemple : bash packaging/serveur.sh --demo --port 8765
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_venv "serveur"
exec "$VENV/bin/milpj-serveur" "$@"

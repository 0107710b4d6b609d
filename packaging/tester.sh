#!/usr/bin/env bash
# Installe les outils de développement puis lance toutes les vérifications : ruff, mypy (strict), pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_system_packages $QT_RUNTIME_PACKAGES poppler-utils zbar-tools
ensure_venv "dev,serveur"
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
echo "== ruff"
"$VENV/bin/ruff" check .
echo "== mypy (strict)"
"$VENV/bin/mypy"
echo "== pytest"
"$VENV/bin/pytest" "$@"

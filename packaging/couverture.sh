#!/usr/bin/env bash
# Couverture des tests, processus fils compris (les commandes lancées par les tests, le serveur de
# référence, les processus d'aide de la synchronisation), puis un tableau par paquet.
# Usage : bash packaging/couverture.sh [arguments de pytest]   (ex. -x tests/test_cli_store.py)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_system_packages $QT_RUNTIME_PACKAGES poppler-utils
ensure_venv "dev,serveur"
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
rm -rf .couverture && mkdir -p .couverture
status=0
"$VENV/bin/coverage" run -m pytest -q -p no:cacheprovider "$@" || status=$?
"$VENV/bin/coverage" combine -q
"$VENV/bin/coverage" json -q -o .couverture/couverture.json
"$VENV/bin/python" packaging/couverture_paquets.py .couverture/couverture.json
echo "Détail par fichier : $VENV/bin/coverage report (ou coverage html, dans .couverture/)"
exit $status

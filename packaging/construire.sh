#!/usr/bin/env bash
# Construit le paquet autonome dist/milpj-desktop/ (PyInstaller, un dossier) : installe ce qu'il faut
# (paquets système de Qt, environnement Python avec PyInstaller), construit, puis ajoute l'entrée de
# menu, les icônes et installer.sh. Vérifier ensuite : bash packaging/verifier-paquet.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_system_packages $QT_RUNTIME_PACKAGES binutils
ensure_venv "paquet"
cd "$ROOT"

DIST="$ROOT/dist/milpj-desktop"
rm -rf "$DIST"
"$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build" "$ROOT/packaging/milpj-desktop.spec"

# Intégration au bureau Linux, à côté de l'exécutable.
mkdir -p "$DIST/share/applications" "$DIST/share/icons"
cp "$ROOT/packaging/linux/milpj-desktop.desktop" "$DIST/share/applications/"
cp -r "$ROOT/build/icones/hicolor" "$DIST/share/icons/"
cp "$ROOT/packaging/linux/installer.sh" "$DIST/installer.sh"
chmod +x "$DIST/installer.sh"

size=$(du -sh "$DIST" | cut -f1)
echo "Paquet construit : $DIST ($size). Vérification : bash packaging/verifier-paquet.sh"

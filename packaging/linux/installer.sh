#!/usr/bin/env bash
# Installe « 1000 premiers jours — Outil des professionnels » pour l'utilisateur courant (ou pour tous, lancé en root) à partir de ce dossier :
# lien de commande, entrée de menu (.desktop) et icônes. Désinstaller : installer.sh --retirer
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ "$(id -u)" -eq 0 ]; then PREFIX="${PREFIX:-/usr/local}"; else PREFIX="${PREFIX:-$HOME/.local}"; fi
BIN="$PREFIX/bin/milpj-desktop"
DESKTOP="$PREFIX/share/applications/milpj-desktop.desktop"
ICONS="$PREFIX/share/icons/hicolor"

if [ "${1:-}" = "--retirer" ]; then
    rm -f "$BIN" "$DESKTOP"
    find "$ICONS" -name 'milpj-desktop.*' -delete 2>/dev/null || true
    echo "1000 premiers jours — Outil des professionnels retiré de $PREFIX (vos données chiffrées ne sont pas touchées)."
    exit 0
fi

mkdir -p "$PREFIX/bin" "$PREFIX/share/applications" "$ICONS"
ln -sf "$HERE/milpj-desktop" "$BIN"
sed "s|^Exec=.*|Exec=$HERE/milpj-desktop|; s|^TryExec=.*|TryExec=$HERE/milpj-desktop|" \
    "$HERE/share/applications/milpj-desktop.desktop" > "$DESKTOP"
cp -r "$HERE/share/icons/hicolor/." "$ICONS/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$PREFIX/share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true
echo "1000 premiers jours — Outil des professionnels installé : commande $BIN, entrée de menu $DESKTOP."

#!/usr/bin/env bash
# Capture d'écran de la fenêtre sous Xvfb (affichage X virtuel), comme à l'ouverture par une personne :
# magasin créé par « init » (MILPJ_PASSPHRASE), fenêtre lancée, phrase secrète tapée au clavier (xdotool)
# dans la boîte « Déverrouiller », puis capture (ImageMagick import). Aucun chemin réservé aux tests.
#   bash packaging/capture-fenetre.sh [EXÉCUTABLE] [SORTIE.png]
# EXÉCUTABLE : dist/milpj-desktop/milpj-desktop par défaut (le paquet) ; .venv/bin/milpj-desktop pour le dépôt.
# CAPTURE_TOUCHES="ctrl+plus ctrl+4" : touches tapées (xdotool key) avant la capture.
# Besoins : xvfb (xvfb-run), xdotool, imagemagick (paquets Debian du même nom).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APP=$(realpath "${1:-$ROOT/dist/milpj-desktop/milpj-desktop}")
OUT=$(realpath -m "${2:-$ROOT/build/capture-accueil.png}")
for tool in xvfb-run xdotool import; do
    command -v "$tool" >/dev/null || { echo "Outil manquant : $tool (apt-get install xvfb xdotool imagemagick)" >&2; exit 1; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PASS="phrase de la capture"
mkdir -p "$(dirname "$OUT")"
env -u QT_QPA_PLATFORM MILPJ_DATA_DIR="$WORK/donnees" MILPJ_PASSPHRASE="$PASS" "$APP" init >/dev/null

cat >"$WORK/scenario.sh" <<SCENARIO
set -eu
"$APP" >"$WORK/fenetre.log" 2>&1 &
pid=\$!
for _ in \$(seq 100); do
    win=\$(xdotool search --name "Déverrouiller" 2>/dev/null | head -n1 || true)
    [ -n "\$win" ] && break
    sleep 0.2
done
[ -n "\$win" ] || { echo "boîte Déverrouiller introuvable" >&2; cat "$WORK/fenetre.log" >&2; kill \$pid; exit 1; }
xdotool windowactivate --sync "\$win" 2>/dev/null || xdotool windowfocus --sync "\$win"
xdotool type --delay 20 "$PASS"
xdotool key Return
for _ in \$(seq 100); do
    xdotool search --name "Déverrouiller" >/dev/null 2>&1 || break
    sleep 0.2
done
sleep 1
if [ -n "${CAPTURE_TOUCHES:-}" ]; then
    win=\$(xdotool search --name "— 1000 premiers jours — Outil des professionnels" | head -n1)
    xdotool windowfocus --sync "\$win" 2>/dev/null || true
    xdotool key --delay 400 ${CAPTURE_TOUCHES:-}
fi
sleep \${CAPTURE_DELAI:-2}
import -window root "$OUT"
kill \$pid
wait \$pid || true
SCENARIO
env -u QT_QPA_PLATFORM MILPJ_DATA_DIR="$WORK/donnees" xvfb-run -a -s "-screen 0 1280x800x24" bash "$WORK/scenario.sh"
echo "Capture : $OUT"

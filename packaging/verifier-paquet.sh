#!/usr/bin/env bash
# Vérifie le paquet construit (dist/milpj-desktop/, ou le dossier donné en argument) sans aucun Python
# sur le PATH : --version, init dans un dossier temporaire, verifier, phrase erronée (erreur attendue),
# fiche PDF sans écran si la commande « fiche » existe, synchronisation de 6 000 fiches depuis le
# serveur de référence, démarrage de la fenêtre (hors écran).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SOURCE=$(cd "${1:-$ROOT/dist/milpj-desktop}" && pwd)
[ -x "$SOURCE/milpj-desktop" ] || { echo "Paquet introuvable : $SOURCE (lancez bash packaging/construire.sh)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Copie ailleurs : le paquet ne doit dépendre ni de son emplacement ni du dépôt.
cp -a "$SOURCE" "$WORK/paquet"
APP="$WORK/paquet/milpj-desktop"
mkdir -p "$WORK/vide" "$WORK/maison" "$WORK/donnees"
mkdir -p -m 700 "$WORK/runtime"
PASS="phrase secrète du test de fumée"

fail() { echo "ÉCHEC : $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

# Environnement vidé : PATH sans aucun programme (donc sans python), ni PYTHONPATH, ni venv.
# Variables supplémentaires : run NOM=valeur … "$APP" arguments.
run() {
    env -i PATH="$WORK/vide" HOME="$WORK/maison" LANG=C.UTF-8 \
        XDG_CONFIG_HOME="$WORK/maison/config" XDG_RUNTIME_DIR="$WORK/runtime" \
        MILPJ_DATA_DIR="$WORK/donnees" "$@"
}
run /bin/sh -c 'command -v python3 || command -v python' >/dev/null 2>&1 && fail "un Python est visible sur le PATH du test"
ok "aucun Python sur le PATH"

out=$(run "$APP" --version) || fail "--version a échoué"
[[ "$out" =~ ^milpj-desktop\ [0-9]+\.[0-9]+\.[0-9]+ ]] || fail "--version inattendu : $out"
ok "--version : $out"

find "$WORK/paquet" -name qtbase_fr.qm | grep -q . || fail "traduction française de Qt absente du paquet (qtbase_fr.qm)"
ok "traduction française de Qt présente (qtbase_fr.qm)"

out=$(run MILPJ_PASSPHRASE="$PASS" "$APP" init) || fail "init a échoué : $out"
grep -q "Contenus chargés : [1-9][0-9]* articles" <<<"$out" || fail "init n'a pas chargé les contenus : $out"
[ -s "$WORK/donnees/milpj.db" ] || fail "init n'a pas créé milpj.db"
head -c 15 "$WORK/donnees/milpj.db" | grep -q "SQLite format" && fail "milpj.db n'est pas chiffré"
ok "init : $(tail -n1 <<<"$out")"

out=$(run MILPJ_PASSPHRASE="$PASS" "$APP" verifier) || fail "verifier a échoué : $out"
ok "verifier : $out"

set +e
err=$(run MILPJ_PASSPHRASE="pas la bonne phrase" "$APP" verifier 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] || fail "phrase erronée : code $code au lieu de 2 ($err)"
[ "$(wc -l <<<"$err")" -eq 1 ] && grep -q "incorrecte" <<<"$err" || fail "phrase erronée : message inattendu : $err"
ok "phrase erronée refusée (code 2) : $err"

if run "$APP" --help | grep -qw "fiche"; then
    # Sans QT_QPA_PLATFORM ni DISPLAY : la commande doit se débrouiller seule (offscreen).
    MODELE="${MODELE:-fiche-etape}"
    PARAM="${PARAM:-etape=3}"
    out=$(run MILPJ_PASSPHRASE="$PASS" "$APP" fiche --modele "$MODELE" --param "$PARAM" --pdf "$WORK/fiche.pdf" 2>&1) \
        || fail "fiche --modele $MODELE --param $PARAM --pdf a échoué : $out"
    head -c 5 "$WORK/fiche.pdf" | grep -q "%PDF-" || fail "la fiche n'est pas un PDF"
    if command -v pdftotext >/dev/null 2>&1; then
        words=$(pdftotext "$WORK/fiche.pdf" - | wc -w)
        [ "$words" -gt 20 ] || fail "la fiche PDF ne contient presque pas de texte ($words mots)"
        ok "fiche PDF « $MODELE » sans écran : $(stat -c %s "$WORK/fiche.pdf") octets, $words mots"
    else
        ok "fiche PDF « $MODELE » sans écran : $(stat -c %s "$WORK/fiche.pdf") octets"
    fi
else
    echo "--   commande « fiche » absente de ce paquet : PDF non vérifié"
fi

# Synchronisation depuis le serveur de référence (lancé avec le Python du dépôt, s'il est là) : un
# annuaire de 6 000 fiches fait démarrer les processus d'aide à la vérification, qui partent du même
# exécutable ; la synchronisation doit réussir, le magasin rester intègre et aucun processus rester.
SERVEUR_PY="$ROOT/.venv/bin/python"
if [ -x "$SERVEUR_PY" ]; then
    PORT=$("$SERVEUR_PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    (cd "$ROOT" && exec "$SERVEUR_PY" -m sync.server.cli --base "$WORK/serveur.db" --demo --taille-annuaire 6000 \
        --port "$PORT" >"$WORK/serveur.log" 2>&1) &
    SERVEUR=$!
    trap 'kill "$SERVEUR" 2>/dev/null || true; rm -rf "$WORK"' EXIT
    for _ in $(seq 1 240); do
        "$SERVEUR_PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/v1/sante', timeout=1)" \
            2>/dev/null && break
        sleep 0.5
    done
    DEPTS=$("$SERVEUR_PY" -c "print(','.join([f'{i:02d}' for i in range(1, 96) if i != 20] + ['2A', '2B', '971', '972', '973', '974', '976']))")
    out=$(run MILPJ_PASSPHRASE="$PASS" MILPJ_JETON=jeton-demo-1000pj "$APP" synchroniser --serveur "http://127.0.0.1:$PORT" \
        --departements "$DEPTS" --json 2>"$WORK/synchro.err") || fail "synchroniser a échoué : $(cat "$WORK/synchro.err")"
    fiches=$("$SERVEUR_PY" -c "import json, sys; d = json.loads(sys.argv[1]); print(d['statut'], d['collections']['directory']['ajoutes'])" "$out")
    [ "$fiches" = "reussie 6000" ] || fail "synchronisation inattendue : $fiches"
    sleep 1
    pgrep -f "$WORK/paquet" >/dev/null && fail "des processus du paquet restent après la synchronisation"
    out=$(run MILPJ_PASSPHRASE="$PASS" "$APP" verifier) || fail "verifier après synchronisation a échoué : $out"
    kill "$SERVEUR" 2>/dev/null || true
    ok "synchronisation de 6 000 structures (processus d'aide) puis verifier : $out"
else
    echo "--   pas de Python dans $ROOT/.venv : synchronisation non vérifiée"
fi

# La fenêtre démarre (plateforme offscreen) et attend la phrase secrète : vivante après 5 s.
set +e
timeout 5 env -i PATH="$WORK/vide" HOME="$WORK/maison" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
    MILPJ_DATA_DIR="$WORK/donnees" "$APP" >"$WORK/fenetre.log" 2>&1; code=$?
set -e
[ "$code" -eq 124 ] || fail "la fenêtre s'est arrêtée (code $code) : $(cat "$WORK/fenetre.log")"
[ -s "$WORK/donnees/journaux/milpj-desktop.log" ] || fail "aucun journal écrit dans $WORK/donnees/journaux"
grep -q "$PASS" "$WORK/donnees/journaux/"* && fail "la phrase secrète apparaît dans le journal"
ok "fenêtre ouverte sans erreur, journal écrit ($(basename "$WORK/donnees/journaux/milpj-desktop.log"))"
echo "Paquet vérifié : $SOURCE"

# Shared by lancer.sh and tester.sh: system libraries Qt needs, then the virtual environment.
# Sourced, not run. Messages in French, for people.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="${MILPJ_VENV:-$ROOT/.venv}"

# Libraries PySide6 needs on Debian/Ubuntu: offscreen (tests, PDF) and a real X11/Wayland display.
QT_RUNTIME_PACKAGES="libegl1 libgl1 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 libglib2.0-0 \
libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 \
libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb1 libx11-xcb1 fonts-dejavu-core"

ensure_system_packages() {
    # Install the Debian packages that are missing (as root, or through sudo); say so otherwise.
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installation des paquets système manquants : ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            echo "Impossible d'installer ces paquets sans droits administrateur. Demandez à votre service informatique : apt-get install ${missing[*]}" >&2
            return 1
        fi
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && \
           "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    echo "Python 3.11 ou plus récent est nécessaire (python3 --version)." >&2
    return 1
}

dependencies_hash() {
    # What pip would install depends only on pyproject.toml (the code itself is installed editable).
    sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1
}

extras_covered() {
    # $1: extras wanted, $2: extras installed (comma-separated): true if each wanted one is installed.
    local wanted
    for wanted in ${1//,/ }; do
        case ",$2," in *",$wanted,"*) ;; *) return 1 ;; esac
    done
}

ensure_venv() {
    # $1: the extras to install, e.g. "dev,serveur" (empty for the app alone).
    # pip runs only when the venv is new, pyproject.toml changed or an extra is missing: a launch with
    # everything in place needs no network (a midwife at a family's home opens the app offline).
    local extras="$1" python stamp="$VENV/.installation-milpj" wanted_hash installed_hash="" installed_extras=""
    wanted_hash=$(dependencies_hash)
    if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ]; then
        installed_hash=$(sed -n 1p "$stamp")
        installed_extras=$(sed -n 2p "$stamp")
        if [ "$installed_hash" = "$wanted_hash" ] && extras_covered "$extras" "$installed_extras"; then
            return 0
        fi
    fi
    python=$(find_python) || return 1
    if [ ! -x "$VENV/bin/python" ]; then
        if ! "$python" -m venv "$VENV" 2>/dev/null; then
            ensure_system_packages python3-venv
            "$python" -m venv "$VENV" || return 1
        fi
        "$VENV/bin/python" -m pip install -q --upgrade pip || return 1
    fi
    # Keep the extras installed before (lancer.sh after tester.sh must not drop the test tools).
    local all="$installed_extras" wanted
    for wanted in ${extras//,/ }; do
        extras_covered "$wanted" "$all" || all="${all:+$all,}$wanted"
    done
    local target="$ROOT"
    [ -n "$all" ] && target="$ROOT[$all]"
    echo "Installation des dépendances Python dans $VENV (première fois, ou pyproject.toml a changé)…"
    if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$target"; then
        echo "L'installation des dépendances a échoué (pas de réseau ?). Relancez une fois connecté." >&2
        return 1
    fi
    printf '%s\n%s\n' "$wanted_hash" "$all" > "$stamp"
}

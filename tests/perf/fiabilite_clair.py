"""Plaintext scan: after a full session, no byte of a known stored value is readable on disk.

The session runs the real programs in separate processes, in a fresh folder, with every place a
program may write redirected inside it (data folder, its logs, TMPDIR, HOME, XDG folders):
``init`` → ``annuaire importer`` (our CSV with distinctive values; the real town halls in the full
run) → a private note → ``synchroniser`` against the reference server (when it is installed) →
``rechercher`` / ``annuaire rechercher`` → ``fiche … --pdf`` (written outside the scanned folders,
as a person would choose) → the window: unlock, search, lock (Ctrl+L).

Then every file of the scanned folders is read and each known value (UTF-8, lower case, UTF-16)
is counted: the figure is the number of bytes found, goal 0. The passphrase is one of the values.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.perf._report import Row, emit, quick, say  # noqa: E402

PASSPHRASE = "phrase secrete des bancs de mesure"  # the same as _fenetre.py's (ASCII for the window)
MAIRIES_CSV = Path("/work/shared/data/mairies.csv")
TOKEN = "jeton-banc-clair-7Qm2"

# Distinctive values: found nowhere else, long enough never to occur by chance in ciphertext.
LOCAL_NAME = "Maison des familles Zéphyrine Quillebœuf"
NATIONAL_NAME = "Crèche Théodorine Vasseur-Kerbrat"
ADDRESS = "17 impasse des Cormorans-Argentés"
EMAIL = "zephyrine.quilleboeuf@example.org"
WEBSITE = "quilleboeuf-familles.example.org"
PHONE_FORMS = ("01 99 00 42 17", "0199004217", "+33199004217", "+33 1 99 00 42 17")
NOTE = "Famille suivie rue des Hortensias-Bleus, code porte 4817B"
SEARCH = "Zéphyrine"


@dataclass
class Session:
    """Where the session writes, and what it did."""

    root: Path
    steps: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    needles: list[str] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.root / "donnees"

    @property
    def inputs(self) -> Path:
        return self.root / "entrees"

    @property
    def outputs(self) -> Path:
        return self.root / "sorties"

    def scanned(self) -> list[Path]:
        """Everything the programs could write to, i.e. the whole root but our inputs and outputs."""
        return [p for p in self.root.iterdir() if p.name not in ("entrees", "sorties", "serveur")]

    def env(self) -> dict[str, str]:
        home = self.root / "home"
        env = dict(os.environ)
        env.update(
            {
                "MILPJ_DATA_DIR": str(self.data),
                "MILPJ_PASSPHRASE": PASSPHRASE,
                "TMPDIR": str(self.root / "tmp"),
                "TEMP": str(self.root / "tmp"),
                "TMP": str(self.root / "tmp"),
                "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_CACHE_HOME": str(home / ".cache"),
                "XDG_DATA_HOME": str(home / ".local" / "share"),
                "XDG_STATE_HOME": str(home / ".local" / "state"),
                "XDG_RUNTIME_DIR": str(self.root / "run"),
                "QT_QPA_PLATFORM": "offscreen",
                "PYTHONPATH": str(REPO),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        return env

    def prepare(self) -> None:
        for name in ("donnees", "entrees", "sorties", "tmp", "home", "run"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        os.chmod(self.root / "run", 0o700)

    def cli(
        self, *args: str, check: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "ui.cli", *args],
            cwd=self.root,
            env=env or self.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(
                f"milpj-desktop {' '.join(args)} : code {done.returncode} : {done.stderr.strip()[-500:]}"
            )
        self.steps.append(args[0] if args[0] != "annuaire" else f"annuaire {args[1]}")
        return done


# -- the session ------------------------------------------------------------------------------
def _our_csv(path: Path) -> None:
    header = ["identifiant_national", "nature", "type", "nom", "adresse", "code_postal", "commune"]
    header += ["telephone", "courriel", "site_web", "horaires", "source"]
    rows = [
        [
            *("", "structure", "association-parentalite", LOCAL_NAME, ADDRESS, "25000", "Besançon"),
            *(PHONE_FORMS[0], EMAIL, WEBSITE, "lundi-vendredi 9h-12h, 14h-17h", "saisie du banc"),
        ],
        [
            *("banc-clair-0001", "structure", "creche", NATIONAL_NAME, "3 rue Lecourbe", "25000", "Besançon"),
            *("", "", "", "lundi-vendredi 7h30-18h30", "banc de mesure"),
        ],
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


def _add_note(session: Session) -> None:
    code = (
        "from milpj_desktop import paths\n"
        "from milpj_desktop.store import Store\n"
        "from milpj_desktop.directory import repository as r\n"
        "s = Store.open(paths.store_path(), " + repr(PASSPHRASE) + ")\n"
        "with s.transaction() as c:\n"
        "    ident = c.execute('SELECT uuid FROM directory_local LIMIT 1').fetchone()[0]\n"
        "    r.set_note(c, r.LOCAL_PREFIX + ident, " + repr(NOTE) + ")\n"
        "    r.set_note(c, 'banc-clair-0001', " + repr(NOTE + " (nationale)") + ")\n"
        "s.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=session.env(), capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"note privée : {done.stderr.strip()[-500:]}")
    session.steps.append("note privée")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sync_available() -> bool:
    """The reference server and the client command both exist in this checkout."""
    from ui.cli import COMMAND_MODULES

    return (REPO / "sync" / "server" / "cli.py").exists() and "sync.commands" in COMMAND_MODULES


def _sync(session: Session, size: int) -> None:
    if not sync_available():
        session.skipped.append("synchronisation (serveur de référence absent)")
        return
    server_dir = session.root / "serveur"
    server_dir.mkdir(exist_ok=True)
    port = _free_port()
    env = session.env()
    env["MILPJ_SERVEUR_BASE"] = str(server_dir / "serveur.sqlite3")
    env["TMPDIR"] = str(server_dir)
    log = (server_dir / "serveur.log").open("w")
    server_args = ("--jeton", TOKEN, "--port", str(port))
    server = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", *("--demo", "--taille-annuaire", str(size)), *server_args],
        cwd=server_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("le serveur de référence s'est arrêté au démarrage") from None
                time.sleep(0.2)
        client_env = session.env()
        client_env["MILPJ_JETON"] = TOKEN
        done = session.cli(
            "synchroniser", "--serveur", f"http://127.0.0.1:{port}", "--departements", "25,39", "--json",
            env=client_env, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            session.skipped.append(f"synchronisation en échec : {done.stderr.strip()[-200:]}")
        else:
            session.steps[-1] = f"synchroniser ({_added(done.stdout)} enregistrements reçus)"
        session.needles.append(TOKEN)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _added(text: str) -> int:
    """Records added according to `synchroniser --json` (any 'ajout…'/'added' counts)."""
    try:
        data = json.loads(text)
    except ValueError:
        return 0

    def walk(node: object) -> int:
        if isinstance(node, dict):
            return sum(
                v if isinstance(v, int) and (k.startswith("ajout") or k == "added") else walk(v)
                for k, v in node.items()
            )
        if isinstance(node, list):
            return sum(walk(v) for v in node)
        return 0

    return walk(data)


def _window(session: Session) -> None:
    done = subprocess.run(
        [sys.executable, str(HERE / "_fenetre.py"), "appli", str(session.data), "--recherche", SEARCH, "--verrouiller"],
        env=session.env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if "PRET" not in done.stdout:
        raise RuntimeError(f"fenêtre : {(done.stdout + done.stderr).strip()[-300:]}")
    session.steps.append("fenêtre (déverrouiller, rechercher, verrouiller)")


def mairie_names(count: int) -> list[str]:
    """Long names of real town halls, spread over the file (they are imported in the full run)."""
    if not MAIRIES_CSV.exists():
        return []
    with MAIRIES_CSV.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        column = next((c for c in reader.fieldnames or [] if c.lower() in ("nom", "name", "libelle")), None)
        if column is None:
            return []
        names = [row[column] for row in reader if len(row[column] or "") >= 18]
    step = max(1, len(names) // max(count, 1))
    return names[::step][:count]


def content_values(limit: int) -> list[str]:
    """Article titles and summaries of the embedded pack (loaded, encrypted, at init)."""
    out: list[str] = []
    for path in sorted((REPO / "ressources" / "contenus" / "articles").glob("*.json"))[:limit]:
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in ("title", "titre", "summary", "resume"):
            value = data.get(key)
            if isinstance(value, str) and len(value) >= 16:
                out.append(value)
    return out


def run_session(root: Path, *, full: bool, sync: bool = True, window: bool = True, sync_size: int = 2000) -> Session:
    """Init, import, note, sync, search, handout, window lock — in root."""
    session = Session(root)
    session.prepare()
    session.cli("init")
    _our_csv(session.inputs / "annuaire.csv")
    session.cli("annuaire", "importer", str(session.inputs / "annuaire.csv"))
    if full and MAIRIES_CSV.exists():
        session.cli("annuaire", "importer", str(MAIRIES_CSV))
    _add_note(session)
    if sync:
        _sync(session, sync_size)
    session.cli("rechercher", SEARCH)
    session.cli("annuaire", "rechercher", "quillebœuf", "--json")
    session.cli("annuaire", "rechercher", "--autour", "25000", "--rayon", "5")
    handout = session.cli(
        "fiche", "--modele", "contacts-utiles", "--param", "commune=25000", "--param", "rayon=5",
        "--param", "types=association-parentalite,creche,mairie", "--pdf", str(session.outputs / "contacts.pdf"),
        check=False,
    )  # fmt: skip
    if handout.returncode != 0:
        session.skipped.append(f"fiche PDF : {handout.stderr.strip()[-200:]}")
    if window:
        _window(session)
    session.needles += [LOCAL_NAME, NATIONAL_NAME, ADDRESS, EMAIL, WEBSITE, *PHONE_FORMS, NOTE, PASSPHRASE]
    session.needles += content_values(40 if full else 10)
    if full:
        session.needles += mairie_names(300)
    return session


# -- the scan -----------------------------------------------------------------------------------
@dataclass
class Finding:
    path: Path
    needle: str
    count: int
    size: int


def _forms(needle: str) -> set[bytes]:
    forms = {needle.encode("utf-8"), needle.lower().encode("utf-8")}
    if len(needle) >= 6:
        forms.add(needle.encode("utf-16-le"))
    return forms


def files_under(folders: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for folder in folders:
        if folder.is_file():
            out.append(folder)
        elif folder.is_dir():
            out += [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return out


def scan(folders: Iterable[Path], needles: Sequence[str]) -> list[Finding]:
    """Every occurrence of every needle (in each of its forms) in every file under the folders."""
    patterns = [(needle, form) for needle in dict.fromkeys(needles) for form in _forms(needle)]
    findings: list[Finding] = []
    for path in files_under(folders):
        try:
            content = path.read_bytes()
        except OSError:
            continue
        lowered = content.lower()
        for needle, form in patterns:
            count = lowered.count(form.lower()) if form.isascii() else content.count(form)
            if count:
                findings.append(Finding(path, needle, count, count * len(form)))
    return findings


def main() -> int:
    full = not quick()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="banc-clair-") as tmp:
        root = Path(tmp)
        say("session complète…")
        session = run_session(root, full=full)
        folders = session.scanned()
        files = files_under(folders)
        total_bytes = sum(p.stat().st_size for p in files)
        findings = scan(folders, session.needles)
        control = scan([session.inputs], [LOCAL_NAME])  # the scan must see plaintext where it is
        found = sum(f.size for f in findings)
        where = sorted({f"{f.path.relative_to(root)} : « {f.needle[:40]} »" for f in findings})
        for line in where[:20]:
            say(f"  trouvé : {line}")
        if os.environ.get("MILPJ_BANC_GARDER"):
            shutil.copytree(root, Path(os.environ["MILPJ_BANC_GARDER"]), dirs_exist_ok=True)
    took = time.perf_counter() - started
    note = (
        f"{len(session.needles)} valeurs cherchées dans {len(files)} fichiers ({total_bytes / 1e6:.1f} Mo) ; "
        f"étapes : {', '.join(session.steps)}"
    )
    if session.skipped:
        note += f" ; non faites : {'; '.join(session.skipped)}"
    if not control:
        note += " ; CONTRÔLE RATÉ : l'analyse ne voit pas le texte du fichier importé"
    if where:
        note += f" ; trouvé : {'; '.join(where[:3])}"
    say(f"session et analyse en {took:.0f} s")
    emit(
        [
            Row(
                figure="texte en clair sur le disque après une session complète (données, temporaires, journaux)",
                value=found,
                unit="octets",
                goal="0",
                ok=found == 0 and not session.skipped and bool(control),
                note=note,
            )
        ]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

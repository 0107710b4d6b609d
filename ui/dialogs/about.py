"""« À propos » : version, where the data lives, licences of the bundled components."""

from __future__ import annotations

import html
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from milpj_desktop import PRODUCT_NAME, __version__, paths
from milpj_desktop.directory import communes
from ui.clipboard import copy_text
from ui.qt import (
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QUrl,
    QVBoxLayout,
    QWidget,
    qVersion,
)


@dataclass(frozen=True)
class Component:
    name: str
    role: str
    licence: str
    url: str


# What the bundle ships; the full texts are in the *.dist-info folders beside the program.
COMPONENTS: tuple[Component, ...] = (
    Component(
        "Qt 6 et PySide6",
        "fenêtre, impression, PDF",
        "LGPLv3",
        "https://www.qt.io/licensing/open-source-lgpl-obligations",
    ),
    Component("Shiboken6", "liaison Python ↔ Qt", "LGPLv3", "https://wiki.qt.io/Qt_for_Python"),
    Component(
        "SQLCipher",
        "base de données chiffrée",
        "style BSD (Zetetic)",
        "https://www.zetetic.net/sqlcipher/license/",
    ),
    Component("SQLite", "moteur de base de données", "domaine public", "https://sqlite.org/copyright.html"),
    Component("sqlcipher3", "accès Python à SQLCipher", "zlib", "https://github.com/coleifer/sqlcipher3"),
    Component("OpenSSL", "cryptographie (dans SQLCipher)", "Apache-2.0", "https://www.openssl.org/source/license.html"),
    Component("pydantic, pydantic-core", "validation des données", "MIT", "https://github.com/pydantic/pydantic"),
    Component("Jinja2, MarkupSafe", "modèles des fiches", "BSD-3-Clause", "https://palletsprojects.com/"),
    Component("requests", "synchronisation HTTP", "Apache-2.0", "https://requests.readthedocs.io/"),
    Component("urllib3, charset-normalizer", "réseau", "MIT", "https://urllib3.readthedocs.io/"),
    Component("idna", "noms de domaine", "BSD-3-Clause", "https://github.com/kjd/idna"),
    Component("certifi", "certificats racines", "MPL-2.0", "https://github.com/certifi/python-certifi"),
    Component("platformdirs", "dossiers du système", "MIT", "https://github.com/tox-dev/platformdirs"),
    Component("Python", "langage et bibliothèque standard", "PSF-2.0", "https://docs.python.org/3/license.html"),
)

APP_LICENCE = "EUPL-1.2"


def locations() -> list[tuple[str, Path]]:
    """Where the data, journal, configuration and cache live on this computer."""
    return [
        ("Données chiffrées", paths.store_path()),
        ("Journaux et rapports d'erreur", paths.log_dir()),
        ("Réglages de la fenêtre", paths.config_dir()),
        ("Cache (jamais de données déchiffrées)", paths.cache_dir()),
    ]


def licence_texts_dir() -> Path:
    """Where the full licence texts are: beside the bundle's files, or in the Python environment."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


def about_text() -> str:
    """Plain text for the clipboard (a support request)."""
    lines = [
        f"{PRODUCT_NAME} {__version__}",
        f"Python {platform.python_version()}, Qt {qVersion()}, {platform.platform()}",
    ]
    lines += [f"{label} : {where}" for label, where in locations()]
    return "\n".join(lines)


def _licences_html() -> str:
    rows = "".join(
        f"<tr><td>{html.escape(c.name)}</td><td>{html.escape(c.role)}</td><td><b>{html.escape(c.licence)}</b></td>"
        f'<td><a href="{html.escape(c.url)}">{html.escape(c.url)}</a></td></tr>'
        for c in COMPONENTS
    )
    return (
        f"<p>{html.escape(PRODUCT_NAME)} est distribué sous licence <b>{APP_LICENCE}</b>. Il contient les composants suivants, "
        "chacun sous sa propre licence :</p>"
        '<table cellspacing="0" cellpadding="4" border="1">'
        "<tr><th>Composant</th><th>Rôle</th><th>Licence</th><th>Source</th></tr>"
        f"{rows}</table>"
        "<p>Qt et PySide6 sont liés dynamiquement (bibliothèques séparées dans le dossier du programme) : "
        "vous pouvez les remplacer par une version modifiée, comme le permet la LGPLv3.</p>"
        f"<p>Textes complets des licences : <code>{html.escape(str(licence_texts_dir()))}</code> "
        "(dossiers <code>*.dist-info</code>).</p>"
    )


def _data_html() -> str:
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td><code>{html.escape(str(where))}</code></td></tr>"
        for label, where in locations()
    )
    return (
        '<table cellspacing="0" cellpadding="4">'
        f"{rows}</table>"
        "<p>Les données de l'annuaire et les réglages sont dans un seul fichier chiffré (SQLCipher 4). "
        "La phrase secrète n'est enregistrée nulle part. Les journaux ne contiennent ni données "
        "déchiffrées, ni phrase secrète, ni jeton.</p>"
        f"<p>Liste des communes : {html.escape(gazetteer_source())}.</p>"
    )


def gazetteer_source() -> str:
    """Which official list of communes the app carries (its version, recorded when it was rebuilt)."""
    gaz = communes.gazetteer()
    return f"{gaz.source} — {len(gaz.communes)} communes et arrondissements, {len(gaz.former)} anciennes communes"


class AboutDialog(QDialog):
    """Three tabs: the program, its data, its licences; Échap closes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("À propos")
        self.setAccessibleName(f"À propos de {PRODUCT_NAME}")
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        heading = QLabel(
            f"<h2>{html.escape(PRODUCT_NAME)}</h2><p>Version {html.escape(__version__)}</p>"
            "<p>Outil des professionnels du programme <b>1000 premiers jours</b> : articles nationaux "
            "consultables hors ligne, annuaire chiffré des structures, fiches imprimables pour les familles, "
            "synchronisation.</p>"
            f"<p>Python {html.escape(platform.python_version())} · Qt {html.escape(qVersion())} · "
            f"{html.escape(platform.system())}</p>"
        )
        heading.setWordWrap(True)
        heading.setObjectName("a-propos-entete")
        layout.addWidget(heading)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Rubriques")
        self.data_view = self._browser(_data_html(), "Où sont vos données")
        self.licences_view = self._browser(_licences_html(), "Licences des composants")
        self.tabs.addTab(self.data_view, "&Vos données")
        self.tabs.addTab(self.licences_view, "&Licences")
        layout.addWidget(self.tabs)

        buttons = QDialogButtonBox()
        self.open_data = QPushButton("&Ouvrir le dossier des données")
        self.open_data.setAccessibleDescription("Ouvre le dossier des données dans le gestionnaire de fichiers")
        self.copy = QPushButton("&Copier les informations")
        self.copy.setAccessibleDescription("Copie la version et les emplacements, pour une demande d'assistance")
        self.close_button = buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.open_data, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.open_data.clicked.connect(self._open_data_folder)
        self.copy.clicked.connect(self._copy)
        layout.addWidget(buttons)
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _browser(self, body: str, name: str) -> QTextBrowser:
        view = QTextBrowser()
        view.setOpenExternalLinks(True)
        view.setHtml(body)
        view.setAccessibleName(name)
        return view

    def _open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data_dir())))

    def _copy(self) -> None:
        copy_text(about_text())

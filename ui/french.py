"""Qt's own texts in French whatever the system says: message boxes, file and print dialogs, calendars.

Qt ships its translations beside the library (PySide6/Qt/translations/qtbase_fr.qm); the bundle
built by PyInstaller carries the same file (packaging/milpj-desktop.spec collects it).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from ui.qt import PYSIDE_DIR, QApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
CATALOGUE = "qtbase_fr"


def translation_dirs() -> list[Path]:
    """Where qtbase_fr.qm may be: Qt's own answer first, then PySide6's folder, then the bundle's."""
    found = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)), PYSIDE_DIR / "Qt" / "translations"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / "PySide6" / "Qt" / "translations")
    return found


def install_french(app: QApplication) -> bool:
    """French default locale and Qt's French catalogue, once per application; True if the catalogue loaded."""
    QLocale.setDefault(FRENCH)
    existing = app.findChild(QTranslator, CATALOGUE)
    if isinstance(existing, QTranslator):
        return True
    for folder in translation_dirs():
        translator = QTranslator(app)
        translator.setObjectName(CATALOGUE)
        if translator.load(FRENCH, "qtbase", "_", str(folder)):
            app.installTranslator(translator)
            return True
        translator.deleteLater()
    log.warning(
        "Traductions de Qt introuvables (%s.qm) : les boîtes de dialogue de Qt resteront en anglais.", CATALOGUE
    )
    return False

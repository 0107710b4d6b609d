"""Colours and text size: the State's design system palette (DSFR), high-contrast friendly.

The palette and style sheet are applied only when the system does not ask for high contrast;
then the system's own colours stay. The text size (zoom) is the application font, so every widget
and every rich-text page follows it; it is kept in the window's QSettings.
"""

from __future__ import annotations

from milpj_desktop import paths
from ui.qt import QApplication, QColor, QFont, QGuiApplication, QPalette, QSettings, QStyleFactory, Qt

BLUE_FRANCE = "#000091"
RED_MARIANNE = "#E1000F"
GREY_TEXT = "#161616"
GREY_DISABLED = "#666666"
GREY_BACKGROUND = "#F6F6F6"

ZOOM_KEY = "affichage/taille_texte"
ZOOM_MIN, ZOOM_MAX, ZOOM_STEP, ZOOM_DEFAULT = 70, 200, 10, 100


def high_contrast_requested() -> bool:
    """Whether the platform asks for high contrast (Windows, GNOME, macOS "Increase contrast")."""
    hints = QGuiApplication.styleHints()
    return bool(hints.accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast)


def palette() -> QPalette:
    colours = {
        QPalette.ColorRole.Window: GREY_BACKGROUND,
        QPalette.ColorRole.WindowText: GREY_TEXT,
        QPalette.ColorRole.Base: "#FFFFFF",
        QPalette.ColorRole.AlternateBase: GREY_BACKGROUND,
        QPalette.ColorRole.Text: GREY_TEXT,
        QPalette.ColorRole.Button: "#FFFFFF",
        QPalette.ColorRole.ButtonText: BLUE_FRANCE,
        QPalette.ColorRole.Highlight: BLUE_FRANCE,
        QPalette.ColorRole.HighlightedText: "#FFFFFF",
        QPalette.ColorRole.Link: BLUE_FRANCE,
        QPalette.ColorRole.LinkVisited: "#6A6AF4",
        QPalette.ColorRole.ToolTipBase: GREY_TEXT,
        QPalette.ColorRole.ToolTipText: "#FFFFFF",
        QPalette.ColorRole.PlaceholderText: GREY_DISABLED,
        QPalette.ColorRole.BrightText: RED_MARIANNE,
    }
    result = QPalette()
    for role, colour in colours.items():
        result.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(GREY_DISABLED))
    return result


def style_sheet() -> str:
    path = paths.resources_dir() / "style" / "milpj.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def apply_style(app: QApplication) -> bool:
    """Fusion style with the DSFR palette, unless the system asks for high contrast. True if applied."""
    if high_contrast_requested():
        return False
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    app.setPalette(palette())
    app.setStyleSheet(style_sheet())
    return True


_BASE_FONT: list[QFont] = []


def _base_font(app: QApplication) -> QFont:
    """The system's default font, as it was before any zoom (recorded once per process)."""
    if not _BASE_FONT:
        _BASE_FONT.append(QFont(app.font()))
    return QFont(_BASE_FONT[0])


class Zoom:
    """Text size in percent of the system's default font; Ctrl++ / Ctrl+- / Ctrl+0, kept in QSettings."""

    def __init__(self, app: QApplication, settings: QSettings) -> None:
        self.app = app
        self.settings = settings
        self.base = _base_font(app)
        self.percent = ZOOM_DEFAULT
        stored = settings.value(ZOOM_KEY, ZOOM_DEFAULT)
        try:
            value = int(str(stored))
        except ValueError:
            value = ZOOM_DEFAULT
        self.set(value, save=False)

    def set(self, percent: int, *, save: bool = True) -> int:
        self.percent = max(ZOOM_MIN, min(ZOOM_MAX, percent))
        font = QFont(self.base)
        size = self.base.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * self.percent / 100)
        else:
            font.setPixelSize(max(6, round(self.base.pixelSize() * self.percent / 100)))
        self.app.setFont(font)
        sheet = self.app.styleSheet()
        if sheet:  # widgets polished by a style sheet keep their old font until it is applied again
            self.app.setStyleSheet(sheet)
        if save:
            self.settings.setValue(ZOOM_KEY, self.percent)
        return self.percent

    def bigger(self) -> int:
        return self.set(self.percent + ZOOM_STEP)

    def smaller(self) -> int:
        return self.set(self.percent - ZOOM_STEP)

    def reset(self) -> int:
        return self.set(ZOOM_DEFAULT)


def window_settings() -> QSettings:
    """The window's own settings file (geometry, view state, text size): no decrypted data in it."""
    folder = paths.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "fenetre.ini"), QSettings.Format.IniFormat)

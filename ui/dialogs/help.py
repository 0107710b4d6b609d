"""« Guide d'utilisation » (F1): the offline guide in French, opened at the section of the page shown.

The guide is our own HTML file (ressources/aide/guide.html, no script, no outside resource); the
shortcut table is built from the menus, each text escaped.
"""

from __future__ import annotations

import re

from milpj_desktop import paths
from milpj_desktop.typography import typeset
from ui.dialogs.shortcuts import shortcuts_table
from ui.qt import QDialog, QDialogButtonBox, QMenuBar, QTextBrowser, QVBoxLayout, QWidget

SHORTCUTS_MARK = "<!-- RACCOURCIS -->"
_TAG = re.compile(r"(<[^>]*>)")


def guide_path() -> str:
    return str(paths.resources_dir() / "aide" / "guide.html")


def guide_html(menu_bar: QMenuBar) -> str:
    """The guide with the window's real shortcuts in place of its mark."""
    with open(guide_path(), encoding="utf-8") as handle:
        text = handle.read()
    text = text.replace(SHORTCUTS_MARK, shortcuts_table(menu_bar))
    # French spacing and apostrophes on the text between tags (never inside a tag or an anchor name).
    return "".join(part if part.startswith("<") else typeset(part) for part in _TAG.split(text))


class HelpDialog(QDialog):
    """A reading window beside the main one (not modal: one can follow the steps while reading)."""

    def __init__(self, parent: QWidget | None, menu_bar: QMenuBar) -> None:
        super().__init__(parent)
        self.setWindowTitle("Guide d'utilisation")  # Qt adds the product name after it
        self.setAccessibleName("Guide d'utilisation")
        self.resize(760, 620)
        layout = QVBoxLayout(self)
        self.view = QTextBrowser()
        self.view.setObjectName("guide")
        self.view.setAccessibleName("Guide d'utilisation")
        self.view.setOpenLinks(True)  # the table of contents jumps inside the guide
        self.view.setOpenExternalLinks(False)
        self.view.setHtml(guide_html(menu_bar))
        layout.addWidget(self.view)
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setAccessibleName("Fermer le guide")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def show_section(self, anchor: str) -> None:
        """Scroll to a section (a page's object name, « raccourcis »…); the reader gets the keyboard."""
        self.view.scrollToAnchor(anchor)
        self.view.setFocus()

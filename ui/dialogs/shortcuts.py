"""« Raccourcis clavier » (F1): every action of the window with its shortcut, read from the menus."""

from __future__ import annotations

import html

from ui.qt import QAction, QDialog, QDialogButtonBox, QKeySequence, QMenu, QMenuBar, QTextBrowser, QVBoxLayout, QWidget


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, action, shortcut) for every action of every menu, in menu order."""
    rows = []
    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        if not isinstance(menu, QMenu):
            continue
        title = menu_action.text().replace("&", "")
        for action in menu.actions():
            if action.isSeparator() or not isinstance(action, QAction):
                continue
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            rows.append((title, action.text().replace("&", ""), keys or "—"))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None, menu_bar: QMenuBar) -> None:
        super().__init__(parent)
        self.setWindowTitle("Raccourcis clavier")
        self.setAccessibleName("Raccourcis clavier")
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        rows = "".join(
            f"<tr><td>{html.escape(menu)}</td><td>{html.escape(action)}</td><td><b>{html.escape(keys)}</b></td></tr>"
            for menu, action, keys in shortcut_rows(menu_bar)
        )
        self.view = QTextBrowser()
        self.view.setAccessibleName("Liste des raccourcis clavier")
        self.view.setHtml(
            "<p>Toutes les actions sont accessibles au clavier. <b>Alt</b> + la lettre soulignée ouvre un "
            "menu ; <b>F6</b> passe de la navigation à la page ; <b>Tab</b> parcourt les champs.</p>"
            '<table cellspacing="0" cellpadding="4" border="1">'
            f"<tr><th>Menu</th><th>Action</th><th>Raccourci</th></tr>{rows}</table>"
        )
        layout.addWidget(self.view)
        buttons = QDialogButtonBox()
        close = buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        close.setFocus()

"""The window's shortcuts, read from its menus (so the list never drifts from the real actions)."""

from __future__ import annotations

import html

from ui.qt import QAction, QKeySequence, QMenu, QMenuBar


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


def shortcuts_table(menu_bar: QMenuBar) -> str:
    """The rows as an HTML table, every text escaped."""
    rows = "".join(
        f"<tr><td>{html.escape(menu)}</td><td>{html.escape(action)}</td><td><b>{html.escape(keys)}</b></td></tr>"
        for menu, action, keys in shortcut_rows(menu_bar)
    )
    return (
        '<table cellspacing="0" cellpadding="4" border="1">'
        f"<tr><th>Menu</th><th>Action</th><th>Raccourci</th></tr>{rows}</table>"
    )

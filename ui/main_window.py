"""The main window: navigation between pages, lock / unlock, status bar."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from milpj_desktop import paths
from milpj_desktop.changes import Changes
from milpj_desktop.cli.store_cmds import create_with_default_content
from milpj_desktop.settings import Settings, load_settings
from milpj_desktop.store import Store
from ui.context import AppContext
from ui.dialogs.passphrase import FirstRunDialog, UnlockDialog, _PassphraseDialog
from ui.idle import IdleWatcher
from ui.pages.base import Page
from ui.qt import (
    QAction,
    QApplication,
    QCloseEvent,
    QKeySequence,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    Qt,
)

# (module, shortcut digit): each module has create_page(app) -> Page
PAGE_MODULES: tuple[str, ...] = (
    "ui.pages.accueil",
    "ui.pages.contenus",
    "ui.pages.annuaire",
    "ui.pages.fiches",
    "ui.pages.synchronisation",
    "ui.pages.parametres",
)


class MainWindow(QMainWindow):
    """Holds the pages; knows nothing of their data."""

    def __init__(self, app: AppContext, *, store_path: Path | None = None) -> None:
        super().__init__()
        self.app = app
        self.store_path = store_path or paths.store_path()
        self.setWindowTitle("milpj_desktop — 1000 premiers jours")
        self.resize(1100, 720)
        self.pages: list[Page] = [importlib.import_module(m).create_page(app) for m in PAGE_MODULES]
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation entre les pages")
        self.nav.setMaximumWidth(220)
        self.stack = QStackedWidget()
        for page in self.pages:
            self.nav.addItem(page.title)
            self.stack.addWidget(page)
        self.locked_view = QLabel("<h2>Données verrouillées</h2><p>Saisissez votre phrase secrète pour continuer.</p>")
        self.locked_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.locked_view.setObjectName("vue-verrouillee")
        self.stack.addWidget(self.locked_view)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        self.nav.currentRowChanged.connect(self.show_page)

        self.connection_label = QLabel("Hors ligne")
        self.connection_label.setObjectName("etat-connexion")
        self.sync_label = QLabel("Dernière synchronisation : jamais")
        self.sync_label.setObjectName("derniere-synchro")
        self.statusBar().addPermanentWidget(self.connection_label)
        self.statusBar().addPermanentWidget(self.sync_label)
        app.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        app.runner.known_error.connect(self._known_error)
        app.settings_changed.connect(self._apply_settings)

        self.idle = IdleWatcher(app.settings.auto_lock_minutes)
        self.idle.idle.connect(self.lock)
        self._build_menus()
        self.dialog: _PassphraseDialog | None = None
        self._set_locked_view(True)

    # -- menus ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Fichier")
        self.lock_action = QAction("&Verrouiller maintenant", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setToolTip("Verrouiller les données (Ctrl+L)")
        self.lock_action.triggered.connect(self.lock)
        file_menu.addAction(self.lock_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        go_menu = self.menuBar().addMenu("&Aller à")
        for index, page in enumerate(self.pages):
            action = QAction(page.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, i=index: self.nav.setCurrentRow(i))
            go_menu.addAction(action)
            self.addAction(action)
        self.addAction(self.lock_action)

    # -- navigation ----------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if not self.app.unlocked or index < 0:
            return
        self.stack.setCurrentIndex(index)
        self.pages[index].on_shown()

    def page(self, object_name: str) -> Page:
        return next(p for p in self.pages if p.object_name == object_name)

    def _set_locked_view(self, locked: bool) -> None:
        self.nav.setEnabled(not locked)
        self.lock_action.setEnabled(not locked)
        if locked:
            self.stack.setCurrentWidget(self.locked_view)
        else:
            self.show_page(max(self.nav.currentRow(), 0))

    # -- start, unlock, lock ---------------------------------------------------------------
    def start(self) -> None:
        """Ask for the passphrase: create the store on first run, else unlock it."""
        if self.store_path.exists():
            self._ask_unlock(locked=False)
        else:
            self._ask_first_run()

    def _ask_first_run(self) -> None:
        dialog = FirstRunDialog(self)
        dialog.attempt = lambda pw, fail: self._open(lambda: create_with_default_content(pw), dialog, fail)
        self._show_dialog(dialog)

    def _ask_unlock(self, *, locked: bool) -> None:
        dialog = UnlockDialog(self, locked=locked)
        path = self.store_path
        dialog.attempt = lambda pw, fail: self._open(lambda: Store.open(path, pw), dialog, fail)
        self._show_dialog(dialog)

    def _show_dialog(self, dialog: _PassphraseDialog) -> None:
        self.dialog = dialog
        dialog.rejected.connect(self._dialog_rejected)
        dialog.open()

    def _dialog_rejected(self) -> None:
        if not self.app.unlocked:
            self.dialog = None
            QApplication.quit()

    def _open(self, opener: Callable[[], Store], dialog: _PassphraseDialog, fail: Callable[[str], None]) -> None:
        op = self.app.runner.open_store(opener)
        op.success(lambda _: self._opened(dialog)).failure(lambda exc: fail(exc.message)).run()

    def _opened(self, dialog: _PassphraseDialog) -> None:
        dialog.done(1)
        self.dialog = None
        self.app.runner.db(lambda ctx: load_settings(ctx.store.conn)).success(self._unlocked).run()

    def _unlocked(self, settings: Settings) -> None:
        self.app.set_settings(settings)
        self.app.unlocked = True
        for page in self.pages:
            page.stale = True
        self._set_locked_view(False)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        self.idle.start()
        QApplication.instance().installEventFilter(self.idle)  # type: ignore[union-attr]
        self.app.announce(Changes(settings=True))

    def lock(self) -> None:
        """Close the store and forget every decrypted value shown."""
        if not self.app.unlocked:
            return
        self.app.unlocked = False
        self.idle.stop()
        for page in self.pages:
            page.on_locked()
        self._set_locked_view(True)
        self.app.runner.close_store().success(lambda _: self._ask_unlock(locked=True)).run()

    def _apply_settings(self, settings: Settings) -> None:
        self.idle.set_delay_ms(settings.auto_lock_minutes * 60_000)

    def _known_error(self, message: str) -> None:
        QMessageBox.warning(self, "milpj_desktop", message)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.app.unlocked = False
        for page in self.pages:
            page.on_locked()
        event.accept()

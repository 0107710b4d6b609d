"""The main window: navigation between pages, lock / unlock, menus and shortcuts, status bar."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from milpj_desktop import PRODUCT_NAME, PRODUCT_SHORT, paths
from milpj_desktop.changes import Changes
from milpj_desktop.settings import Settings, load_settings
from milpj_desktop.store import Store
from milpj_desktop.upkeep import create_with_default_content, open_store
from ui.clipboard import forget_copied
from ui.context import AppContext
from ui.dialogs.about import AboutDialog
from ui.dialogs.help import HelpDialog
from ui.dialogs.passphrase import FirstRunDialog, UnlockDialog, _PassphraseDialog
from ui.idle import IdleWatcher
from ui.locking import close_other_windows
from ui.pages.annuaire import AnnuairePage
from ui.pages.base import Page
from ui.pages.contenus import ContenusPage
from ui.pages.fiches import FichesPage
from ui.qt import (
    QAction,
    QApplication,
    QByteArray,
    QCloseEvent,
    QEvent,
    QFont,
    QFontMetrics,
    QFrame,
    QIcon,
    QKeySequence,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QResizeEvent,
    QScrollArea,
    QSettings,
    QSize,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    Qt,
    QTimer,
    QToolBar,
    QWidget,
)
from ui.status import SyncStatus
from ui.style import Zoom, window_settings

log = logging.getLogger(__name__)

# Each module has create_page(app) -> Page; Ctrl+1… follow this order.
PAGE_MODULES: tuple[str, ...] = (
    "ui.pages.accueil",
    "ui.pages.contenus",
    "ui.pages.annuaire",
    "ui.pages.fiches",
    "ui.pages.synchronisation",
    "ui.pages.parametres",
)
PageFactory = Callable[[AppContext], Page]
PAIRED = (ContenusPage, FichesPage, AnnuairePage)

_GEOMETRY, _STATE, _SPLITTER, _PAGE = "fenetre/geometrie", "fenetre/etat", "fenetre/separateur", "fenetre/page"


def _keys(action: QAction) -> str:
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


def overrides(page: Page, hook: str) -> bool:
    """Whether the page implements one of the optional keyboard hooks of Page."""
    return getattr(type(page), hook) is not getattr(Page, hook)


DEFAULT_SIZE = QSize(1100, 760)


def scrolled(page: Page) -> QScrollArea:
    """A page in a scroll area: at a large text size on a small screen it scrolls instead of being
    cut by the screen's edge (the window never gets wider than its content's minimum)."""
    area = QScrollArea()
    area.setObjectName(f"defilement-{page.object_name}")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(page)
    return area


def app_icon() -> QIcon:
    return QIcon(str(paths.resources_dir() / "icones" / "milpj-desktop.svg"))


class MainWindow(QMainWindow):
    """Holds the pages; knows nothing of their data."""

    def __init__(
        self,
        app: AppContext,
        *,
        store_path: Path | None = None,
        page_factories: Sequence[PageFactory] | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.store_path = store_path or paths.store_path()
        self.view_settings = settings or window_settings()
        qt_app = QApplication.instance()
        assert isinstance(qt_app, QApplication)
        self.zoom = Zoom(qt_app, self.view_settings)
        # The title bar reads « Annuaire — 1000 premiers jours — Outil des professionnels »: Qt adds
        # the application's display name (PRODUCT_NAME) after the page's title by itself.
        self.setWindowTitle("Verrouillé")
        self.setWindowIcon(app_icon())
        self.setAccessibleName(PRODUCT_NAME)
        self.resize(self.default_size())
        factories = page_factories or [importlib.import_module(m).create_page for m in PAGE_MODULES]
        self.pages: list[Page] = [factory(app) for factory in factories]

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation entre les pages")
        self.nav.setAccessibleDescription(
            "Flèches haut et bas pour changer de page ; Ctrl+1 à Ctrl+6 depuis n'importe où ; F6 pour aller à la page."
        )
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        self.stack.setAccessibleName("Page affichée")
        for index, page in enumerate(self.pages):
            self.nav.addItem(page.title)
            item = self.nav.item(index)
            if index < 9:
                item.setToolTip(f"{page.title} (Ctrl+{index + 1})")
            self.stack.addWidget(scrolled(page))
        self.locked_view = QLabel("<h2>Données verrouillées</h2><p>Saisissez votre phrase secrète pour continuer.</p>")
        self.locked_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.locked_view.setObjectName("vue-verrouillee")
        self.locked_view.setAccessibleName("Données verrouillées")
        self.locked_view.setWordWrap(True)
        self.stack.addWidget(self.locked_view)
        self.splitter = QSplitter()
        self.splitter.setObjectName("separateur")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._page_splitters: dict[QSplitter, QByteArray] = {}  # their first layout, for Ctrl+0
        self.nav.currentRowChanged.connect(self.show_page)

        self.sync_status = SyncStatus(app)
        self.connection_label = self.sync_status.connection_label
        self.sync_label = self.sync_status.sync_label
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("taille-texte")
        self.zoom_label.setAccessibleName("Taille du texte")
        self.zoom_label.setToolTip("Taille du texte : Ctrl++ agrandit, Ctrl+- réduit, Ctrl+0 rétablit")
        self.statusBar().setAccessibleName("Barre d'état")
        for label in (self.connection_label, self.sync_label, self.zoom_label):
            self.statusBar().addPermanentWidget(label)
        app.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        app.runner.known_error.connect(self._known_error)
        app.settings_changed.connect(self._apply_settings)
        app.navigate.connect(self.go_to)
        self._connect_pages()

        self.idle = IdleWatcher(app.settings.auto_lock_minutes)
        self.idle.idle.connect(self.lock)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._show_zoom()
        self.dialog: _PassphraseDialog | None = None
        self.about_dialog: AboutDialog | None = None
        self.help_dialog: HelpDialog | None = None
        self.message_box: QMessageBox | None = None
        self._restore_view()
        self._set_locked_view(True)

    def _connect_pages(self) -> None:
        """Contenus hands an article to Fiches (Ctrl+P) and a structure to Annuaire (one click)."""
        contenus, fiches, annuaire = (next((p for p in self.pages if isinstance(p, t)), None) for t in PAIRED)
        if isinstance(contenus, ContenusPage) and isinstance(fiches, FichesPage):
            contenus.handout_requested.connect(fiches.prepare)  # before the page shows and loads
            contenus.handout_requested.connect(lambda *_: self.go_to(fiches.object_name))
        if isinstance(contenus, ContenusPage) and isinstance(annuaire, AnnuairePage):
            contenus.entry_requested.connect(lambda *_: self.go_to(annuaire.object_name))
            contenus.entry_requested.connect(annuaire.show_entry)  # after the page shows (its own load dropped)

    # -- actions, menus, toolbar -----------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcuts: Sequence[QKeySequence | QKeySequence.StandardKey | str] = (),
        *,
        tip: str = "",
    ) -> QAction:
        """A window-wide action; its tooltip and accessible text carry the shortcut."""
        action = QAction(text, self)
        sequences: list[QKeySequence] = []
        for wanted in shortcuts:  # a standard key may expand to several sequences; no duplicates
            found = (
                QKeySequence.keyBindings(wanted)
                if isinstance(wanted, QKeySequence.StandardKey)
                else [QKeySequence(wanted)]
            )
            sequences += [seq for seq in found if seq not in sequences]
        if sequences:
            action.setShortcuts(sequences)
        plain = text.replace("&", "").rstrip("…")
        keys = _keys(action)
        action.setToolTip(f"{tip or plain} ({keys})" if keys else tip or plain)
        action.setStatusTip(tip or plain)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # works even when the menu bar is hidden (full screen)
        return action

    def _build_actions(self) -> None:
        self.print_action = self._action(
            "&Imprimer…", self.print_page, [QKeySequence.StandardKey.Print], tip="Imprimer la fiche de la page affichée"
        )
        self.lock_action = self._action("&Verrouiller maintenant", self.lock, ["Ctrl+L"], tip="Verrouiller les données")
        self.quit_action = self._action("&Quitter", self.close, ["Ctrl+Q"], tip=f"Fermer {PRODUCT_SHORT}")
        self.search_action = self._action(
            "&Rechercher dans la page",
            self.search_page,
            [QKeySequence.StandardKey.Find],
            tip="Aller au champ de recherche de la page",
        )
        self.zoom_in_action = self._action(
            "&Agrandir le texte", self.zoom_in, [QKeySequence.StandardKey.ZoomIn, "Ctrl+="], tip="Agrandir le texte"
        )
        self.zoom_out_action = self._action(
            "&Réduire le texte", self.zoom_out, [QKeySequence.StandardKey.ZoomOut], tip="Réduire le texte"
        )
        self.zoom_reset_action = self._action(
            "&Tout rétablir : texte, fenêtre, disposition",
            self.restore_layout,
            ["Ctrl+0"],
            tip="Taille normale du texte, taille de la fenêtre et disposition des pages",
        )
        self.fullscreen_action = self._action(
            "&Plein écran", self.toggle_fullscreen, [QKeySequence.StandardKey.FullScreen, "F11"], tip="Plein écran"
        )
        self.fullscreen_action.setCheckable(True)
        self.page_actions: list[QAction] = []
        for index, page in enumerate(self.pages):
            keys = [f"Ctrl+{index + 1}"] if index < 9 else []
            action = self._action(page.title, self._go_to(index), keys, tip=f"Aller à {page.title}")
            self.page_actions.append(action)
        self.focus_nav_action = self._action(
            "&Navigation ou page", self.toggle_focus, ["F6"], tip="Passer de la navigation à la page et inversement"
        )
        self.help_action = self._action(
            "&Guide d'utilisation",
            self.show_help,
            [QKeySequence.StandardKey.HelpContents, "F1"],
            tip="Guide d'utilisation : une rubrique par page, les tâches courantes pas à pas, les raccourcis",
        )
        self.shortcuts_action = self._action(
            "&Raccourcis clavier", lambda: self.show_help("raccourcis"), tip="Liste des raccourcis clavier"
        )
        self.about_action = self._action("À &propos", self.show_about, tip="Version, données, licences")

    def _menu(self, title: str, name: str, actions: Sequence[QAction | None]) -> QMenu:
        menu = self.menuBar().addMenu(title)
        menu.setObjectName(name)
        menu.setAccessibleName(title.replace("&", ""))
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        return menu

    def _build_menus(self) -> None:
        self.menuBar().setAccessibleName("Barre de menus")
        self._menu("&Fichier", "menu-fichier", [self.print_action, None, self.lock_action, None, self.quit_action])
        self._menu(
            "&Affichage",
            "menu-affichage",
            [self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action, None, self.fullscreen_action],
        )
        self._menu("&Pages", "menu-pages", [*self.page_actions, None, self.search_action, self.focus_nav_action])
        self._menu("Ai&de", "menu-aide", [self.help_action, self.shortcuts_action, None, self.about_action])

    def _build_toolbar(self) -> None:
        bar = QToolBar("Actions principales")
        bar.setObjectName("barre-actions")
        bar.setAccessibleName("Actions principales")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.toggleViewAction().setEnabled(False)
        title = QLabel(PRODUCT_NAME)
        title.setObjectName("titre-application")
        title.setAccessibleName(PRODUCT_NAME)
        self.header_action = bar.addWidget(title)
        self.header = title
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        for action in (self.search_action, self.print_action, self.lock_action):
            bar.addAction(action)
            button = bar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
                button.setAccessibleDescription(action.toolTip())
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    # -- navigation ----------------------------------------------------------------------
    def _go_to(self, index: int) -> Callable[[], None]:
        return lambda: self.nav.setCurrentRow(index)

    def show_page(self, index: int) -> None:
        if not self.app.unlocked or index < 0:
            return
        self.stack.setCurrentIndex(index)
        self.setWindowTitle(self.pages[index].title)
        self.pages[index].on_shown()
        QTimer.singleShot(0, lambda: self._remember_splitters(self.pages[index]))
        self._update_page_actions()

    def page(self, object_name: str) -> Page:
        return next(p for p in self.pages if p.object_name == object_name)

    def go_to(self, object_name: str) -> None:
        """Show the page with this object name (pages ask through AppContext.navigate)."""
        for index, page in enumerate(self.pages):
            if page.object_name == object_name:
                self.nav.setCurrentRow(index)
                return

    def current_page(self) -> Page | None:
        index = self.stack.currentIndex()
        return self.pages[index] if 0 <= index < len(self.pages) else None

    def _set_locked_view(self, locked: bool) -> None:
        self.nav.setEnabled(not locked)
        self.nav.doItemsLayout()  # item heights depend on the enabled state's style (padding)
        self.lock_action.setEnabled(not locked)
        for action in self.page_actions:
            action.setEnabled(not locked)
        self.focus_nav_action.setEnabled(not locked)
        if locked:
            self.stack.setCurrentWidget(self.locked_view)
            self.setWindowTitle("Verrouillé")
            self._update_page_actions()
        else:
            self.show_page(max(self.nav.currentRow(), 0))

    def _update_page_actions(self) -> None:
        page = self.current_page() if self.app.unlocked else None
        self.search_action.setEnabled(page is not None and overrides(page, "focus_search"))
        self.print_action.setEnabled(page is not None and overrides(page, "print_current"))

    def search_page(self) -> None:
        page = self.current_page()
        if page is None or not self.app.unlocked or not page.focus_search():
            self.statusBar().showMessage("Cette page n'a pas de champ de recherche.", 5000)

    def print_page(self) -> None:
        page = self.current_page()
        if page is None or not self.app.unlocked or not page.print_current():
            if getattr(page, "object_name", "") == "page-contenus":
                what = "ouvrez l’article à imprimer"
            else:
                what = "pour une famille, choisissez une fiche (Ctrl+4)"
            self.statusBar().showMessage(f"Rien à imprimer pour l’instant\u00a0: {what}.", 5000)

    def toggle_focus(self) -> None:
        """F6: from the navigation to the first field of the page, and back."""
        if self.nav.hasFocus():
            page = self.current_page()
            if page is None:
                return
            for widget in page.findChildren(QWidget):
                if (
                    widget.isVisible()
                    and widget.isEnabled()
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                    and not isinstance(widget, QToolBar)
                ):
                    widget.setFocus(Qt.FocusReason.TabFocusReason)
                    return
            page.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.nav.setFocus(Qt.FocusReason.TabFocusReason)

    # -- view: zoom, full screen, dialogs ----------------------------------------------------
    def zoom_in(self) -> None:
        self.zoom.bigger()
        self._show_zoom()

    def zoom_out(self) -> None:
        self.zoom.smaller()
        self._show_zoom()

    def zoom_reset(self) -> None:
        self.zoom.reset()
        self._show_zoom()

    def _show_zoom(self) -> None:
        self.zoom_label.setText(f"Texte : {self.zoom.percent} %")
        self.nav.doItemsLayout()
        self._fit_nav()
        self._fit_header()

    # -- sizes: navigation labels whole at any text size, a window that fits the screen ----------
    def nav_width(self) -> int:
        """The width the navigation needs for its longest label in bold (the selected item), with the
        style sheet's padding and border (milpj.qss: 12 px each side, 4 px marker, 2 px frame)."""
        font = QFont(QApplication.font(self.nav))  # the zoomed font, before it reaches the widget
        font.setBold(True)
        metrics = QFontMetrics(font)
        longest = max((metrics.horizontalAdvance(page.title) for page in self.pages), default=0)
        return longest + 2 * 12 + 4 + 2 * 2 + 2 * self.nav.frameWidth() + 16

    def _fit_nav(self) -> None:
        width = self.nav_width()
        self.nav.setMinimumWidth(width)
        self.nav.setMaximumWidth(round(width * 1.6))

    def _fit_header(self) -> None:
        """The full product name in the header when it fits beside the actions, else the short one (at
        200 % on a small screen the actions matter more than the words « Outil des professionnels »)."""
        buttons = sum(
            button.sizeHint().width()
            for action in self.toolbar.actions()
            if (button := self.toolbar.widgetForAction(action)) is not None and button is not self.header
        )
        room = self.width() - buttons - 48
        metrics = QFontMetrics(QApplication.font(self.header))  # the zoomed font, before it reaches the label
        full = metrics.horizontalAdvance(PRODUCT_NAME) + 16
        short = metrics.horizontalAdvance(PRODUCT_SHORT) + 16
        self.header.setText(PRODUCT_NAME if full <= room else PRODUCT_SHORT)
        # Narrower still (200 % in 1100 px): the actions stay whole, the title bar keeps the name.
        self.header_action.setVisible(short <= room)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_header()

    def changeEvent(self, event: QEvent) -> None:
        """A new text size reaches the buttons after the zoom: measure the header's room again then."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            QTimer.singleShot(0, self._fit_header)

    def default_size(self) -> QSize:
        """1100 × 760, or less on a small screen (frames and panels left out)."""
        screen = self.screen()
        if screen is None:
            return QSize(DEFAULT_SIZE)
        room = screen.availableGeometry().size() - QSize(24, 48)
        return DEFAULT_SIZE.boundedTo(room)

    def _remember_splitters(self, page: Page) -> None:
        for splitter in page.findChildren(QSplitter):
            if splitter not in self._page_splitters and splitter.isVisible():
                self._page_splitters[splitter] = splitter.saveState()

    def restore_layout(self) -> None:
        """Ctrl+0: normal text size, the default window size centred on its screen, the navigation at
        its width and each page's dividers as they first were."""
        self.zoom.reset()
        self._show_zoom()
        if self.isFullScreen() or self.isMaximized():
            self.showNormal()
            self.fullscreen_action.setChecked(False)
        size = self.default_size()
        self.resize(size)
        screen = self.screen()
        if screen is not None:
            frame = self.frameGeometry()
            frame.moveCenter(screen.availableGeometry().center())
            self.move(frame.topLeft())
        nav = self.nav_width()
        self.splitter.setSizes([nav, max(size.width() - nav, 1)])
        for splitter, state in self._page_splitters.items():
            splitter.restoreState(state)
        self.statusBar().showMessage("Taille du texte, fenêtre et disposition rétablies.", 5000)

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.fullscreen_action.setChecked(self.isFullScreen())

    def show_about(self) -> None:
        self.about_dialog = AboutDialog(self)
        self.about_dialog.open()

    def show_help(self, section: str = "") -> None:
        """F1: the guide, at the section of the page shown (or the one asked)."""
        if self.help_dialog is None:
            self.help_dialog = HelpDialog(self, self.menuBar())
        page = self.current_page() if self.app.unlocked else None
        anchor = section or (page.object_name if page is not None else "securite")
        self.help_dialog.show()
        self.help_dialog.raise_()
        self.help_dialog.activateWindow()
        self.help_dialog.show_section(anchor)

    def bring_forward(self) -> None:
        """A second launch for the same data folder asked for this window."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        QApplication.alert(self)
        self.statusBar().showMessage(f"{PRODUCT_SHORT} est déjà ouvert : voici sa fenêtre.", 8000)

    # -- window state (QSettings: geometry, splitter, last page; never decrypted data) ------
    def _restore_view(self) -> None:
        settings = self.view_settings
        geometry, state, splitter = (settings.value(key) for key in (_GEOMETRY, _STATE, _SPLITTER))
        if isinstance(geometry, QByteArray):  # anything else (hand-edited file) is ignored
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        else:
            nav = self.nav_width()
            self.splitter.setSizes([nav, max(self.width() - nav, 1)])
        try:
            self._saved_page = int(str(settings.value(_PAGE, 0)))
        except ValueError:
            self._saved_page = 0
        if not 0 <= self._saved_page < len(self.pages):
            self._saved_page = 0

    def save_view(self) -> None:
        settings = self.view_settings
        settings.setValue(_GEOMETRY, self.saveGeometry())
        settings.setValue(_STATE, self.saveState())
        settings.setValue(_SPLITTER, self.splitter.saveState())
        settings.setValue(_PAGE, max(self.nav.currentRow(), 0))
        settings.sync()

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
        dialog.attempt = lambda pw, fail: self._open(lambda: open_store(path, pw), dialog, fail)
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
        dialog.dispose()
        self.dialog = None
        self.app.runner.db(lambda ctx: load_settings(ctx.store.conn)).success(self._unlocked).run()

    def _unlocked(self, settings: Settings) -> None:
        self.app.set_settings(settings)
        self.app.unlocked = True
        for page in self.pages:
            page.stale = True
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(self._saved_page)
        self._set_locked_view(False)
        self.nav.setFocus(Qt.FocusReason.OtherFocusReason)
        self.idle.start()
        QApplication.instance().installEventFilter(self.idle)  # type: ignore[union-attr]
        self.app.announce(Changes(settings=True))

    def lock_from_system(self) -> None:
        """The session locked or the machine is about to sleep: lock now (nothing if already locked)."""
        log.info("Verrouillage demandé par le système (session verrouillée ou mise en veille).")
        self.lock()

    def lock(self) -> None:
        """Close the store and forget every decrypted value shown."""
        if not self.app.unlocked:
            return
        self.app.unlocked = False
        self.idle.stop()
        for page in self.pages:
            page.on_locked()
        self.sync_status.forget()
        self._set_locked_view(True)
        close_other_windows(self)
        forget_copied()
        self.app.set_settings(Settings())  # the device token and the letterhead leave memory too
        self.app.runner.close_store().success(lambda _: self._ask_unlock(locked=True)).run()

    def _apply_settings(self, settings: Settings) -> None:
        self.idle.set_delay_ms(settings.auto_lock_minutes * 60_000)

    def _known_error(self, message: str) -> None:
        """An expected error no page handled: its plain French message, in a non-blocking box."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Attention", message, QMessageBox.StandardButton.Ok, self)
        box.setAccessibleName("Message")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_view()
        self.app.unlocked = False
        for page in self.pages:
            page.on_locked()
        event.accept()

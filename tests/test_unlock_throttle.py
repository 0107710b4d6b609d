"""Wrong passphrases in the window: from the third in a row, a growing wait with a French countdown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from milpj_desktop import paths
from milpj_desktop.errors import KnownError
from milpj_desktop.store import Store, throttle
from tests.conftest import PASSPHRASE
from ui.dialogs.passphrase import UnlockDialog
from ui.qt import Qt, QTimer


class ManualTicks(QTimer):
    """A timer the test fires itself: one `tick()` is one second, whatever the clock says."""

    def start(self, *args: object) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False

    def tick(self) -> None:
        assert self.running
        self.timeout.emit()


def test_waits_grow_from_the_third_failure_and_are_capped() -> None:
    assert [throttle.wait_after(n) for n in range(1, 10)] == [0, 0, 2, 4, 8, 16, 30, 30, 30]


def _opener(path: Path, opened: list[Store]) -> Callable[[str, Callable[[str], None]], None]:
    def attempt(passphrase: str, fail: Callable[[str], None]) -> None:
        try:
            opened.append(Store.open(path, passphrase))
        except KnownError as exc:
            fail(exc.message)

    return attempt


def test_unlock_dialog_counts_down_after_the_third_wrong_passphrase(qtbot: QtBot, store: Store) -> None:
    store.close()
    opened: list[Store] = []
    ticks = ManualTicks()
    dialog = UnlockDialog(locked=True, ticks=ticks)
    qtbot.addWidget(dialog)
    dialog.attempt = _opener(paths.store_path(), opened)
    dialog.show()
    qtbot.waitExposed(dialog)

    def wrong_try() -> None:
        dialog.passphrase.setText("pas la bonne phrase")
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    for _ in range(2):
        wrong_try()
        assert dialog.error.text() == "Phrase secrète incorrecte. Le fichier n'a pas été modifié."
        assert dialog.ok.isEnabled()
    wrong_try()
    assert dialog.error.text().endswith("Nouvel essai possible dans 2\u00a0secondes.")
    assert not dialog.ok.isEnabled()
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # Enter while waiting: nothing is tried
    assert not opened and dialog.failures == 3
    ticks.tick()
    assert dialog.error.text().endswith("Nouvel essai possible dans 1\u00a0seconde.")
    ticks.tick()
    assert dialog.ok.isEnabled() and not ticks.running
    assert dialog.error.text() == "Vous pouvez réessayer."

    wrong_try()
    assert dialog.error.text().endswith("dans 4\u00a0secondes.")
    for _ in range(4):
        assert not dialog.ok.isEnabled()
        ticks.tick()
    assert dialog.ok.isEnabled()

    dialog.passphrase.setText(PASSPHRASE)
    dialog.ok.click()
    assert len(opened) == 1
    opened[0].close()

"""Entry point frozen by PyInstaller: the same `milpj-desktop` command as the installed package."""

import multiprocessing

from ui.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the synchronisation's helper processes start from this executable
    raise SystemExit(main())

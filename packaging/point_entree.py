"""Entry point frozen by PyInstaller: the same `milpj-desktop` command as the installed package."""

from milpj_desktop.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

"""python -m milpj_desktop.cli: same as the milpj-desktop entry point."""

from milpj_desktop.cli import main

if __name__ == "__main__":  # the synchronisation's helper processes import this module again
    raise SystemExit(main())

"""python -m milpj_desktop.cli: same as the milpj-desktop entry point."""

from milpj_desktop.cli import main

raise SystemExit(main())

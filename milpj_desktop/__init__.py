"""milpj_desktop: the desktop tool of the field professionals of the 1000 premiers jours."""

__version__ = "0.1.0"
APP_NAME = "milpj-desktop"  # folders, commands, desktop file: never shown as a name to people
PRODUCT_NAME = "1000 premiers jours — Outil des professionnels"  # what people read (title bar, « À propos », PDF)
PRODUCT_SHORT = "1000 premiers jours"  # where the full name does not fit (messages, menus)

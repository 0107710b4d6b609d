"""milpj_desktop: the desktop tool of the field professionals of the 1000 premiers jours."""

__version__ = "0.1.0"
APP_NAME = "milpj-desktop"

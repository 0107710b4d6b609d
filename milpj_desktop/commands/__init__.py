"""The core's headless commands (store, contents, directory); `ui/cli.py` gathers them with the others."""

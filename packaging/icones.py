"""Render the application icon (ressources/icones/milpj-desktop.svg) to PNGs, .ico and .icns.

Build tool, not part of the application: run by the PyInstaller spec (and so by construire.sh).
Uses Qt's SVG renderer from the venv; writes .ico and .icns by hand (PNG entries), so the same
files come out on Linux, Windows and macOS without Pillow or iconutil.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "ressources" / "icones" / "milpj-desktop.svg"
NAME = "milpj-desktop"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)  # freedesktop hicolor sizes
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS PNG entry types by pixel size (macOS 10.7+).
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def _render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"Icône illisible : {SOURCE}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def _ico(pngs: dict[int, bytes]) -> bytes:
    """ICO with PNG-compressed entries (Windows Vista and later)."""
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def _icns(pngs: dict[int, bytes]) -> bytes:
    body = b""
    for size, kind in ICNS_TYPES.items():
        if size in pngs:
            body += kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def generate(target: Path) -> dict[str, Path]:
    """Write hicolor/NxN/apps/milpj-desktop.png, milpj-desktop.ico and .icns under target."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["icones", "-platform", "offscreen"])
    pngs = {size: _render(size) for size in sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_TYPES})}
    for size in PNG_SIZES:
        out = target / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pngs[size])
    scalable = target / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(SOURCE.read_bytes())
    ico = target / f"{NAME}.ico"
    ico.write_bytes(_ico(pngs))
    icns = target / f"{NAME}.icns"
    icns.write_bytes(_icns(pngs))
    del app
    return {"hicolor": target / "hicolor", "ico": ico, "icns": icns}


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "icones"
    made = generate(out)
    print(f"Icônes écrites dans {out} ({', '.join(p.name for p in made.values())})")

"""QR codes on handouts: a vCard 3.0 (name, phone, address) a family scans to keep a contact in its phone.

segno encodes (a maintained QR library, pure Python); the image is a 1-bit PNG in a data: URI, which
QTextDocument draws and the PDF keeps lossless.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache

import segno
import segno.helpers

QR_SCALE = 3  # pixels per module in the PNG: 3 is read at 150 dpi on every sheet (41/41), 2 is not (37/41)
QR_BORDER = 2  # quiet zone in modules; the white table cell around it adds more
# A fixed mask (checkerboard): choosing the best of eight costs three quarters of the encoding (≈ 30 ms a
# code) and, with 0.45 mm modules, every mask was read by zbarimg on every sheet at 150 dpi (38/38 each).
QR_MASK = 0


def vcard(*, name: str, phone: str = "", street: str = "", postcode: str = "", city: str = "") -> str:
    """vCard 3.0 text with the name, the phone (as dialled) and the postal address.

    segno escapes every field but N (whose « ; » are separators): that one is escaped here.
    """
    return segno.helpers.make_vcard_data(
        name=f"{_escape(name)};;;;",
        displayname=name.strip(),
        phone=phone or None,
        street=street.strip() or None,
        city=city.strip() or None,
        zipcode=postcode or None,
    )


def _escape(text: str) -> str:
    """vCard escaping (RFC 2426): backslash, comma and semicolon are special; no line breaks."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", " ").strip()


MODULE_PX = 1.7  # printed size of one module in CSS pixels (0.45 mm): the same for every code, so that a
# longer vCard makes a larger code rather than smaller modules a phone cannot read


@dataclass(frozen=True)
class QrImage:
    """A QR code ready for a template: the PNG as a data: URI and its printed width in CSS pixels."""

    uri: str
    px: int


@lru_cache(maxsize=2048)
def qr_image(data: str) -> QrImage:
    """The QR code of `data` (error correction L: the data stays small, the modules large)."""
    code = segno.make(data, error="l", micro=False, boost_error=False, mask=QR_MASK)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    width, _height = code.symbol_size(border=QR_BORDER)
    return QrImage(uri, round(width * MODULE_PX))

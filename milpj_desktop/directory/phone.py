"""Phone numbers: stored in international form (E.164), shown in the French way (04 74 24 03 08)."""

from __future__ import annotations

import re

# Overseas departments dial from their own country code; their national numbers start with these.
_OVERSEAS: dict[str, str] = {
    "0262": "262",
    "0263": "262",
    "0269": "262",
    "0692": "262",
    "0693": "262",
    "0639": "262",
    "0590": "590",
    "0690": "590",
    "0691": "590",
    "0594": "594",
    "0694": "594",
    "0596": "596",
    "0696": "596",
    "0697": "596",
    "0508": "508",
}
_OVERSEAS_CODES = sorted(set(_OVERSEAS.values()), key=len, reverse=True)
_SHORT = re.compile(r"^(1[0-9]{1,2}|3[0-9]{3})$")  # 15, 17, 112, 119, 3939…


_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


def _canonical_french(text: str) -> bool:
    """'+33' and 9 digits that do not belong to an overseas department's own code."""
    return len(text) == 12 and text[3] != "0" and "0" + text[3:6] not in _OVERSEAS


class PhoneError(ValueError):
    """A number that cannot be a French (or international) phone number."""


def normalize_phone(text: str) -> str:
    """'04 74 24 03 08', '04.74.24.03.08', '+33 (0)4 74…' → '+33474240308'; '' stays ''."""
    if _E164.match(text) and (not text.startswith("+33") or _canonical_french(text)):
        return text  # already in the stored form (every record the server sends): the fast path
    raw = text.strip()
    if not raw:
        return ""
    if re.search(r"[^0-9+().\s/-]", raw):
        raise PhoneError(f"numéro de téléphone « {raw} » : caractères inattendus")
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or raw.startswith("00"):
        if raw.startswith("00"):
            digits = digits[2:]
        if digits.startswith("330"):  # "+33 (0)4 …"
            digits = "33" + digits[3:]
        if digits.startswith("33"):
            if len(digits) != 11:
                raise PhoneError(f"numéro de téléphone « {raw} » : 9 chiffres attendus après +33")
            national = "0" + digits[2:]
            return _from_national(national, raw)
        if not 8 <= len(digits) <= 15:
            raise PhoneError(f"numéro de téléphone « {raw} » : longueur invalide")
        return "+" + digits
    if _SHORT.match(digits):
        return digits
    if len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits  # the leading zero lost by a spreadsheet
    if len(digits) != 10 or not digits.startswith("0") or digits[1] == "0":
        raise PhoneError(f"numéro de téléphone « {raw} » : 10 chiffres commençant par 0 attendus")
    return _from_national(digits, raw)


def _from_national(national: str, raw: str) -> str:
    country = _OVERSEAS.get(national[:4])
    if country:
        return f"+{country}{national[1:]}"
    return "+33" + national[1:]


def format_phone(value: str) -> str:
    """The French display form: '+33474240308' → '04 74 24 03 08'; foreign numbers stay international."""
    if not value:
        return ""
    if not value.startswith("+"):
        return value  # short number
    digits = value[1:]
    national = ""
    if digits.startswith("33") and len(digits) == 11:
        national = "0" + digits[2:]
    else:
        for code in _OVERSEAS_CODES:
            if digits.startswith(code) and len(digits) == len(code) + 9:
                national = "0" + digits[len(code) :]
                break
    if national:
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return "+" + digits


def tel_uri(value: str) -> str:
    """A tel: link for the number (RFC 3966)."""
    return f"tel:{value}" if value else ""

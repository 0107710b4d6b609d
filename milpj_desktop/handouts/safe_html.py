"""Handout HTML keeps only links a family can follow and images the app made itself.

A template (or a value marked |safe) could otherwise link to file: or javascript: URLs, or make Qt
embed a local file or fetch a remote one into the PDF. Allowed: href to https:, mailto: (no
parameters), tel: or an anchor « # »; src only to our own data:image/png QR codes; no CSS url() nor
@import. Anything else loses its attribute (the text stays), and an image without its source goes.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_ATTRIBUTE = re.compile(
    r"""(\s)([a-zA-Z:_-]+)(\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""",
)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "background", "xlink:href", "formaction", "poster", "srcset"})
_CSS_LOAD = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)
_CSS_URL = re.compile(r"url\s*\([^)]*\)?|@import[^;]*;?|expression\s*\(", re.IGNORECASE)
_STYLE_ELEMENT = re.compile(r"(<style[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)
_IMG = re.compile(r"<img[\s/>]", re.IGNORECASE)
_HAS_SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_HREF_OK = re.compile(r"^(?:https://[^\s]+|mailto:[^?&]+|tel:[0-9+().-]+|#[A-Za-z0-9_-]*)$", re.IGNORECASE)
_SRC_OK = re.compile(r"^data:image/png;base64,[A-Za-z0-9+/=]+$")


def allowed(name: str, value: str) -> bool:
    """Whether a URL attribute may stay: only the schemes and images listed above."""
    clean = _INVISIBLE.sub("", html.unescape(value))
    if name == "href":
        return bool(_HREF_OK.fullmatch(clean))
    if name == "src":
        return bool(_SRC_OK.fullmatch(clean))
    return False


def _clean_attribute(match: re.Match[str]) -> str:
    name, assigned = match.group(2).lower(), match.group(3) or ""
    value = assigned.split("=", 1)[1].strip() if assigned else ""
    if value[:1] in {'"', "'"}:
        value = value[1:-1]
    if name in _URL_ATTRIBUTES and not allowed(name, value):
        return " "
    if name.startswith("on"):
        return " "
    if name == "style" and _CSS_LOAD.search(html.unescape(value)):
        return " "
    return match.group(0)


def _clean_tag(match: re.Match[str]) -> str:
    tag = _ATTRIBUTE.sub(_clean_attribute, match.group(0))
    if _IMG.match(tag) and not _HAS_SRC.search(tag):
        return ""  # an image without its source: Qt would draw a placeholder icon
    return tag


def safe_css(css: str) -> str:
    """A style sheet that loads nothing: every url(), @import and expression() becomes « none »."""
    return _CSS_URL.sub("none", css)


def safe_html(text: str) -> str:
    """The same HTML without any link or resource outside the allowed list."""
    text = _STYLE_ELEMENT.sub(lambda m: m.group(1) + safe_css(m.group(2)) + m.group(3), text)
    return _TAG.sub(_clean_tag, text)

"""A rendered handout cut into blocks that the printing code places on pages (Qt's own pagination splits anything).

Templates mark where a block starts with an HTML comment, ``<!--bloc:KIND-->``:

- ``flux``: ordinary text, may be cut between two lines at a page end;
- ``insecable``: never cut (a table row, a contact, a boxed note) unless taller than a page;
- ``titre``: a heading, never cut and kept on the same page as the start of the next block;
- ``saut``: an empty marker that starts a new page;
- ``entete``: a table's header row, kept with what follows like a heading and repeated at the top of
  every later page until ``fin-entete`` (an empty marker), a ``saut`` or another ``entete``.

Text before the first marker is a ``flux`` block. The style sheet of the page's ``<style>`` is
returned apart, so that each block is laid out with the same styles.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["flux", "insecable", "titre", "saut", "entete", "fin-entete"]
_MARKER = re.compile(r"<!--bloc:(flux|insecable|titre|saut|entete|fin-entete)-->")
_EMPTY_KINDS = ("saut", "fin-entete")  # markers that are a block by themselves, with no content
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


@dataclass(frozen=True)
class Block:
    """One piece of a page: its HTML fragment and how it may be cut."""

    kind: BlockKind
    html: str


def split_blocks(page_html: str) -> tuple[str, list[Block]]:
    """(style sheet, blocks) of a rendered handout; blocks with no visible content are dropped."""
    style = "\n".join(_STYLE.findall(page_html))
    body_match = _BODY.search(page_html)
    body = body_match.group(1) if body_match else page_html
    parts = _MARKER.split(body)
    blocks: list[Block] = []
    kind: BlockKind = "flux"
    for index, part in enumerate(parts):
        if index % 2 == 1:
            kind = part  # type: ignore[assignment]  # the pattern only matches BlockKind values
            if kind in _EMPTY_KINDS:
                blocks.append(Block(kind, ""))
                kind = "flux"  # text after an empty marker, up to the next one, is ordinary text
            continue
        if _visible(part):
            blocks.append(Block(kind, part.strip()))
    return style, blocks


def _visible(fragment: str) -> bool:
    """Text or an image: a fragment of blank lines and closing tags is no block."""
    if "<img" in fragment.lower():
        return True
    text = re.sub(r"<[^>]*>", "", fragment)
    return bool(html.unescape(text).strip())


def map_text(page_html: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the text between tags (entities decoded, then escaped again); styles untouched."""
    out: list[str] = []
    in_style = False
    for piece in _TAG_OR_TEXT.split(page_html):
        if piece.startswith("<"):
            lowered = piece.lower()
            if lowered.startswith("<style"):
                in_style = True
            elif lowered.startswith("</style"):
                in_style = False
            out.append(piece)
        elif in_style or not piece.strip():
            out.append(piece)
        else:
            out.append(html.escape(change(html.unescape(piece)), quote=False))
    return "".join(out)

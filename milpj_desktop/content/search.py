"""Instant search over articles (SQLite FTS5) and, when it is there, the directory.

Accent-insensitive (the tokenizer folds diacritics and so does `normalize`), prefix matching on
every word typed, and a light French stemmer applied to the indexed text and to the query in
separate columns, so that "vaccins" finds "vaccination" and "allaitements" finds "allaiter".
Ranked by bm25 with the title weighted above keywords, summary and body. Snippets are built here
from the text as written, with the matched words marked by character spans: callers escape the
text themselves (the UI renders it as HTML with every character escaped).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from milpj_desktop.content.models import Article
from milpj_desktop.directory.phone import format_phone
from milpj_desktop.directory.search import fts_query as directory_fts_query
from milpj_desktop.directory.search import text_search

KIND_ARTICLE = "article"
KIND_DIRECTORY = "annuaire"
MIN_DIRECTORY_CHARS = 2
# Above this many matching directory entries, the global search waits for a more precise text.
MAX_DIRECTORY_MATCHES = 1000
DIRECTORY_FTS_TABLES = ("directory_national_fts", "directory_local_fts")

# bm25 weights, in the order of article_fts's columns
_WEIGHTS = {
    "title": 10.0,
    "keywords": 6.0,
    "summary": 3.0,
    "body": 1.0,
    "title_stem": 5.0,
    "text_stem": 0.6,
}
_BM25 = "bm25(article_fts, " + ", ".join(str(w) for w in _WEIGHTS.values()) + ")"

_WORD = re.compile(r"\w+", re.UNICODE)
# Words too common to narrow a search; dropped from a query unless nothing else is left.
_STOPWORDS_TEXT = (
    "a au aux avec ce ces d dans de des du elle en et il je l la le les leur lui ma mais me mes mon "
    "n ne ni nos notre nous on ou par pas pour qu que qui s sa se ses son sur t ta te tes ton tu un "
    "une vos votre vous y est sont"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split(" "))

# Light French stemmer: suffixes removed, longest first (after the plural s / x is dropped).
_SUFFIXES = (
    "issements",
    "issement",
    "atrices",
    "ateurs",
    "ations",
    "atrice",
    "ateur",
    "ation",
    "ements",
    "ement",
    "ances",
    "ences",
    "ance",
    "ence",
    "iques",
    "ique",
    "ismes",
    "isme",
    "istes",
    "iste",
    "ables",
    "able",
    "ibles",
    "ible",
    "euses",
    "euse",
    "eux",
    "ites",
    "ite",
    "ives",
    "ive",
    "ifs",
    "if",
    "elles",
    "elle",
    "iennes",
    "ienne",
    "aient",
    "erions",
    "erons",
    "erez",
    "erai",
    "era",
    "ions",
    "ais",
    "ait",
    "ant",
    "antes",
    "ante",
    "ants",
    "ees",
    "ee",
    "er",
    "ez",
    "es",
    "e",
)
_MIN_STEM = 4


def normalize(text: str) -> str:
    """Lower case, accents removed, œ/æ spelt out: what a person types and what we index agree."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    return _WORD.findall(normalize(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light French stem of one normalised word (plural, gender, common derivations)."""
    if len(word) > _MIN_STEM and word[-1] in "sx":
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> str:
    return " ".join(stem(w) for w in words(text))


def article_body_text(article: Article) -> str:
    """Everything an article says beyond its title, summary and keywords, in reading order."""
    parts: list[str] = []
    for section in article.sections:
        parts += [section.title, section.body]
    parts += article.key_points
    if article.did_you_know:
        parts.append(article.did_you_know)
    return "\n".join(parts)


# -- index (called by repository.py inside the caller's transaction) -------------------------
def index_article(conn: Any, rowid: int, article: Article) -> None:
    """Replace the full-text entry of one article."""
    body = article_body_text(article)
    keywords = " ".join(article.keywords)
    conn.execute("DELETE FROM article_fts WHERE rowid = ?", (rowid,))
    conn.execute(
        "INSERT INTO article_fts(rowid, title, keywords, summary, body, title_stem, text_stem) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)",
        (
            rowid,
            article.title,
            keywords,
            article.summary,
            body,
            stems(article.title),
            stems(" ".join((keywords, article.summary, body))),
        ),
    )


def unindex_article(conn: Any, rowid: int) -> None:
    conn.execute("DELETE FROM article_fts WHERE rowid = ?", (rowid,))


# -- query ------------------------------------------------------------------------------------
def query_terms(text: str) -> list[str]:
    """The words of a query worth searching for (stop words dropped unless nothing else is left)."""
    found = words(text)
    kept = [w for w in found if w not in STOPWORDS and len(w) > 1]
    if not kept:
        kept = [w for w in found if len(w) > 1] or found
    # keep the order, drop repeats
    return list(dict.fromkeys(kept))


def fts_query(terms: Sequence[str], *, any_term: bool = False) -> str:
    """An FTS5 MATCH expression: each term as a prefix, on the plain columns or its stem on the stem columns."""
    clauses = []
    for term in terms:
        plain = f'"{term}"*'
        stemmed = stem(term)
        clauses.append(f'({plain} OR {{title_stem text_stem}}: "{stemmed}"*)')
    return (" OR " if any_term else " AND ").join(clauses)


@dataclass(frozen=True)
class Snippet:
    """A piece of plain text with the spans (start, end) of the matched words."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def html(self, *, tag: str = "b") -> str:
        """The snippet as HTML: every character escaped, matches wrapped in <tag>."""
        out: list[str] = []
        cursor = 0
        for start, end in self.spans:
            out.append(html.escape(self.text[cursor:start]))
            out.append(f"<{tag}>{html.escape(self.text[start:end])}</{tag}>")
            cursor = end
        out.append(html.escape(self.text[cursor:]))
        return "".join(out)

    def marked(self, left: str = "[", right: str = "]") -> str:
        """The snippet as plain text with matches between markers (command line)."""
        out: list[str] = []
        cursor = 0
        for start, end in self.spans:
            out += [self.text[cursor:start], left, self.text[start:end], right]
            cursor = end
        out.append(self.text[cursor:])
        return "".join(out)


@dataclass(frozen=True)
class SearchHit:
    """One search result, article or directory entry."""

    kind: str
    id: str
    title: str
    snippet: Snippet
    title_spans: tuple[tuple[int, int], ...] = ()
    rank: float = 0.0
    badge: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "id": self.id,
            "titre": self.title,
            "extrait": self.snippet.text,
            "surlignages": [list(s) for s in self.snippet.spans],
            **({"score": round(-self.rank, 4)} if self.kind == KIND_ARTICLE else {}),
            **self.extra,
        }


def _matches(word: str, terms: Sequence[str], term_stems: Sequence[str]) -> bool:
    """Whether a normalised word of the text is one the query asked for.

    A stem is a prefix of its word, so a word that does not start with a term's stem cannot
    match it: the stemmer only runs on the few words that pass that cheap test.
    """
    for term, term_stem in zip(terms, term_stems, strict=True):
        if word.startswith(term_stem) and (word.startswith(term) or stem(word).startswith(term_stem)):
            return True
    return False


class _FoldTable(dict[int, str]):
    """str.translate table that folds one character to one (lower case, accent removed), so
    spans found in the folded text are spans of the original text."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char)
        base = decomposed[0] if decomposed else char
        lower = base.lower()
        folded = lower if len(lower) == 1 else base
        self[code] = folded
        return folded


_FOLD = _FoldTable()


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    """The text folded character for character (cached: the same article texts come back at every keystroke)."""
    return text.translate(_FOLD)


@lru_cache(maxsize=256)
def _candidates(term_stems: tuple[str, ...]) -> re.Pattern[str]:
    """Words that start with one of the stems: the only ones that can match."""
    choices = "|".join(re.escape(s) for s in sorted(set(term_stems), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{choices})\w*")


def _iter_matches(text: str, terms: Sequence[str]) -> Iterator[tuple[int, int]]:
    term_stems = tuple(stem(t) for t in terms)
    if not term_stems:
        return
    folded = _fold(text)
    for match in _candidates(term_stems).finditer(folded):
        if _matches(match.group(), terms, term_stems):
            yield match.start(), match.end()


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` that the query terms match (accent-insensitive)."""
    return list(_iter_matches(text, terms))


def has_match(text: str, terms: Sequence[str]) -> bool:
    return next(_iter_matches(text, terms), None) is not None


def make_snippet(text: str, terms: Sequence[str], *, width: int = 160) -> Snippet:
    """About `width` characters of `text` around its first match, cut at word boundaries."""
    bulleted = re.sub(r"(?m)^\s*- ", "• ", text)
    flat = " ".join(bulleted.split())
    spans = match_spans(flat, terms)
    if not spans:
        cut = flat if len(flat) <= width else flat[:width].rsplit(" ", 1)[0] + " …"
        return Snippet(cut)
    first = spans[0][0]
    start = max(0, first - width // 3)
    if start > 0:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > spans[0][1] else end
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(flat) else ""
    shift = len(prefix) - start
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Snippet(prefix + flat[start:end] + suffix, kept)


def _snippet_for(article: Article, terms: Sequence[str]) -> Snippet:
    """The best place to show: the summary if it matches, else the first matching part of the body."""
    candidates = [article.summary, *(f"{s.title} — {s.body}" for s in article.sections)]
    candidates += article.key_points
    if article.did_you_know:
        candidates.append(article.did_you_know)
    for text in candidates:
        if has_match(text, terms):
            return make_snippet(text, terms)
    return make_snippet(article.summary, terms)


@lru_cache(maxsize=1024)
def _article(data: str) -> Article:
    """Parse a stored article (cached by its JSON text; articles are immutable models)."""
    return Article.model_validate_json(data)


def search_articles(conn: Any, text: str, *, limit: int = 30) -> list[SearchHit]:
    """Articles matching every word typed (else any of them), best first."""
    terms = query_terms(text)
    if not terms:
        return []
    rows = _run(conn, fts_query(terms), limit)
    if not rows and len(terms) > 1:
        rows = _run(conn, fts_query(terms, any_term=True), limit)
    hits = []
    for article_id, badge, data, rank in rows:
        article = _article(data)
        hits.append(
            SearchHit(
                kind=KIND_ARTICLE,
                id=article_id,
                title=article.title,
                snippet=_snippet_for(article, terms),
                title_spans=tuple(match_spans(article.title, terms)),
                rank=float(rank),
                badge=badge,
            )
        )
    return hits


def _run(conn: Any, match: str, limit: int) -> list[tuple[str, str | None, str, float]]:
    sql = (
        f"SELECT a.id, a.badge, a.data, {_BM25} AS rank FROM article_fts "
        "JOIN article a ON a.rowid = article_fts.rowid "
        "WHERE article_fts MATCH ? ORDER BY rank, a.title LIMIT ?"
    )
    return [tuple(r) for r in conn.execute(sql, (match, limit)).fetchall()]


# -- directory ---------------------------------------------------------------------------------
def broad_directory_query(conn: Any, match: str) -> bool:
    """Whether the text matches so many directory entries (a prefix of two or three letters in a
    national directory) that ranking them all would hold the answer up: then the global search
    shows the articles only until the text is more precise. Counting stops at the limit, so this
    check costs well under a millisecond."""
    if not match:
        return True
    total = 0
    for table in DIRECTORY_FTS_TABLES:
        row = conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)",
            (match, MAX_DIRECTORY_MATCHES + 1),
        ).fetchone()
        total += int(row[0])
        if total > MAX_DIRECTORY_MATCHES:
            return True
    return False


def search_directory(conn: Any, text: str, *, limit: int = 20) -> list[SearchHit]:
    """Directory entries matching the text (milpj_desktop.directory.search.text_search), best first."""
    return _directory_hits(conn, text, limit)[0]


def _directory_hits(conn: Any, text: str, limit: int) -> tuple[list[SearchHit], bool]:
    """(hits, whether the text was too broad to search the directory): one count, not one per caller."""
    # A one-letter word while typing ("relais p") would make the directory read every word
    # starting with that letter: it waits for the second letter.
    text = " ".join(w for w in _WORD.findall(text) if len(w) >= MIN_DIRECTORY_CHARS)
    if broad_directory_query(conn, directory_fts_query(text)):
        return [], True
    terms = query_terms(text)
    hits = []
    for position, found in enumerate(text_search(conn, text, limit)):
        entry = found.entry
        place = " ".join(p for p in (entry.postcode, entry.commune) if p)
        address = ", ".join(p for p in (entry.address, place) if p)
        phone = format_phone(entry.phone) if entry.phone else ""
        detail = " · ".join(p for p in (entry.type_label, address, phone) if p)
        extra = {
            "type_annuaire": entry.type,
            "type_libelle": entry.type_label,
            "adresse": address,
            "telephone": phone,
            "origine": found.origin,
        }
        hits.append(
            SearchHit(
                kind=KIND_DIRECTORY,
                id=found.id,
                title=entry.name,
                snippet=Snippet(detail, tuple(match_spans(detail, terms))),
                title_spans=tuple(match_spans(entry.name, terms)),
                rank=float(position),
                extra={k: v for k, v in extra.items() if v},
            )
        )
    return hits, False


class SearchResults(list[SearchHit]):
    """Hits, articles first; `directory_broad` says the directory was left out because the text
    matches too many of its entries (the window then asks for a more precise text)."""

    directory_broad: bool = False


def global_search(conn: Any, text: str, *, limit: int = 30, directory_limit: int = 20) -> SearchResults:
    """Articles first (they answer the question), then directory entries (who to call).

    A single letter searches the articles only: in a national directory it would match everything.
    """
    results = SearchResults(search_articles(conn, text, limit=limit))
    if max((len(w) for w in words(text)), default=0) < MIN_DIRECTORY_CHARS:
        return results
    directory, results.directory_broad = _directory_hits(conn, text, directory_limit)
    results.extend(directory)
    return results

"""Directory search over national and local entries: text (FTS5, accent-insensitive, prefix),
type, commune, "within N km of a place" sorted by distance, « ouvert maintenant » (public holidays
known) and favourites — combinable, offline.

Radius: an RTREE bounding-box prefilter, then the exact haversine distance on the candidates.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace
from typing import Any

from milpj_desktop.directory.communes import Commune, haversine_km
from milpj_desktop.directory.hours import is_open
from milpj_desktop.directory.models import DirectoryEntry
from milpj_desktop.directory.repository import LOCAL_PREFIX, Origin, favourite_ids, note_ids, stored_entry

# Paris, Lyon and Marseille as a whole cover their municipal arrondissements.
_ARRONDISSEMENTS = {"75056": "751", "69123": "6938", "13055": "132"}
_KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class Place:
    """A point to search around."""

    lat: float
    lon: float
    label: str = ""


@dataclass(frozen=True)
class Row:
    """What a result list shows; the full entry is read when one is opened."""

    id: str
    origin: Origin
    name: str
    type: str
    commune: str
    postcode: str
    distance_km: float | None
    has_note: bool = False
    favourite: bool = False


@dataclass(frozen=True)
class Filters:
    """The narrowing filters beside text and place: open at an instant, favourites only."""

    open_at: dt.datetime | None = None
    favourites_only: bool = False

    def any(self) -> bool:
        return self.open_at is not None or self.favourites_only


NO_FILTERS = Filters()


@dataclass(frozen=True)
class Hit:
    """A result with its full entry."""

    id: str
    origin: Origin
    entry: DirectoryEntry
    distance_km: float | None


@dataclass(frozen=True)
class _Table:
    name: str
    id_sql: str
    origin: Origin


_TABLES = (
    _Table("directory_national", "t.national_id", "national"),
    _Table("directory_local", f"'{LOCAL_PREFIX}' || t.uuid", "local"),
)


def fts_query(text: str) -> str:
    """User words → an FTS5 query: every word required, each as a prefix ('crech' finds 'Crèche')."""
    words = re.findall(r"\w+", text.lower())
    return " ".join(f'"{w}"*' for w in words)


BROAD_MATCHES = 5000


def _is_broad(conn: Any, fts: str, match: str) -> bool:
    """Whether a text query matches more than BROAD_MATCHES entries (counted without ranking)."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH ? LIMIT {BROAD_MATCHES + 1})"
    return int(conn.execute(sql, (match,)).fetchone()[0]) > BROAD_MATCHES


def _point(around: Commune | Place | tuple[float, float] | None) -> Place | None:
    if around is None:
        return None
    if isinstance(around, Place):
        return around
    if isinstance(around, Commune):
        if around.lat is None or around.lon is None:
            return None
        return Place(around.lat, around.lon, around.label)
    return Place(float(around[0]), float(around[1]))


def _distance(lat1: float | None, lon1: float | None, lat2: float, lon2: float) -> float | None:
    if lat1 is None or lon1 is None:
        return None
    return haversine_km(lat1, lon1, lat2, lon2)


def _query(
    conn: Any,
    table: _Table,
    *,
    match: str,
    types: list[str] | None,
    commune: Commune | None,
    place: Place | None,
    radius_km: float | None,
    limit: int | None,
    with_data: bool,
    filters: Filters = NO_FILTERS,
) -> list[tuple[Any, ...]]:
    """Rows (id, name, type, commune, postcode, sort_key, rank, distance[, data]) of one table."""
    name = table.name
    fts = f"{name}_fts"
    select = [table.id_sql, "t.name", "t.type", "t.commune", "t.postcode", "t.sort_key"]
    select_params: list[Any] = []
    source = f"{name} t"  # the first table named drives the loop (CROSS JOIN keeps that order)
    source_params: list[Any] = []
    where: list[str] = []
    params: list[Any] = []
    narrowed = bool(types or commune or filters.any())
    broad = bool(match) and limit is not None and not (narrowed or place) and _is_broad(conn, fts, match)
    if broad:
        # A short prefix matching thousands of entries: ranking them all costs ~1 s on 100k rows;
        # take the first matches in index order instead (the user is still typing).
        source = (
            f"(SELECT rowid AS fid FROM {fts} WHERE {fts} MATCH ? LIMIT ?) f CROSS JOIN {name} t ON t.rowid = f.fid"
        )
        source_params = [match, limit]
        select.append("0.0")
    elif match and place is not None and radius_km is not None:
        # Sorted by distance: no ranking needed; the bounding box (below) drives, the words filter.
        where.append(f"t.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)")
        params.append(match)
        select.append("0.0")
    elif match:
        # Words alone: FTS ranks and cuts to `limit` itself, so only those rows are read.
        alone = limit is not None and not narrowed
        cut = " ORDER BY score LIMIT ?" if alone else ""
        source = (
            f"(SELECT rowid AS fid, bm25({fts}, 10.0, 3.0, 1.0) AS score FROM {fts} WHERE {fts} MATCH ?{cut}) f "
            f"CROSS JOIN {name} t ON t.rowid = f.fid"
        )
        source_params = [match, limit] if alone else [match]
        select.append("f.score")
    else:
        select.append("0.0")
    if place is not None:
        select.append("milpj_km(t.latitude, t.longitude, ?, ?) AS distance")
        select_params = [place.lat, place.lon]
    else:
        select.append("NULL")
    if with_data:
        select.append("t.data")
    if place is not None and radius_km is not None:
        dlat = radius_km / _KM_PER_DEGREE * 1.01
        dlon = radius_km / (_KM_PER_DEGREE * max(math.cos(math.radians(place.lat)), 0.01)) * 1.01
        box = [place.lat - dlat, place.lat + dlat, place.lon - dlon, place.lon + dlon]
        # The bounding box drives: only the entries near the place are read.
        source = f"{name}_geo g CROSS JOIN {name} t ON t.rowid = g.id"
        where.insert(0, "g.min_lat >= ? AND g.max_lat <= ? AND g.min_lon >= ? AND g.max_lon <= ?")
        params[:0] = box  # the box is the first condition, its parameters come first
        where.append("distance <= ?")
        params.append(radius_km)
    if filters.favourites_only:
        where.append(f"{table.id_sql} IN (SELECT entry_id FROM directory_favourite)")
    if filters.open_at is not None:
        where.append("milpj_open(json_extract(t.data, '$.hours'), t.departement)")
    if types:
        where.append(f"t.type IN ({','.join('?' * len(types))})")
        params += types
    if commune is not None:
        prefix = _ARRONDISSEMENTS.get(commune.insee)
        clause = "t.commune_insee = ?"
        params.append(commune.insee)
        if prefix:
            clause += " OR t.commune_insee LIKE ?"
            params.append(prefix + "%")
        if commune.postcodes:
            clause += f" OR (t.commune_insee = '' AND t.postcode IN ({','.join('?' * len(commune.postcodes))}))"
            params += list(commune.postcodes)
        where.append(f"({clause})")
    if place is not None:
        order = "distance IS NULL, distance, t.sort_key"
    elif match and not broad:
        order = "f.score, t.sort_key"
    else:
        order = "t.sort_key"
    sql = f"SELECT {', '.join(select)} FROM {source}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order}"
    params = select_params + source_params + params
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return list(conn.execute(sql, params))


def _run(
    conn: Any,
    *,
    text: str | None,
    types: list[str] | None,
    commune: Commune | None,
    around: Commune | Place | tuple[float, float] | None,
    radius_km: float | None,
    limit: int | None,
    with_data: bool,
    filters: Filters = NO_FILTERS,
) -> list[tuple[Origin, tuple[Any, ...]]]:
    match = fts_query(text or "")
    if text and text.strip() and not match:
        return []  # only punctuation: nothing can match
    place = _point(around)
    if around is not None and place is None:
        return []  # a commune without coordinates: no distance to sort by
    conn.create_function("milpj_km", 4, _distance, deterministic=True)
    if filters.open_at is not None:
        moment = filters.open_at.replace(tzinfo=None)
        conn.create_function("milpj_open", 2, lambda hours, dep: is_open(hours, moment, dep or ""))
    merged: list[tuple[Origin, tuple[Any, ...]]] = []
    for table in _TABLES:
        rows = _query(
            conn,
            table,
            match=match,
            types=list(types) if types else None,
            commune=commune,
            place=place,
            radius_km=radius_km,
            limit=limit,
            with_data=with_data,
            filters=filters,
        )
        merged += [(table.origin, r) for r in rows]
    if place is not None:
        merged.sort(key=lambda item: (item[1][7] is None, item[1][7] or 0.0, item[1][5]))
    elif match:
        merged.sort(key=lambda item: (item[1][6], item[1][5]))
    else:
        merged.sort(key=lambda item: item[1][5])
    return merged[:limit] if limit is not None else merged


def search(
    conn: Any,
    *,
    text: str | None = None,
    types: list[str] | None = None,
    commune: Commune | None = None,
    around: Commune | Place | tuple[float, float] | None = None,
    radius_km: float | None = None,
    limit: int | None = 200,
    filters: Filters = NO_FILTERS,
) -> list[Hit]:
    """Entries matching every given criterion, national and local together.

    Order: by distance when `around` is given (within `radius_km` if given), else by text
    relevance, else by name. `commune` keeps the entries of that commune only; limit=None: all.
    """
    rows = _run(
        conn,
        text=text,
        types=types,
        commune=commune,
        around=around,
        radius_km=radius_km,
        limit=limit,
        with_data=True,
        filters=filters,
    )
    return [Hit(r[0], origin, stored_entry(r[8]), r[7]) for origin, r in rows]


def search_rows(
    conn: Any,
    *,
    text: str | None = None,
    types: list[str] | None = None,
    commune: Commune | None = None,
    around: Commune | Place | tuple[float, float] | None = None,
    radius_km: float | None = None,
    limit: int | None = None,
    filters: Filters = NO_FILTERS,
) -> list[Row]:
    """Same criteria as search(), light rows only (for a list of up to every entry), each marked
    when it has a private note or is a favourite."""
    rows = _run(
        conn,
        text=text,
        types=types,
        commune=commune,
        around=around,
        radius_km=radius_km,
        limit=limit,
        with_data=False,
        filters=filters,
    )
    notes, favourites = note_ids(conn), favourite_ids(conn)
    return [Row(r[0], origin, r[1], r[2], r[3], r[4], r[7], r[0] in notes, r[0] in favourites) for origin, r in rows]


def mark(row: Row, *, has_note: bool | None = None, favourite: bool | None = None) -> Row:
    """The same row with its markers changed (after a note or a favourite is saved)."""
    return replace(
        row,
        has_note=row.has_note if has_note is None else has_note,
        favourite=row.favourite if favourite is None else favourite,
    )


def text_search(conn: Any, text: str, limit: int = 20) -> list[Hit]:
    """Directory entries matching some words, best first (the content search shows them beside articles)."""
    if not fts_query(text):
        return []
    return search(conn, text=text, limit=limit)

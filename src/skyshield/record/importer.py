"""Import the attack record (``missile_attacks_daily.csv``) into a typed, checked table.

The record is the Ukrainian Air Force's reports as compiled in the dataset "Massive Missile
Attacks on Ukraine" (Petro Ivaniuk, Kaggle); a snapshot ships in ``skyshield/data/record``.
:func:`read_record` reads it (or a newer file of the same schema), maps every weapon name to
catalog threat classes, every launch place to a launch area and every region name to a region
of Ukraine, and reports what it could not map.  No row is dropped: every CSV row is one row of
:attr:`RecordImport.rows`, with its line number in the file.

Times in the record are Kyiv local time; they stay so (tz-aware, ``Europe/Kyiv``).
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from skyshield.catalog import Catalog, load_catalog
from skyshield.errors import InputError, Problem
from skyshield.record.aliases import RecordAliases
from skyshield.record.gazetteer import (
    LaunchAreas,
    Regions,
    load_launch_areas,
    load_regions,
    split_names,
)

#: Time zone of the record's times.
KYIV = ZoneInfo("Europe/Kyiv")

#: File name of the shipped snapshot inside ``skyshield.data.record``.
SNAPSHOT = "missile_attacks_daily.csv"

#: Columns of the record's schema (the dataset's README); extra columns are accepted.
SCHEMA_COLUMNS = (
    "time_start",
    "time_end",
    "model",
    "launch_place",
    "target",
    "target_main",
    "launched",
    "destroyed",
    "not_reach_goal",
    "still_attacking",
    "border_crossing",
    "is_shahed",
    "num_hit_location",
    "num_fall_fragment_location",
    "carrier",
    "turbojet",
    "turbojet_destroyed",
    "affected region",
    "destroyed_details",
    "launched_details",
    "launch_place_details",
    "source",
)

#: Columns the importer reads; a file without one of them is refused.
REQUIRED_COLUMNS = (
    "time_start",
    "time_end",
    "model",
    "launch_place",
    "target",
    "target_main",
    "launched",
    "destroyed",
    "not_reach_goal",
    "affected region",
    "source",
)

#: Columns read when present: ``still_attacking`` (weapons whose fate was not yet known when
#: the report was written), ``launch_place_details`` (places per model, used when
#: ``launch_place`` is empty) and ``carrier`` (kept as text).
OPTIONAL_COLUMNS = ("still_attacking", "launch_place_details", "carrier")

#: Columns of :attr:`RecordImport.rows`, in order.
ROW_COLUMNS = (
    "line",
    "time_start",
    "time_end",
    "date_only",
    "night",
    "model",
    "class_key",
    "category",
    "launched",
    "launched_missing",
    "destroyed",
    "not_reach_goal",
    "still_attacking",
    "launch_place",
    "launch_areas",
    "launch_places_unmapped",
    "target",
    "target_main",
    "target_regions",
    "affected_regions",
    "carrier",
    "source",
)

_NA = frozenset({"", "nan", "na", "n/a", "null", "none"})
_TIME = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
_MAX_PROBLEMS = 50
_NIGHT_STARTS = dt.timedelta(hours=12)

#: Most weapons one row may count (the record's largest row counts 479): a larger count is a
#: typing error or a hostile file, and the row is skipped.
MAX_WEAPONS_A_ROW = 5_000

#: Years a row's time may lie in (the record starts in 2022; 2014 allows older reports).
YEARS = (2014, 2100)

#: A CSV record running over more lines than this has an unbalanced quote (the record's own
#: fields never hold more than a few line breaks): the file is refused unless forced.
MAX_LINES_A_RECORD = 20

#: Least share of the weapons launched whose model maps to a threat class for a file to be
#: taken as the record without ``force`` (the shipped record: 100 %).
MIN_MAPPED_SHARE = 0.5

#: Largest share of rows that may be skipped as impossible before the file is refused (unless
#: forced): a file that is mostly impossible rows is not the record.
MAX_SKIPPED_SHARE = 0.2


@dataclass(frozen=True)
class ImportReport:
    """What an import found: counts, totals and every name it could not map, with lines.

    Counts of weapons (``launched_*``) are numbers of weapons; fractions are 0..1.  Lines are
    1-based line numbers of the file, the header being line 1.
    """

    path: str
    sha256: str
    rows_read: int
    first_night: dt.date | None
    last_night: dt.date | None
    rows_date_only: int
    launched_total: float
    #: class key ("kh-101+kalibr"; "" for unmapped models) -> weapons launched, largest first
    launched_by_class: dict[str, float]
    #: model string (as written; "" when empty) -> lines
    unmapped_models: dict[str, tuple[int, ...]]
    #: launch place (as written) -> lines
    unmapped_launch_places: dict[str, tuple[int, ...]]
    #: region name in ``target`` or ``affected region`` (as written) -> lines
    unmapped_regions: dict[str, tuple[int, ...]]
    #: fraction of the weapons launched whose model maps to catalog classes
    launched_mapped_fraction: float
    launch_place_mentions: int
    launch_place_mentions_mapped: int
    rows_without_launch_place: int
    #: mapped launch-place mentions by kind of area ("airfield", "oblast", ..., "direction")
    launch_place_mentions_by_kind: dict[str, int]
    #: lines whose ``launched`` is empty (unknown; counted as 0)
    rows_missing_launched: tuple[int, ...]
    #: columns of the file outside the schema (accepted, not read)
    extra_columns: tuple[str, ...] = ()
    #: schema columns absent from the file that the importer does not need
    absent_optional_columns: tuple[str, ...] = ()
    #: model string of each unmapped model -> weapons launched in its rows
    unmapped_model_launched: dict[str, float] = field(default_factory=dict)
    #: weapons whose fate was not yet known when the report was written (``still_attacking``)
    still_attacking_total: float = 0.0
    #: where the user's aliases came from ("" if none were given)
    aliases: str = ""
    #: rows left out as impossible: line -> why (see :func:`read_record`)
    skipped_rows: dict[int, str] = field(default_factory=dict)

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per kind of name the tables did not know (empty if all were known); see
        :func:`name_warnings`."""
        models = {
            k: (len(v), self.unmapped_model_launched.get(k, 0.0))
            for k, v in self.unmapped_models.items()
        }
        places = {k: len(v) for k, v in self.unmapped_launch_places.items()}
        skipped = (
            (
                f"{len(self.skipped_rows)} impossible row(s) skipped (lines"
                f" {_line_list(self.skipped_rows)}); the import report lists why",
            )
            if self.skipped_rows
            else ()
        )
        return skipped + name_warnings(models, places)

    @property
    def launch_place_mapped_fraction(self) -> float:
        """Fraction of launch-place mentions (summed over rows) that map to an area; 1 if none."""
        if self.launch_place_mentions == 0:
            return 1.0
        return self.launch_place_mentions_mapped / self.launch_place_mentions

    def to_text(self) -> str:
        """A plain-text summary for the command line."""
        nights = (
            f"nights {self.first_night} .. {self.last_night}"
            if self.first_night is not None
            else "no nights"
        )
        lines = [
            f"Attack record: {self.path}",
            f"  sha256 {self.sha256}",
            f"  rows read: {self.rows_read} ({nights}; {self.rows_date_only} rows give a date only)",
            f"  weapons launched: {self.launched_total:,.0f}"
            f" (of which still attacking when reported: {self.still_attacking_total:,.0f})",
        ]
        if self.aliases:
            lines.append(f"  aliases: {self.aliases}")
        if self.rows_missing_launched:
            lines.append(
                f"  rows with 'launched' empty (counted as 0): {len(self.rows_missing_launched)}"
                f" (lines {_line_list(self.rows_missing_launched)})"
            )
        lines.append(
            f"  launched mapped to a threat class: {100 * self.launched_mapped_fraction:.2f} %"
        )
        lines.append(
            f"  launch-place mentions mapped to an area: {self.launch_place_mentions_mapped:,}"
            f" of {self.launch_place_mentions:,} ({100 * self.launch_place_mapped_fraction:.2f} %);"
            f" {self.rows_without_launch_place} rows name no launch place"
        )
        kinds = ", ".join(f"{k} {n:,}" for k, n in self.launch_place_mentions_by_kind.items())
        lines.append(f"    mapped mentions by kind of area: {kinds or 'none'}")
        lines.append("  launched by class:")
        width = max((len(k) for k in self.launched_by_class), default=10)
        width = max(width, len("(unmapped)"))
        for key, n in self.launched_by_class.items():
            lines.append(f"    {key or '(unmapped)':<{width}}  {n:>9,.0f}")
        for title, names in (
            ("unmapped models", self.unmapped_models),
            ("unmapped launch places", self.unmapped_launch_places),
            ("region names not in Ukraine's gazetteer", self.unmapped_regions),
        ):
            if not names:
                lines.append(f"  {title}: none")
                continue
            lines.append(f"  {title}: {len(names)}")
            for name, at in names.items():
                weapons = (
                    f", {self.unmapped_model_launched.get(name, 0.0):,.0f} weapons"
                    if names is self.unmapped_models
                    else ""
                )
                lines.append(
                    f"    {name or '(empty)'!r}: {len(at)} rows{weapons} (lines {_line_list(at)})"
                )
        if self.skipped_rows:
            lines.append(f"  impossible rows skipped: {len(self.skipped_rows)}")
            for line, why in list(self.skipped_rows.items())[:20]:
                lines.append(f"    line {line}: {why}")
            if len(self.skipped_rows) > 20:
                lines.append(f"    ... and {len(self.skipped_rows) - 20} more")
        else:
            lines.append("  impossible rows skipped: none")
        if self.extra_columns:
            lines.append(f"  extra columns (not read): {', '.join(self.extra_columns)}")
        if self.absent_optional_columns:
            lines.append(f"  schema columns absent: {', '.join(self.absent_optional_columns)}")
        return "\n".join(lines)


def _line_list(lines: Iterable[int], most: int = 8) -> str:
    items = list(lines)
    shown = ", ".join(str(n) for n in items[:most])
    return shown + (f", ... (+{len(items) - most})" if len(items) > most else "")


@dataclass(frozen=True)
class RecordImport:
    """An imported record: one row per CSV row (columns :data:`ROW_COLUMNS`), the file's path
    and SHA-256, and the :class:`ImportReport`.

    Columns of ``rows``: ``line`` (int, line in the file, header = 1); ``time_start``,
    ``time_end`` (tz-aware ``Europe/Kyiv`` timestamps; a date-only value is 00:00; ``time_end``
    is NaT when empty); ``date_only`` (bool: ``time_start`` gave no time of day); ``night``
    (``datetime.date`` D with D 12:00 <= time_start < D+1 12:00 local); ``model`` (as
    written); ``class_key`` (catalog class ids joined by "+", "" if unmapped); ``category``
    (the classes' common catalog category, "mixed" if they differ, "" if unmapped);
    ``launched`` (float, weapons; 0 when empty, see ``launched_missing``); ``destroyed``,
    ``not_reach_goal`` (float, NaN when empty); ``still_attacking`` (float, weapons whose fate
    was not yet known when the report was written; NaN when empty or the column is absent);
    ``launch_place`` (text used for the places);
    ``launch_areas`` (list of launch-area ids); ``launch_places_unmapped`` (list of places as
    written); ``target``, ``target_main`` (text, "" when empty); ``target_regions`` (list of
    region ids named in ``target``); ``affected_regions`` (list of region ids from ``affected
    region``); ``carrier``, ``source`` (text, "" when empty).
    """

    rows: pd.DataFrame
    path: str
    sha256: str
    report: ImportReport


@dataclass
class _Names:
    """Unmapped names -> lines, in order of first appearance."""

    lines: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: str, line: int) -> None:
        at = self.lines.setdefault(name, [])
        if not at or at[-1] != line:
            at.append(line)

    def frozen(self) -> dict[str, tuple[int, ...]]:
        return {k: tuple(v) for k, v in self.lines.items()}


class _Problems:
    """Collects problems of one file; stops collecting after a bound."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []
        self.dropped = 0

    def add(self, column: str, message: str, line: int | None) -> None:
        if len(self.items) < _MAX_PROBLEMS:
            self.items.append(Problem(self.file, column, message, line))
        else:
            self.dropped += 1

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.dropped:
            items.append(Problem(self.file, "", f"... and {self.dropped} more problems"))
        raise InputError(items)


def _read_bytes(path: Path | None) -> tuple[bytes, str]:
    if path is None:
        ref = resources.files("skyshield.data.record").joinpath(SNAPSHOT)
        return ref.read_bytes(), str(ref)
    try:
        return path.read_bytes(), str(path)
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), "", "is a directory, not a CSV file")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), "", f"cannot read ({exc.strerror})")]) from None


def _decode(data: bytes, file: str) -> str:
    """UTF-8 text of the file; a clear problem (line and column) if it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = _column_of_bad_byte(data)
        byte = data[exc.start : exc.start + 1].hex()
        raise InputError(
            [
                Problem(
                    file,
                    column,
                    f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8"
                    " (it may be Latin-1 or Windows-1251)",
                    line,
                )
            ]
        ) from None


def _column_of_bad_byte(data: bytes) -> str:
    """Name of the first column holding a byte that is not UTF-8 ("" if not found)."""
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return ""
    header = next((r for r in records if r), [])
    for record in records:
        for i, value in enumerate(record):
            if any("\udc80" <= ch <= "\udcff" for ch in value):
                return header[i].strip() if record is not header and i < len(header) else "header"
    return ""


def _records(text: str, problems: _Problems, force: bool = False) -> list[tuple[int, list[str]]]:
    """CSV records with the line each starts on (1-based); blank lines skipped.  A record
    running over more than :data:`MAX_LINES_A_RECORD` lines (an unbalanced quote swallowing the
    rows after it) is a problem unless ``force``."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if previous_end - start + 1 > MAX_LINES_A_RECORD and not force:
                problems.add(
                    "",
                    f"one CSV record runs from line {start} to line {previous_end}: an unbalanced"
                    ' quote (") merges the rows after it; fix the quote, or import anyway with'
                    " --force",
                    start,
                )
                problems.raise_if_any()
            if record and any(v.strip() for v in record):
                out.append((start, record))
    except csv.Error as exc:
        problems.add("", f"not a valid CSV file ({exc})", reader.line_num)
        problems.raise_if_any()
    return out


def _is_na(value: str) -> bool:
    return value.strip().lower() in _NA


def _parse_count(value: str, column: str, line: int, problems: _Problems) -> float:
    """A count of weapons: float, NaN when empty; a problem if not a number >= 0."""
    if _is_na(value):
        return math.nan
    try:
        n = float(value.strip())
    except ValueError:
        problems.add(column, f"expected a number of weapons, got {value.strip()!r}", line)
        return math.nan
    if not math.isfinite(n) or n < 0:
        problems.add(column, f"expected a number of weapons >= 0, got {value.strip()!r}", line)
        return math.nan
    if n != int(n):
        problems.add(column, f"expected a whole number of weapons, got {value.strip()!r}", line)
        return math.nan
    if n > MAX_WEAPONS_A_ROW:
        problems.add(
            column, f"{value.strip()} weapons in one row (at most {MAX_WEAPONS_A_ROW:,})", line
        )
        return math.nan
    return n


def _parse_time(
    value: str, column: str, line: int, problems: _Problems, required: bool
) -> tuple[dt.datetime | None, bool]:
    """Local (naive) time and whether it was a date only; None if empty or bad."""
    text = value.strip()
    if _is_na(text):
        if required:
            problems.add(column, "time is missing (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)", line)
        return None, False
    m = _TIME.match(text)
    if m is None:
        problems.add(column, f"cannot read time {text!r} (expected YYYY-MM-DD[ HH:MM])", line)
        return None, False
    try:
        when = dt.datetime(  # noqa: DTZ001 - local wall time; the zone is attached later
            int(m["y"]),
            int(m["m"]),
            int(m["d"]),
            int(m["H"] or 0),
            int(m["M"] or 0),
            int(m["S"] or 0),
        )
    except ValueError as exc:
        problems.add(column, f"cannot read time {text!r} ({exc})", line)
        return None, False
    if not YEARS[0] <= when.year < YEARS[1]:
        problems.add(column, f"year {when.year} is outside {YEARS[0]}-{YEARS[1] - 1}", line)
        return None, False
    return when, m["H"] is None


def _map_model(model: str, table: Mapping[str, list[str]], folded: Mapping[str, str]) -> list[str]:
    """Catalog class ids of a model string ([] if unknown).

    Exact match first, then ignoring case and spacing, then each " and "-joined part.
    """

    def one(name: str) -> list[str] | None:
        if name in table:
            return table[name]
        key = folded.get(" ".join(name.split()).casefold())
        return table[key] if key is not None else None

    found = one(model.strip())
    if found is not None:
        return list(found)
    parts = split_names(model)
    if len(parts) < 2:
        return []
    classes: list[str] = []
    for part in parts:
        ids = one(part)
        if ids is None:
            return []
        classes += [c for c in ids if c not in classes]
    return classes


def _parse_literal_list(value: str, column: str, line: int, problems: _Problems) -> list[str]:
    """Names in a Python-literal list ("['Kyiv oblast', 'Sumy oblast']"); never ``eval``.

    A value that is not bracketed is read as names joined by " and ".
    """
    text = value.strip()
    if _is_na(text):
        return []
    if not text.startswith(("[", "(")):
        return split_names(text)
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        problems.add(
            column, f"expected a list of region names like ['Kyiv oblast'], got {text!r}", line
        )
        return []
    if not isinstance(parsed, list | tuple) or not all(isinstance(x, str) for x in parsed):
        problems.add(column, f"expected a list of region names, got {text!r}", line)
        return []
    return [x for x in parsed if x.strip()]


def _details_places(value: str) -> str | None:
    """Places of a ``launch_place_details`` dict ("{'Kalibr': 'Black Sea', ...}") joined by
    " and "; None if the value is not such a dict."""
    try:
        parsed = ast.literal_eval(value.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
        return None
    return " and ".join(v for v in parsed.values() if v.strip())


def _category(classes: list[str], catalog: Catalog) -> str:
    cats = {catalog.threats[c].category for c in classes}
    if not cats:
        return ""
    return cats.pop() if len(cats) == 1 else "mixed"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def name_warnings(
    models: Mapping[str, tuple[int, float]], places: Mapping[str, int]
) -> tuple[str, ...]:
    """Warning lines for names the tables did not know: ``models`` maps a model string to
    (rows, weapons launched), ``places`` a launch place to the rows naming it.

    Such rows are kept: a model that maps to no class keeps ``class_key`` "" (raids do not fly
    it and say so), a launch place that maps to no area is listed in the row's
    ``launch_places_unmapped`` (the raid falls back to a direction area).  Both can be mapped
    with an aliases file (``--aliases``).
    """
    out = []
    if models:
        rows = sum(r for r, _ in models.values())
        weapons = sum(w for _, w in models.values())
        names = ", ".join(repr(k or "(empty)") for k in list(models)[:5])
        more = " ..." if len(models) > 5 else ""
        out.append(
            f"{len(models)} model name(s) unknown to the tables ({rows} rows, {weapons:,.0f}"
            f" weapons; kept, mapped to no threat class): {names}{more};"
            " map them in an aliases file (--aliases)"
        )
    if places:
        names = ", ".join(repr(k) for k in list(places)[:5])
        more = " ..." if len(places) > 5 else ""
        out.append(
            f"{len(places)} launch place(s) unknown to the gazetteer (in {sum(places.values())}"
            f" rows; kept, the raid falls back to a direction area): {names}{more};"
            " map them in an aliases file (--aliases)"
        )
    return tuple(out)


def row_warnings(rows: pd.DataFrame) -> tuple[str, ...]:
    """:func:`name_warnings` for imported rows (from a store as well as from a file)."""
    unknown = rows[rows["class_key"].astype(str) == ""]
    models: dict[str, tuple[int, float]] = {}
    for model, launched in zip(unknown["model"].astype(str), unknown["launched"], strict=True):
        r, w = models.get(model.strip(), (0, 0.0))
        models[model.strip()] = (r + 1, w + float(launched))
    places: Counter[str] = Counter()
    for names in rows["launch_places_unmapped"]:
        places.update(set(names) if names is not None else set())
    return name_warnings(models, dict(places))


def apply_aliases(
    rows: pd.DataFrame,
    aliases: RecordAliases,
    *,
    catalog: Catalog | None = None,
    launch_areas: LaunchAreas | None = None,
) -> pd.DataFrame:
    """Imported rows with ``aliases`` applied to the names they left unmapped (rows read
    earlier, such as a store's, keep their other columns).  Returns a new frame."""
    catalog = catalog if catalog is not None else load_catalog()
    places = aliases.gazetteer(launch_areas if launch_areas is not None else load_launch_areas())
    models = aliases.record_models(catalog)
    folded = {" ".join(k.split()).casefold(): k for k in models}
    out = rows.copy()
    for i in out.index[out["class_key"].astype(str) == ""]:
        classes = _map_model(str(out.at[i, "model"]), models, folded)
        if classes:
            out.at[i, "class_key"] = "+".join(classes)
            out.at[i, "category"] = _category(classes, catalog)
    for i in out.index[out["launch_places_unmapped"].map(lambda v: bool(v is not None and len(v)))]:
        areas = list(out.at[i, "launch_areas"])
        still_unmapped = []
        for name in out.at[i, "launch_places_unmapped"]:
            area = places.lookup(str(name))
            if area is None:
                still_unmapped.append(name)
            elif area.id not in areas:
                areas.append(area.id)
        out.at[i, "launch_areas"] = areas
        out.at[i, "launch_places_unmapped"] = still_unmapped
    return out


def read_record(
    path: Path | None = None,
    *,
    data: bytes | None = None,
    catalog: Catalog | None = None,
    launch_areas: LaunchAreas | None = None,
    regions: Regions | None = None,
    aliases: RecordAliases | None = None,
    strict: bool = False,
    force: bool = False,
) -> RecordImport:
    """Read and check an attack-record CSV (``None``: the shipped snapshot).

    The file must be UTF-8 CSV with a header holding :data:`REQUIRED_COLUMNS`; other columns
    are accepted.  ``data``: the file's bytes, already read (e.g. kept in the run store);
    ``path`` then only names it in messages.  Bad input raises :class:`~skyshield.errors.InputError` whose problems name
    the file, the column and the line (header = line 1): file not found, empty file, not
    UTF-8, missing columns, a count that is not a number >= 0, a time that cannot be read, an
    ``affected region`` that is not a list of names.  ``catalog``, ``launch_areas`` and
    ``regions`` default to the shipped ones.  ``aliases`` (a user's file, see
    :mod:`skyshield.record.aliases`) adds model names and launch places to the tables.

    Names the tables do not know are never dropped: the row is kept, the name is listed with
    its lines in the report, and :attr:`ImportReport.warnings` says how many there are.

    Impossible rows are skipped and listed with their line and reason
    (:attr:`ImportReport.skipped_rows`): a field that is not a whole number of weapons from 0 to
    :data:`MAX_WEAPONS_A_ROW`, a time that cannot be read or lies outside :data:`YEARS`, an end
    before the start, more destroyed (or not reached, or still attacking) than launched, more or
    fewer fields than the header.  ``strict``: refuse the file instead if any row is
    impossible.  Unless ``force``, a file is refused that does not look like the record: a CSV
    record over :data:`MAX_LINES_A_RECORD` lines (an unbalanced quote), more than
    :data:`MAX_SKIPPED_SHARE` of its rows impossible, or less than :data:`MIN_MAPPED_SHARE` of
    its weapons mapped to a threat class.
    """
    catalog = catalog if catalog is not None else load_catalog()
    places = launch_areas if launch_areas is not None else load_launch_areas()
    oblasts = regions if regions is not None else load_regions()
    models = catalog.record_models
    if aliases is not None:
        models = aliases.record_models(catalog)
        places = aliases.gazetteer(places)

    data, file = _read_bytes(path) if data is None else (data, str(path or "<record>"))
    problems = _Problems(file)
    if not data.strip():
        raise InputError([Problem(file, "", "file is empty (expected a CSV header and rows)", 1)])
    text = _decode(data, file)
    records = _records(text, problems, force)
    if not records:
        raise InputError([Problem(file, "", "file is empty (expected a CSV header and rows)", 1)])
    header_line, raw_header = records[0]
    header = [h.strip() for h in raw_header]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    for name in duplicates:
        problems.add(name, "column appears twice in the header", header_line)
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.add(
                name,
                f"required column missing (the header has: {', '.join(header)})",
                header_line,
            )
    problems.raise_if_any()
    body = records[1:]
    if not body:
        raise InputError([Problem(file, "", "no data rows after the header", header_line)])

    col = {name: header.index(name) for name in header}
    folded = {" ".join(k.split()).casefold(): k for k in models}
    cells: dict[str, list[Any]] = {name: [] for name in ROW_COLUMNS}
    unmapped_models, unmapped_places, unmapped_regions = _Names(), _Names(), _Names()
    missing_launched: list[int] = []
    unmapped_launched: dict[str, float] = {}
    mentions = mentions_mapped = no_place = 0
    kinds: Counter[str] = Counter()

    skipped: dict[int, str] = {}
    for line, record in body:
        row = _Problems(file)
        if len(record) != len(header):
            row.add("", f"row has {len(record)} fields, the header {len(header)}", line)
        else:
            parsed = _parse_row(record, col, line, row)
        if row.items:
            skipped[line] = "; ".join(
                f"{p.field}: {p.message}" if p.field else p.message for p in row.items
            )
            if strict:
                for p in row.items:
                    problems.add(p.field, p.message, p.line)
            continue
        start, date_only, end, launched, destroyed, not_reached, still, affected = parsed

        get = partial(_field, record, col)
        model = get("model")
        classes = _map_model(model, models, folded)
        launched_missing = math.isnan(launched)
        if launched_missing:
            missing_launched.append(line)
            launched = 0.0
        if not classes:
            unmapped_models.add(model.strip(), line)
            unmapped_launched[model.strip()] = unmapped_launched.get(model.strip(), 0.0) + launched

        place_text = get("launch_place").strip()
        if _is_na(place_text):
            place_text = ""
            details = get("launch_place_details").strip()
            if not _is_na(details):
                joined = _details_places(details)
                place_text = joined if joined is not None else details
        match = places.resolve(place_text) if place_text else None
        if match is None or match.mentions == 0:
            no_place += 1
        else:
            mentions += match.mentions
            mentions_mapped += match.mentions - len(match.unmapped)
            kinds.update(match.kinds)
            for name in match.unmapped:
                unmapped_places.add(name, line)

        target = get("target").strip()
        target_match = oblasts.resolve_text(target) if not _is_na(target) else None
        affected_match = oblasts.resolve(affected)
        for m in (target_match, affected_match):
            for name in m.unmapped if m is not None else ():
                unmapped_regions.add(name, line)

        cells["line"].append(line)
        cells["time_start"].append(start)
        cells["time_end"].append(end)
        cells["date_only"].append(date_only)
        cells["night"].append((start - _NIGHT_STARTS).date() if start is not None else None)
        cells["model"].append(model)
        cells["class_key"].append("+".join(classes))
        cells["category"].append(_category(classes, catalog))
        cells["launched"].append(launched)
        cells["launched_missing"].append(launched_missing)
        cells["destroyed"].append(destroyed)
        cells["not_reach_goal"].append(not_reached)
        cells["still_attacking"].append(still)
        cells["launch_place"].append(place_text)
        cells["launch_areas"].append(list(match.areas) if match else [])
        cells["launch_places_unmapped"].append(list(match.unmapped) if match else [])
        cells["target"].append("" if _is_na(target) else target)
        cells["target_main"].append(_text(get("target_main")))
        cells["target_regions"].append(list(target_match.regions) if target_match else [])
        cells["affected_regions"].append(list(affected_match.regions))
        cells["carrier"].append(_text(get("carrier")))
        cells["source"].append(_text(get("source")))

    if strict:
        for line in missing_launched:
            problems.add("launched", "empty or nan: the number launched is unknown", line)
    problems.raise_if_any()
    _refuse_unless_forced(file, len(body), skipped, force, header_line)
    rows = _frame(cells)
    report = _report(
        file=file,
        sha256=_sha256(data),
        rows=rows,
        header=header,
        unmapped=(unmapped_models, unmapped_places, unmapped_regions),
        missing_launched=missing_launched,
        mentions=(mentions, mentions_mapped, no_place),
        kinds=kinds,
    )
    report = replace(
        report,
        unmapped_model_launched=dict(unmapped_launched),
        aliases=aliases.origin if aliases is not None else "",
        skipped_rows=skipped,
    )
    if not force and report.launched_mapped_fraction < MIN_MAPPED_SHARE:
        raise InputError(
            [
                Problem(
                    file,
                    "model",
                    f"only {100 * report.launched_mapped_fraction:.1f} % of the weapons launched"
                    " name a model the tables know: is this the record? Map the names in an"
                    " aliases file (--aliases), or import anyway with --force",
                )
            ]
        )
    return RecordImport(rows=rows, path=file, sha256=report.sha256, report=report)


#: A row's parsed fields: start, date only, end, launched, destroyed, not reached, still
#: attacking, affected regions.
_Parsed = tuple[
    "dt.datetime | None", bool, "dt.datetime | None", float, float, float, float, list[str]
]


def _field(record: list[str], col: dict[str, int], name: str) -> str:
    """Field ``name`` of a CSV record by the header's column positions ``col`` ("" if the file
    has no such column or the record stops short of it)."""
    i = col.get(name)
    return record[i] if i is not None and i < len(record) else ""


def _parse_row(record: list[str], col: dict[str, int], line: int, row: _Problems) -> _Parsed:
    """The fields of one CSV record that are checked; what is impossible goes to ``row``."""
    get = partial(_field, record, col)

    start, date_only = _parse_time(get("time_start"), "time_start", line, row, True)
    end, _ = _parse_time(get("time_end"), "time_end", line, row, False)
    launched = _parse_count(get("launched"), "launched", line, row)
    destroyed = _parse_count(get("destroyed"), "destroyed", line, row)
    not_reached = _parse_count(get("not_reach_goal"), "not_reach_goal", line, row)
    still = _parse_count(get("still_attacking"), "still_attacking", line, row)
    affected = _parse_literal_list(get("affected region"), "affected region", line, row)
    if start is not None and end is not None and end < start:
        row.add("time_end", f"ends ({end:%Y-%m-%d %H:%M}) before it starts", line)
    for name, n in (
        ("destroyed", destroyed),
        ("not_reach_goal", not_reached),
        ("still_attacking", still),
    ):
        if n > launched:  # NaN on either side compares False
            row.add(name, f"{n:.0f} is more than the {launched:.0f} launched", line)
    return start, date_only, end, launched, destroyed, not_reached, still, affected


def _refuse_unless_forced(
    file: str, rows: int, skipped: dict[int, str], force: bool, header_line: int
) -> None:
    """InputError if no row is left, or (unless ``force``) too many rows were impossible."""
    if len(skipped) == rows:
        line, why = next(iter(skipped.items()))
        raise InputError(
            [Problem(file, "", f"every one of the {rows} rows is impossible ({why})", line)]
        )
    if not force and len(skipped) > MAX_SKIPPED_SHARE * rows:
        first = next(iter(skipped.items()))
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    f"{len(skipped)} of {rows} rows are impossible (line {first[0]}: {first[1]}):"
                    " is this the record? Fix the rows, or import anyway with --force (the"
                    " impossible rows are then skipped)",
                    header_line,
                )
            ]
        )


def _text(value: str) -> str:
    return "" if _is_na(value) else value.strip()


def _localise(times: list[dt.datetime | None]) -> pd.Series:
    """Naive Kyiv wall times to a tz-aware series.

    The repeated autumn hour is read as summer time (fold 0); a time in the skipped spring hour
    comes out an hour later (03:30 becomes 04:30 EEST).
    """
    return pd.Series(
        [pd.Timestamp(t.replace(tzinfo=KYIV)) if t is not None else pd.NaT for t in times],
        dtype="datetime64[us, Europe/Kyiv]",
    )


def _frame(cells: dict[str, list[Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "line": pd.Series(cells["line"], dtype="int64"),
            "time_start": _localise(cells["time_start"]),
            "time_end": _localise(cells["time_end"]),
            "date_only": pd.Series(cells["date_only"], dtype="bool"),
            "night": pd.Series(cells["night"], dtype="object"),
            "launched": pd.Series(cells["launched"], dtype="float64"),
            "launched_missing": pd.Series(cells["launched_missing"], dtype="bool"),
            "destroyed": pd.Series(cells["destroyed"], dtype="float64"),
            "not_reach_goal": pd.Series(cells["not_reach_goal"], dtype="float64"),
            "still_attacking": pd.Series(cells["still_attacking"], dtype="float64"),
            **{
                name: pd.Series(cells[name], dtype="object")
                for name in (
                    "launch_areas",
                    "launch_places_unmapped",
                    "target_regions",
                    "affected_regions",
                )
            },
            **{
                name: pd.Series(cells[name], dtype="str")
                for name in (
                    "model",
                    "class_key",
                    "category",
                    "launch_place",
                    "target",
                    "target_main",
                    "carrier",
                    "source",
                )
            },
        }
    )
    return frame[list(ROW_COLUMNS)]


def _report(
    *,
    file: str,
    sha256: str,
    rows: pd.DataFrame,
    header: list[str],
    unmapped: tuple[_Names, _Names, _Names],
    missing_launched: list[int],
    mentions: tuple[int, int, int],
    kinds: Counter[str],
) -> ImportReport:
    by_class = (
        rows.groupby("class_key", sort=True)["launched"]
        .sum()
        .sort_values(ascending=False, kind="stable")
    )
    total = float(rows["launched"].sum())
    mapped = float(rows.loc[rows["class_key"] != "", "launched"].sum())
    nights = rows["night"].dropna()
    extra = tuple(h for h in header if h not in SCHEMA_COLUMNS)
    absent = tuple(c for c in SCHEMA_COLUMNS if c not in header)
    return ImportReport(
        path=file,
        sha256=sha256,
        rows_read=len(rows),
        first_night=min(nights) if len(nights) else None,
        last_night=max(nights) if len(nights) else None,
        rows_date_only=int(rows["date_only"].sum()),
        launched_total=total,
        launched_by_class={str(k): float(v) for k, v in by_class.items()},
        unmapped_models=unmapped[0].frozen(),
        unmapped_launch_places=unmapped[1].frozen(),
        unmapped_regions=unmapped[2].frozen(),
        launched_mapped_fraction=mapped / total if total > 0 else 1.0,
        launch_place_mentions=mentions[0],
        launch_place_mentions_mapped=mentions[1],
        rows_without_launch_place=mentions[2],
        launch_place_mentions_by_kind=dict(kinds.most_common()),
        rows_missing_launched=tuple(missing_launched),
        extra_columns=extra,
        absent_optional_columns=absent,
        still_attacking_total=float(rows["still_attacking"].fillna(0.0).sum()),
    )


__all__ = [
    "KYIV",
    "MAX_LINES_A_RECORD",
    "MAX_SKIPPED_SHARE",
    "MAX_WEAPONS_A_ROW",
    "MIN_MAPPED_SHARE",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ROW_COLUMNS",
    "SCHEMA_COLUMNS",
    "YEARS",
    "ImportReport",
    "RecordImport",
    "apply_aliases",
    "name_warnings",
    "read_record",
    "row_warnings",
]

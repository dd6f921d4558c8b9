"""Merging a scenario's ``extends`` chain, remembering which file wrote each value.

A file overrides the scenario it extends key by key: mappings merge, values and plain lists
replace.  A list whose items have a key (coalition members by ``iso_a3``, CAP stations, AEW
orbits, tanker tracks and assets by ``id``, bases by ``icao``) or a list of names (hostile
areas, built-in assets, unavailable bases) may instead be *patched*: given as a mapping of up to
three operations, applied in this order::

    cap:
      stations:
        remove: [kyiv-west, lviv]               # keys of items to drop
        patch: {rivne-npp: {aircraft: 4}}       # items to change, merged key by key
        add:                                    # new items, appended
          - {id: ternopil, position: [25.6, 49.55], aircraft: 2}

Every merged value keeps its origin (which file of the chain, and where in it), so that an error
names the file and line that wrote the offending value, also inside a patched list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skyshield.errors import InputError, Problem
from skyshield.scenario.yamlio import Path_, dotted, line_of

#: Lists a file may patch, and the field that identifies an item (None: the items are names).
KEYED_LISTS: dict[tuple[str, ...], str | None] = {
    ("coalition", "members"): "iso_a3",
    ("cap", "stations"): "id",
    ("aew_orbits",): "id",
    ("tanker_tracks",): "id",
    ("assets", "extra"): "id",
    ("bases", "extra"): "icao",
    ("assets", "builtin"): None,
    ("bases", "unavailable"): None,
    ("theatre", "hostile"): None,
}

#: The operations of a list patch, in the order they apply.
PATCH_OPS = ("remove", "patch", "add")

#: How a patch is written, for messages.
PATCH_FORM = "{remove: [KEY, ...], patch: {KEY: {field: value}}, add: [ITEM, ...]}"

#: Where a value was written: the index of its file in the chain and its path in that file.
Origin = tuple[int, Path_]


@dataclass
class _Placed:
    """A value of the merged document and where it was written.  ``value`` holds ``_Placed``
    children for mappings and lists."""

    value: Any
    file: int
    path: Path_


def _wrap(data: Any, file: int, path: Path_) -> _Placed:
    if isinstance(data, dict):
        return _Placed({k: _wrap(v, file, (*path, k)) for k, v in data.items()}, file, path)
    if isinstance(data, list):
        return _Placed([_wrap(v, file, (*path, i)) for i, v in enumerate(data)], file, path)
    return _Placed(data, file, path)


def is_patch(value: Any) -> bool:
    """True if ``value`` is written as a list patch (a mapping of :data:`PATCH_OPS` only)."""
    return isinstance(value, dict) and bool(value) and all(k in PATCH_OPS for k in value)


class _Merger:
    """Merges the files of a chain (root ancestor first), collecting problems of list patches."""

    def __init__(
        self,
        origins: list[str],
        lines: list[dict[Path_, int]],
        defaults: dict[tuple[str, ...], dict[str, list[Any]]],
    ) -> None:
        self.origins = origins
        self.lines = lines
        self.defaults = defaults
        self.problems: list[Problem] = []

    def problem(self, at: _Placed, message: str) -> None:
        line, _ = line_of(self.lines[at.file], at.path)
        self.problems.append(Problem(self.origins[at.file], dotted(at.path), message, line))

    def merge(self, base: _Placed | None, over: _Placed, keys: tuple[str, ...] | None) -> _Placed:
        """``over`` on top of ``base``; ``keys`` is the path of mapping keys from the top (None
        below a list, where no list is patched)."""
        if keys is not None and keys in KEYED_LISTS and is_patch(_plain(over)):
            return self.patch(base, over, keys)
        if isinstance(over.value, dict):
            below = base.value if base is not None and isinstance(base.value, dict) else {}
            out = dict(below)
            for k, v in over.value.items():
                sub = (*keys, k) if keys is not None and isinstance(k, str) else None
                out[k] = self.merge(below.get(k), v, sub)
            return _Placed(out, over.file, over.path)
        return over

    def patch(self, base: _Placed | None, over: _Placed, keys: tuple[str, ...]) -> _Placed:
        key = KEYED_LISTS[keys]
        stands_for = self.defaults.get(keys, {})
        if base is None and "" in stands_for:  # no file sets the list: patch its default
            base = _wrap(stands_for[""], over.file, over.path)
        elif base is not None and isinstance(base.value, str) and base.value in stands_for:
            base = _wrap(stands_for[base.value], base.file, base.path)  # e.g. builtin: all
        if base is None or not isinstance(base.value, list):
            self.problem(
                over,
                "a list patch changes the list of the scenario this file extends, and there is"
                " none here: expected a plain list",
            )
            return base if base is not None else _Placed([], over.file, over.path)
        items = list(base.value)
        ops = over.value

        def ident(item: _Placed) -> Any:
            if key is None:
                return item.value
            return (
                item.value[key].value
                if isinstance(item.value, dict) and key in item.value
                else None
            )

        def known() -> str:
            ids = [str(ident(i)) for i in items]
            return ", ".join(ids) if ids else "none"

        what = f"{key} " if key else ""
        if "remove" in ops:
            gone = ops["remove"]
            if not isinstance(gone.value, list):
                self.problem(gone, f"expected a list of the {what}values of items to remove")
            else:
                for entry in gone.value:
                    hit = [i for i in items if ident(i) == entry.value]
                    if not hit:
                        self.problem(
                            entry, f"no item {entry.value!r} to remove; the list has: {known()}"
                        )
                    items = [i for i in items if ident(i) != entry.value]
        if "patch" in ops:
            changes = ops["patch"]
            if key is None:
                self.problem(changes, "items of a list of names cannot be patched: remove or add")
            elif not isinstance(changes.value, dict):
                self.problem(changes, f"expected a mapping from {what}to the fields to change")
            else:
                for k, change in changes.value.items():
                    where = [n for n, i in enumerate(items) if ident(i) == k]
                    if not where:
                        self.problem(change, f"no item {k!r} to patch; the list has: {known()}")
                    elif not isinstance(change.value, dict):
                        self.problem(change, "expected a mapping of the fields to change")
                    elif key in change.value and change.value[key].value != k:
                        self.problem(change.value[key], f"an item's {key} cannot be patched")
                    else:
                        n = where[0]
                        items[n] = self.merge(items[n], change, None)
        if "add" in ops:
            new = ops["add"]
            if not isinstance(new.value, list):
                self.problem(new, "expected a list of items to add")
            else:
                for item in new.value:
                    if any(ident(i) == ident(item) for i in items) and ident(item) is not None:
                        self.problem(
                            item,
                            f"{ident(item)!r} is already in the list: use patch to change it",
                        )
                    items.append(item)
        return _Placed(items, over.file, over.path)


def _plain(p: _Placed) -> Any:
    if isinstance(p.value, dict):
        return {k: _plain(v) for k, v in p.value.items()}
    if isinstance(p.value, list):
        return [_plain(v) for v in p.value]
    return p.value


def _flatten(p: _Placed, path: Path_, origins: dict[Path_, Origin]) -> Any:
    origins[path] = (p.file, p.path)
    if isinstance(p.value, dict):
        return {k: _flatten(v, (*path, k), origins) for k, v in p.value.items()}
    if isinstance(p.value, list):
        return [_flatten(v, (*path, i), origins) for i, v in enumerate(p.value)]
    return p.value


def merge_chain(
    documents: list[dict[str, Any]],
    origins: list[str],
    lines: list[dict[Path_, int]],
    defaults: dict[tuple[str, ...], dict[str, list[Any]]] | None = None,
) -> tuple[dict[str, Any], dict[Path_, Origin]]:
    """The merged document of a chain (child first, as the loader reads it) without
    ``extends``, and the origin of every value in it by path.

    ``defaults`` gives, for a patchable list, what a patch applies to when no file sets the
    list (key ``""``) or when it is set to a word that stands for a list (``"all"``).  Raises
    :class:`InputError` for list patches that cannot apply (naming the file and line of the
    patch).
    """
    merger = _Merger(origins, lines, defaults or {})
    merged: _Placed | None = None
    for i in range(len(documents) - 1, -1, -1):
        merged = merger.merge(merged, _wrap(documents[i], i, ()), ())
    if merger.problems:
        raise InputError(merger.problems)
    assert merged is not None and isinstance(merged.value, dict)
    merged.value.pop("extends", None)
    where: dict[Path_, Origin] = {}
    data = _flatten(merged, (), where)
    return data, where

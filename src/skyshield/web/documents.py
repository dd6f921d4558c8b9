"""Scenario documents as the page edits them.

A document is the YAML text of a scenario.  Edits (set a field, append to a list, remove an
item) are applied to a round-trip parse of the text (ruamel.yaml), so the user's comments, key
order, quoting, flow style and ``extends:`` stay as they were; a text without edits is never
rewritten.  Where an edited field lives in a list the file inherits through ``extends:`` (lists
replace, mappings merge), the inherited list is copied into the file first.

A text is checked by :func:`skyshield.scenario.load_scenario` itself, the code behind
``skyshield scenario validate``: the text is written to a hidden temporary file in the
scenario folder (so ``extends:`` resolves as it will once saved), loaded and removed.
"""

from __future__ import annotations

import copy
import io
import math
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from skyshield.errors import InputError, Problem
from skyshield.mapping import deep_merge
from skyshield.scenario import BUILTIN_SCENARIOS, LoadedScenario, load_scenario

PathItem = str | int

#: Deepest field path an edit may name.
MAX_PATH = 12


class Edit(BaseModel):
    """One change to a scenario document.

    ``set``: the field at ``path`` becomes ``value`` (mappings on the way are created);
    ``append``: ``value`` is added to the end of the list at ``path``; ``remove``: the key or
    list item at ``path`` goes.  Paths are lists of keys and 0-based list indices, e.g.
    ``["cap", "stations", 0, "position"]``.
    """

    model_config = ConfigDict(extra="forbid")

    op: Literal["set", "append", "remove"]
    path: list[PathItem] = Field(min_length=1, max_length=MAX_PATH)
    value: Any = None


class EditError(ValueError):
    """An edit that does not fit the document (a missing list item, a path through a value)."""


def dotted(path: Sequence[PathItem]) -> str:
    """``["cap", "stations", 0]`` -> ``cap.stations[0]``."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


_OPENS_BLOCK = re.compile(r"[^#{\[\s][^#]*:\s*(#.*)?")
_DASH = re.compile(r"-(\s+)\S")


def guess_indent(text: str) -> tuple[int, int, int]:
    """The text's block indentation as ruamel.yaml names it: ``(mapping, sequence, offset)``,
    read from the first nested mapping and the first nested list (``offset``: spaces before
    the dash; ``sequence``: columns from the parent key to the item's content)."""
    mapping: int | None = None
    sequence: tuple[int, int] | None = None
    opens, parent = False, 0
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        dash = _DASH.match(stripped)
        if opens and indent > parent:
            if dash and sequence is None:
                sequence = (indent - parent + 1 + len(dash.group(1)), indent - parent)
            elif not dash and mapping is None:
                mapping = indent - parent
        content = stripped[dash.end() - 1 :] if dash else stripped
        opens = bool(_OPENS_BLOCK.fullmatch(content))
        parent = indent + (len(stripped) - len(content))
        if mapping is not None and sequence is not None:
            break
    m = mapping or 2
    seq, offset = sequence if sequence is not None else (m, 0)
    return m, seq, offset


def _yaml_like(text: str) -> YAML:
    """A round-trip YAML emitter with the text's own indentation."""
    yaml_rt = YAML(typ="rt")
    yaml_rt.preserve_quotes = True
    yaml_rt.width = 4096
    mapping, sequence, offset = guess_indent(text)
    yaml_rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml_rt


def _scalar_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_scalar_only(v) and not isinstance(v, dict) for v in value.values())
    if isinstance(value, list):
        return all(not isinstance(v, dict | list) for v in value)
    return True


def _to_yaml(value: Any, flow: bool | None = None) -> Any:
    """Plain data as ruamel nodes: lists of plain values and mappings of plain values (and
    such lists) in flow style (``[24.3, 49.8]``, ``{id: lviv, ...}``), the rest in block
    style; ``flow`` forces a mapping's style."""
    if isinstance(value, dict):
        node = CommentedMap((str(k), _to_yaml(v)) for k, v in value.items())
        if flow if flow is not None else _scalar_only(value):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_to_yaml(v) for v in value)
        if _scalar_only(value):
            seq.fa.set_flow_style()
        return seq
    return value


def _replace(old: Any, new: Any) -> Any:
    """``new`` in place of ``old``, reusing ``old``'s nodes (and so its style and comments)
    where the shapes agree."""
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for k in [k for k in old if k not in new]:
            del old[k]
        for k, v in new.items():
            old[k] = _replace(old[k], v) if k in old else _to_yaml(v)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        del old[len(new) :]
        for i, v in enumerate(new):
            if i < len(old):
                old[i] = _replace(old[i], v)
            else:
                old.append(_to_yaml(v, _sibling_flow(old)))
        return old
    return _to_yaml(new)


def _sibling_flow(seq: CommentedSeq) -> bool | None:
    """Whether the mappings of a list are written in flow style (None: no mapping to copy)."""
    for item in seq:
        if isinstance(item, CommentedMap):
            return bool(item.fa.flow_style())
    return None


_MISSING = object()


def _lookup(data: Any, path: Sequence[PathItem]) -> Any:
    for p in path:
        if isinstance(data, dict):
            if not isinstance(p, str) or p not in data:
                return _MISSING
            data = data[p]
        elif isinstance(data, list) and isinstance(p, int) and 0 <= p < len(data):
            data = data[p]
        else:
            return _MISSING
    return data


class _Doc:
    """A parsed document and a way to ask what it inherits."""

    def __init__(self, root: CommentedMap, inherited: Callable[[], dict[str, Any]]) -> None:
        self.root = root
        self._inherited = inherited

    def _node(self, path: Sequence[PathItem], create_last: bool) -> Any:
        """The node at ``path``, creating mappings and copying inherited lists on the way."""
        node: Any = self.root
        for i, key in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, CommentedMap) and isinstance(key, str):
                if key not in node:
                    if last and not create_last:
                        raise EditError(f"{dotted(path)}: no such field")
                    got = (
                        _lookup(self._inherited(), path[: i + 1])
                        if "extends" in self.root
                        else _MISSING
                    )
                    if isinstance(got, list):
                        node[key] = _to_yaml(copy.deepcopy(got))
                    elif got is _MISSING or isinstance(got, dict):
                        if not last and isinstance(path[i + 1], int):
                            raise EditError(f"{dotted(path[: i + 1])}: no such list")
                        node[key] = CommentedMap()
                    else:
                        node[key] = got
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int):
                if not 0 <= key < len(node):
                    raise EditError(f"{dotted(path)}: no item {key} (the list has {len(node)})")
                node = node[key]
            else:
                raise EditError(f"{dotted(path[: i + 1])}: cannot go into {type(node).__name__}")
        return node

    def apply(self, edit: Edit) -> None:
        *head, key = edit.path
        parent = self._node(head, create_last=True)
        if edit.op == "append":
            target = self._node(edit.path, create_last=True)
            if isinstance(target, CommentedMap) and not target:  # created just now
                parent[key] = target = CommentedSeq()
            if not isinstance(target, CommentedSeq):
                raise EditError(f"{dotted(edit.path)}: not a list")
            target.append(_to_yaml(edit.value, _sibling_flow(target)))
            return
        if isinstance(parent, CommentedMap) and isinstance(key, str):
            if edit.op == "remove":
                if key not in parent:
                    raise EditError(f"{dotted(edit.path)}: no such field")
                del parent[key]
            else:
                parent[key] = (
                    _replace(parent[key], edit.value) if key in parent else _to_yaml(edit.value)
                )
        elif isinstance(parent, CommentedSeq) and isinstance(key, int) and 0 <= key < len(parent):
            if edit.op == "remove":
                del parent[key]
            else:
                parent[key] = _replace(parent[key], edit.value)
        else:
            raise EditError(f"{dotted(edit.path)}: no such field or list item")


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _plain(value: Any) -> str | None:
    """``value`` written as a plain YAML number or boolean, or None if it is not one."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        text = repr(value)
        return text if "." in text else None  # YAML 1.1 reads 1e-05 as a string
    return None


def _node_at(node: yaml.Node | None, path: Sequence[PathItem]) -> yaml.Node | None:
    for p in path:
        if isinstance(node, yaml.MappingNode) and isinstance(p, str):
            node = next(
                (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == p),
                None,
            )
        elif isinstance(node, yaml.SequenceNode) and isinstance(p, int):
            node = node.value[p] if 0 <= p < len(node.value) else None
        else:
            return None
    return node


def _patched(text: str, edit: Edit) -> str | None:
    """``text`` with a ``set`` of a number, a boolean or a list of numbers written over the
    plain scalar or flow list it replaces; None if the edit is not of that kind."""
    if edit.op != "set":
        return None
    try:
        root = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return None
    node = _node_at(root, edit.path)
    if isinstance(node, yaml.ScalarNode) and not node.style:  # plain ("" from libyaml)
        new = _plain(edit.value)
    elif (
        isinstance(node, yaml.SequenceNode)
        and node.flow_style
        and isinstance(edit.value, list)
        and all(isinstance(v, yaml.ScalarNode) and not v.style for v in node.value)
    ):
        items = [_plain(v) for v in edit.value]
        new = None if None in items else "[" + ", ".join(str(i) for i in items) + "]"
    else:
        return None
    if new is None or node is None:
        return None
    start, end = node.start_mark.index, node.end_mark.index
    old = text[start:end]
    if isinstance(node, yaml.ScalarNode) and old != node.value:
        return None  # marks not in characters (or a scalar spread over lines): no shortcut
    if isinstance(node, yaml.SequenceNode) and not (old.startswith("[") and old.endswith("]")):
        return None
    return text[:start] + new + text[end:]


def apply_edits(text: str, edits: Sequence[Edit], inherited: Callable[[], dict[str, Any]]) -> str:
    """The text with ``edits`` applied in order (unchanged, byte for byte, when there are none).

    A number, a boolean or a list of numbers set over a value written in place (a dragged
    station, a changed count) is written over that value in the text; other edits go through
    a round trip of the whole document.  ``inherited`` gives the merged data of the scenarios
    the text extends (asked only when an edit reaches into an inherited list).  Raises
    :class:`EditError` (a path that does not fit) or :class:`InputError` (a text that is not a
    YAML mapping).
    """
    rest = list(edits)
    while rest:
        patched = _patched(text, rest[0])
        if patched is None:
            break
        text = patched
        rest.pop(0)
    if not rest:
        return text
    edits = rest
    yaml_rt = _yaml_like(text)
    try:
        root = yaml_rt.load(text) if text.strip() else CommentedMap()
    except YAMLError as exc:
        raise InputError([Problem("", "", f"not valid YAML: {exc}")]) from None
    if not isinstance(root, CommentedMap):
        raise InputError([Problem("", "", "expected a mapping of scenario fields at the top")])
    doc = _Doc(root, inherited)
    for edit in edits:
        doc.apply(edit)
    buf = io.StringIO()
    yaml_rt.dump(doc.root, buf)
    return buf.getvalue()


@dataclass
class Checked:
    """A text checked as a scenario: the loaded scenario (None if it has errors), its errors
    and warnings, each naming the document as ``display``."""

    loaded: LoadedScenario | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


#: Fields of a scenario that may name a file, and the values that are not files.
_FILE_FIELDS = {
    ("extends",): BUILTIN_SCENARIOS,
    ("raid",): ("reference",),
    ("theatre", "occupied_file"): (),
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _confined(folder: Path, value: str) -> bool:
    """True if ``value``, a path relative to ``folder``, stays inside it."""
    if not value or "\x00" in value or Path(value).is_absolute():
        return False
    base = folder.resolve()
    return (base / value).resolve().is_relative_to(base)


def outside_files(text: str, folder: Path, display: str) -> list[Problem]:
    """Problems for every file a text names (``extends``, ``raid``, ``theatre.occupied_file``)
    outside ``folder``: the web app reads no other file."""
    try:
        root = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return []  # the loader reports it, naming the line
    problems = []
    for path, not_files in _FILE_FIELDS.items():
        node = _node_at(root, path)
        if not isinstance(node, yaml.ScalarNode):
            continue
        value = node.value
        if value in not_files or _DATE.fullmatch(value):
            continue
        if not _confined(folder, value):
            line = node.start_mark.line + 1
            problems.append(
                Problem(
                    display,
                    dotted(path),
                    f"{value!r} is outside the scenario folder: the web app reads only files"
                    " in its scenario folder (give a file name in it)",
                    line,
                )
            )
    return problems


def check_text(text: str, folder: Path, display: str) -> Checked:
    """Load ``text`` as a scenario file of ``folder`` with the loader of ``scenario validate``.

    The loaded scenario's origin is ``display`` (its text is ``text``); problems in the text
    name ``display``, problems in a file it extends name that file.  A text naming a file
    outside ``folder`` is refused before anything is read (:func:`outside_files`).
    """
    refused = outside_files(text, folder, display)
    if refused:
        return Checked(None, refused)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".skyshield-check-", suffix=".yaml")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
        try:
            loaded = load_scenario(Path(tmp))
        except InputError as exc:
            return Checked(None, [_named(p, tmp, display) for p in exc.problems])
    finally:
        os.unlink(tmp)
    chain = [replace(loaded.chain[0], origin=display), *loaded.chain[1:]]
    warnings = [_named(p, tmp, display) for p in loaded.warnings]
    return Checked(replace(loaded, chain=chain, warnings=warnings), [], warnings)


def _named(p: Problem, tmp: str, display: str) -> Problem:
    return replace(p, file=display) if p.file == tmp else p


def inherited_data(text: str, folder: Path, display: str) -> dict[str, Any]:
    """The merged data of what ``text`` extends (empty if it extends nothing or cannot load)."""
    checked = check_text(text, folder, display)
    if checked.loaded is None:
        return {}
    merged: dict[str, Any] = {}
    for src in reversed(checked.loaded.chain[1:]):
        merged = deep_merge(merged, src.data)
    merged.pop("extends", None)
    return merged

"""Safe YAML reading that remembers where each field is, so errors can name the line.

The one YAML reader for everything a user gives the tool (scenarios, raid files, factor files).
Safer and stricter than :func:`yaml.safe_load`:

* **Bounded.**  The document's size (:data:`~skyshield.scenario.limits.YAML_MB`), its nesting
  depth (:data:`~skyshield.scenario.limits.YAML_DEPTH`) and the number of values it holds with
  every alias expanded (:data:`~skyshield.scenario.limits.YAML_NODES`) are checked while it is
  parsed, before any value is built: an alias bomb of a few hundred bytes is refused at once.
  An alias inside its own anchor (``&a [*a]``, an infinite document) is refused.
* **Line numbers without expanding aliases.**  Each distinct node is visited once; a field
  reached through an alias takes the line of the alias.
* **Checked text.**  Characters YAML does not allow (a NUL byte: a binary file) are refused
  with their line and column.
* **Strict.**  A key given twice in one mapping is an error (YAML 1.2 forbids it; PyYAML would
  silently keep the last value), and a value PyYAML cannot construct (``2025-13-45T00:00:00Z``)
  is an error naming the line rather than a Python exception.

Every problem is an :class:`~skyshield.errors.InputError` naming the file and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.reader import Reader

from skyshield.errors import InputError, Problem
from skyshield.scenario.limits import YAML_DEPTH, YAML_MB, YAML_NODES

Path_ = tuple[str | int, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"

#: What a scalar with a resolved tag was expected to look like (for constructor errors).
_EXPECTED = {
    "tag:yaml.org,2002:timestamp": "a date and time such as 2025-06-07T21:00:00Z",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
}

#: Names of control characters a binary file typically holds.
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x1B: "ESC", 0x7F: "DEL"}


class _ConstructFailed(Exception):
    """A node PyYAML could not turn into a Python value (not a YAMLError: it has no mark)."""

    def __init__(self, node: yaml.Node, cause: Exception) -> None:
        super().__init__(str(cause))
        self.node = node
        self.cause = cause


class _Refused(Exception):
    """The document exceeds a limit (the message says which) at ``line``."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with a composer that checks depth and expanded size as it goes, and
    a constructor whose errors keep the node they came from.

    ``expanded`` counts nodes as if every alias were replaced by a copy of its anchor's node;
    ``alias_lines`` keeps where each alias was written, by (parent node id, index or key node
    id), for the line-number walk.  PyYAML's pure-Python parser is used even where libyaml is
    installed, so that messages are the same on every machine.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.max_nodes = YAML_NODES.count()
        self.max_depth = YAML_DEPTH.count()
        self.expanded = 0
        self.depth = 0
        self.sizes: dict[str, int] = {}  # expanded size of each anchor's node
        self.open_anchors: set[str] = set()
        self.alias_lines: dict[tuple[int, int], int] = {}

    def _grow(self, n: int, line: int) -> None:
        self.expanded += n
        if self.expanded > self.max_nodes:
            raise _Refused(YAML_NODES.message("too many values"), line)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        anchor: str | None = getattr(event, "anchor", None)
        if isinstance(event, AliasEvent):
            if anchor in self.open_anchors:
                raise _Refused(
                    f"the alias *{anchor} is inside its own anchor &{anchor}: it makes an endless"
                    " document; expected aliases only to values defined before them",
                    line,
                )
            node = super().compose_node(parent, index)
            if parent is not None and index is not None:
                key = index if isinstance(index, int) else id(index)
                self.alias_lines[(id(parent), key)] = line
            self._grow(self.sizes.get(anchor or "", 1), line)
            return node
        self.depth += 1
        if self.depth > self.max_depth:
            raise _Refused(YAML_DEPTH.message("lists and mappings nested too deep"), line)
        if anchor is not None:
            self.open_anchors.add(anchor)
        before = self.expanded
        self._grow(1, line)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self.open_anchors.discard(anchor)
            self.sizes[anchor] = self.expanded - before
        self.depth -= 1
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise _ConstructFailed(node, exc) from None


class _Walk:
    """Line of every field path, the path of every node, and keys given twice.

    Each distinct node is visited once: a node an alias brings back is not walked again, and the
    path through the alias takes the alias's line.
    """

    def __init__(self, alias_lines: dict[tuple[int, int], int]) -> None:
        self.lines: dict[Path_, int] = {}
        self.paths: dict[int, Path_] = {}
        self.duplicates: list[tuple[Path_, int, int]] = []  # path, line, line of the first
        self._alias_lines = alias_lines
        self._seen: set[int] = set()

    def visit(self, node: yaml.Node, path: Path_, parent: int = 0, key: int = -1) -> None:
        alias_line = self._alias_lines.get((parent, key))
        if alias_line is not None:
            self.lines.setdefault(path, alias_line)
        if id(node) in self._seen:
            return
        self._seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        self.paths.setdefault(id(node), path)
        if isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], int] = {}
            for k, value in node.value:
                if not isinstance(k, yaml.ScalarNode) or k.tag == _MERGE_TAG:
                    continue  # complex keys are rejected by the constructor; merges may repeat
                sub = (*path, k.value)
                line = k.start_mark.line + 1
                if (k.tag, k.value) in first:
                    self.duplicates.append((sub, line, first[(k.tag, k.value)]))
                    continue
                first[(k.tag, k.value)] = line
                self.lines[sub] = line
                self.visit(value, sub, id(node), id(k))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.visit(item, (*path, i), id(node), i)


def _check_text(text: str, origin: str) -> None:
    """Refuse text over the size limit or holding characters YAML does not allow."""
    size_mb = len(text.encode("utf-8", errors="replace")) / 1e6
    if size_mb > YAML_MB.value():
        raise InputError([Problem(origin, "", YAML_MB.message(f"the file is {size_mb:,.1f} MB"))])
    bad = Reader.NON_PRINTABLE.search(text)
    if bad is not None:
        where = bad.start()
        line = text.count("\n", 0, where) + 1
        column = where - (text.rfind("\n", 0, where) + 1) + 1
        code = ord(bad.group())
        name = _CONTROL_NAMES.get(code, "a control character")
        raise InputError(
            [
                Problem(
                    origin,
                    "",
                    f"character U+{code:04X} ({name}) at column {column} is not allowed in YAML:"
                    " expected a text file (is it a binary file?)",
                    line,
                )
            ]
        )


def load_yaml(text: str, origin: str, echo: bool = True) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML text; return the data and a map from field path to 1-based line number.

    Text over the size limit or with characters YAML does not allow, a document nested too deep
    or holding too many values (aliases expanded), a syntax error, a key given twice in one
    mapping or a value that cannot be read (an impossible date) becomes an :class:`InputError`
    naming ``origin`` and the line.  Without ``echo`` no message quotes the text (for a file the
    user did not name, which may not be what they think).
    """
    _check_text(text, origin)
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        walk = _Walk(loader.alias_lines)
        if node is not None:
            walk.visit(node, ())
        if walk.duplicates:
            raise InputError(
                [
                    Problem(
                        origin,
                        dotted(path) if echo else "",
                        f"{f'key {path[-1]!r}' if echo else 'a key'} is given twice in this"
                        f" mapping (first at line {first}); expected each key once",
                        line,
                    )
                    for path, line, first in walk.duplicates
                ]
            )
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise InputError([Problem(origin, "", str(exc), exc.line)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(origin, "", f"not valid YAML: {exc.problem}", line)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(origin, "", f"not valid YAML: {exc}")]) from None
    except _ConstructFailed as exc:
        bad = exc.node
        path = walk.paths.get(id(bad), ())
        value = bad.value if isinstance(bad, yaml.ScalarNode) else ""
        expected = _EXPECTED.get(bad.tag, "a plain YAML value")
        detail = f" ({exc.cause})" if bad.tag == "tag:yaml.org,2002:timestamp" else ""
        what = f"{clip(value)!r}{detail}" if echo else "the value"
        raise InputError(
            [
                Problem(
                    origin,
                    dotted(path) if echo else "",
                    f"cannot read {what}: expected {expected}",
                    bad.start_mark.line + 1,
                )
            ]
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, walk.lines


def read_text_file(path: Path, origin: str, what: str) -> str:
    """The text of a user's YAML file: refused before it is read if it is over the size limit,
    and an :class:`InputError` naming the line of the first byte that is not UTF-8.

    ``what`` names what the file should be, for messages ("a YAML scenario").
    """
    try:
        size_mb = path.stat().st_size / 1e6
        if size_mb > YAML_MB.value():
            raise InputError(
                [Problem(origin, "", YAML_MB.message(f"the file is {size_mb:,.1f} MB"))]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(origin, "", f"cannot read the file ({exc.strerror})")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    origin,
                    "",
                    f"not a UTF-8 text file (byte 0x{raw[exc.start]:02x} cannot be read):"
                    f" expected {what} saved as UTF-8",
                    line,
                )
            ]
        ) from None


def line_of(lines: dict[Path_, int], path: Path_) -> tuple[int | None, int]:
    """Line of the longest prefix of ``path`` that is known, and that prefix's length."""
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]], n
    return None, -1


def dotted(path: Path_) -> str:
    """``('coalition', 'members', 2, 'nation')`` -> ``coalition.members[2].nation``."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def clip(value: str, width: int = 40) -> str:
    """``value`` cut to ``width`` characters (with an ellipsis), for echoing input in messages."""
    return value if len(value) <= width else value[: width - 1] + "…"

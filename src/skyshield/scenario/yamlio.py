"""YAML reading that remembers where each field is, so errors can name the line.

Stricter than :func:`yaml.safe_load`: a key given twice in one mapping is an error (YAML 1.2
forbids it; PyYAML would silently keep the last value), and a value PyYAML cannot construct
(``2025-13-45T00:00:00Z``) is an error naming the line rather than a Python exception.
"""

from __future__ import annotations

from typing import Any

import yaml

from skyshield.errors import InputError, Problem

Path_ = tuple[str | int, ...]

_MERGE_TAG = "tag:yaml.org,2002:merge"

#: What a scalar with a resolved tag was expected to look like (for constructor errors).
_EXPECTED = {
    "tag:yaml.org,2002:timestamp": "a date and time such as 2025-06-07T21:00:00Z",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
}


class _ConstructFailed(Exception):
    """A node PyYAML could not turn into a Python value (not a YAMLError: it has no mark)."""

    def __init__(self, node: yaml.Node, cause: Exception) -> None:
        super().__init__(str(cause))
        self.node = node
        self.cause = cause


class _StrictLoader(yaml.SafeLoader):
    """:class:`yaml.SafeLoader` whose constructor errors keep the node they came from."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise _ConstructFailed(node, exc) from None


class _Walk:
    """Line of every field path, the path of every node, and keys given twice."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}
        self.paths: dict[int, Path_] = {}
        self.duplicates: list[tuple[Path_, int, int]] = []  # path, line, line of the first
        self._active: set[int] = set()
        self._reported: set[int] = set()

    def visit(self, node: yaml.Node, path: Path_) -> None:
        if id(node) in self._active:  # a recursive alias (&a [*a]): its fields are known
            return
        self._active.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        self.paths.setdefault(id(node), path)
        if isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
                    continue  # complex keys are rejected by the constructor; merges may repeat
                sub = (*path, key.value)
                line = key.start_mark.line + 1
                if (key.tag, key.value) in first:
                    if id(key) not in self._reported:  # an alias may bring it here again
                        self._reported.add(id(key))
                        self.duplicates.append((sub, line, first[(key.tag, key.value)]))
                    continue
                first[(key.tag, key.value)] = line
                self.lines[sub] = line
                self.visit(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.visit(item, (*path, i))
        self._active.discard(id(node))


def load_yaml(text: str, origin: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML text; return the data and a map from field path to 1-based line number.

    A syntax error, a key given twice in one mapping or a value that cannot be read (an
    impossible date) becomes an :class:`InputError` naming ``origin`` and the line.
    """
    loader = _StrictLoader(text)
    walk = _Walk()
    try:
        node = loader.get_single_node()
        if node is not None:
            walk.visit(node, ())
        if walk.duplicates:
            raise InputError(
                [
                    Problem(
                        origin,
                        dotted(path),
                        f"key {path[-1]!r} is given twice in this mapping (first at line {first});"
                        " expected each key once",
                        line,
                    )
                    for path, line, first in walk.duplicates
                ]
            )
        data = loader.construct_document(node) if node is not None else None
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
        raise InputError(
            [
                Problem(
                    origin,
                    dotted(path),
                    f"cannot read {value!r}{detail}: expected {expected}",
                    bad.start_mark.line + 1,
                )
            ]
        ) from None
    finally:
        loader.dispose()
    return data, walk.lines


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

"""YAML reading that remembers where each field is, so errors can name the line."""

from __future__ import annotations

from typing import Any

import yaml

from skyshield.errors import InputError, Problem

Path_ = tuple[str | int, ...]


def _collect(node: yaml.Node, path: Path_, out: dict[Path_, int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[(*path, key.value)] = key.start_mark.line + 1
            _collect(value, (*path, key.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect(item, (*path, i), out)


def load_yaml(text: str, origin: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML text; return the data and a map from field path to 1-based line number.

    A syntax error becomes an :class:`InputError` naming ``origin`` and the line.
    """
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(origin, "", f"not valid YAML: {exc.problem}", line)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(origin, "", f"not valid YAML: {exc}")]) from None
    lines: dict[Path_, int] = {}
    if node is not None:
        _collect(node, (), lines)
    return data, lines


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

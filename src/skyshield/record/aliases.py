"""A user's aliases for the record: model names and launch places the shipped tables lack.

A newer download of the record may name a weapon or a launch place that the shipped tables
(``data/catalog/record_models.yaml``, ``data/record/launch_areas.yaml``) do not know.  The
importer keeps such rows, counts them and warns; an aliases file, given with ``--aliases FILE``,
maps the new names without a code change::

    # skyshield record aliases
    models:                       # record model name -> catalog threat class ids
      "Shahed-238": [geran-3]
      "Герань-2": [shahed-136]
    launch_places:                # record launch place -> launch-area id of the gazetteer
      "Khalino airfield": kursk
      "Kursk, Khalino": kursk

A model name of the file wins over the shipped table's mapping of the same name; a launch
place is matched like the gazetteer's own aliases (case, spacing, apostrophes, dashes and an
oblast suffix do not matter).  Unknown class or area ids are errors naming the file, line and
field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skyshield.catalog import Catalog
from skyshield.errors import InputError, Problem
from skyshield.record.gazetteer import LaunchAreas
from skyshield.scenario.yamlio import dotted, line_of, load_yaml


class _AliasesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    models: dict[str, list[str]] = Field(default_factory=dict)
    launch_places: dict[str, str] = Field(default_factory=dict)


@dataclass(frozen=True)
class RecordAliases:
    """Extra names for the record: ``models`` (record model name -> catalog class ids) and
    ``launch_places`` (record launch place -> launch-area id).  ``origin`` names the file."""

    models: dict[str, list[str]] = field(default_factory=dict)
    launch_places: dict[str, str] = field(default_factory=dict)
    origin: str = "<no aliases>"

    def record_models(self, catalog: Catalog) -> dict[str, list[str]]:
        """The catalog's table of record model names with these aliases on top."""
        return {**catalog.record_models, **self.models}

    def gazetteer(self, areas: LaunchAreas) -> LaunchAreas:
        """``areas`` with these launch-place aliases added."""
        return areas.with_aliases(self.launch_places) if self.launch_places else areas


def load_aliases(path: Path, catalog: Catalog, areas: LaunchAreas) -> RecordAliases:
    """Read and check an aliases file (format: the module docstring).

    Raises :class:`~skyshield.errors.InputError` naming the file, line and field for a file
    that cannot be read, is not such a mapping, names a class id the catalog lacks or a
    launch-area id the gazetteer lacks, or gives a model no class.
    """
    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(origin, "", "aliases file not found")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(origin, "", "not UTF-8 text")]) from None
    except OSError as exc:
        raise InputError([Problem(origin, "", f"cannot read ({exc.strerror})")]) from None
    data, lines = load_yaml(text, origin)
    if data is None:
        data = {}
    try:
        parsed = _AliasesFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path_ = tuple(err["loc"])
            line, _ = line_of(lines, path_)
            msg = str(err["msg"])
            if err["type"] == "extra_forbidden":
                msg = "unknown section; expected models: and launch_places:"
            problems.append(Problem(origin, dotted(path_), msg, line))
        raise InputError(problems) from None
    problems = []
    for name, classes in parsed.models.items():
        at = ("models", name)
        if not classes:
            problems.append(
                Problem(origin, dotted(at), "expected a list of catalog class ids", lines.get(at))
            )
        for c in classes:
            if c not in catalog.threats:
                known = ", ".join(sorted(catalog.threats))
                problems.append(
                    Problem(
                        origin,
                        dotted(at),
                        f"unknown threat class {c!r}; expected one of: {known}",
                        lines.get(at),
                    )
                )
    for name, area in parsed.launch_places.items():
        at = ("launch_places", name)
        if area not in areas.areas:
            problems.append(
                Problem(
                    origin,
                    dotted(at),
                    f"unknown launch area {area!r}; expected an id of the launch-area gazetteer"
                    f" (such as {', '.join(sorted(areas.areas)[:5])}, ...)",
                    lines.get(at),
                )
            )
    if problems:
        raise InputError(problems)
    return RecordAliases(dict(parsed.models), dict(parsed.launch_places), origin)


__all__ = ["RecordAliases", "load_aliases"]

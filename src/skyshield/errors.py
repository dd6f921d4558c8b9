"""Errors a user can act on.  The CLI turns them into messages and exit code 2."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem with an input: where it is and what was expected.

    ``file`` is the path of the input, ``field`` a dotted path inside it (``coalition.members[2]``),
    ``line`` the 1-based line where the YAML parser knows it, or None.
    """

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class InputError(Exception):
    """Bad input (a scenario, a data file, a command-line value): one or more problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

"""The model's limits, read from the one shipped list ``skyshield/data/limits.md``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class LimitSection:
    """A heading of the list and its items (Markdown text, ``**bold**`` allowed)."""

    title: str
    items: tuple[str, ...]


def load_limits() -> list[LimitSection]:
    """The sections of ``limits.md``: each ``## heading`` with its ``- item`` lines, in order
    (the title and the introduction above the first heading are left out)."""
    text = resources.files("skyshield.data").joinpath("limits.md").read_text("utf-8")
    sections: list[LimitSection] = []
    title: str | None = None
    items: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            if title is not None:
                sections.append(LimitSection(title, tuple(items)))
            title, items = line[3:].strip(), []
        elif line.startswith("- ") and title is not None:
            items.append(line[2:].strip())
    if title is not None:
        sections.append(LimitSection(title, tuple(items)))
    return sections

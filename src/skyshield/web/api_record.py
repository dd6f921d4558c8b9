"""Endpoints of the record explorer: what the record holds, summaries by period and class, the
largest nights (the record the server's store uses, as for the command line)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from skyshield.web.record_view import Question

router = APIRouter(prefix="/api/record")

#: A comma-separated list of class keys or categories.
NAMES = r"^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+){0,199}$"


def _web(request: Request) -> Any:
    return request.app.state.web


def _names(text: str | None, known: set[str], what: str) -> tuple[str, ...]:
    if not text:
        return ()
    given = tuple(sorted(set(text.split(","))))
    unknown = [n for n in given if n not in known]
    if unknown:
        raise HTTPException(
            422, f"unknown {what} {', '.join(unknown)}: the record has {', '.join(sorted(known))}"
        )
    return given


def _question(
    request: Request,
    start: dt.date | None,
    end: dt.date | None,
    by: str,
    classes: str | None,
    categories: str | None,
) -> Question:
    if start is not None and end is not None and start > end:
        raise HTTPException(422, f"start {start} is after end {end}: expected start <= end")
    info = _web(request).record.answer("info", None)
    q = Question(
        start,
        end,
        by,
        _names(classes, {c["class_key"] for c in info["classes"]}, "class"),
        _names(categories, set(info["categories"]), "category"),
    )
    if by == "night":
        most = _web(request).config.limits.record_nights
        first = start or dt.date.fromisoformat(info["first"] or "1970-01-01")
        last = end or dt.date.fromisoformat(info["last"] or "1970-01-01")
        if (last - first).days + 1 > most:
            raise HTTPException(
                422,
                f"{(last - first).days + 1} nights night by night: at most {most}; give"
                " start and end closer together, or summarise by week or month",
            )
    return q


StartQ = Query(None, description="First night (YYYY-MM-DD, inclusive).")
EndQ = Query(None, description="Last night (YYYY-MM-DD, inclusive).")
ClassesQ = Query(None, pattern=NAMES, description="Only these class keys (comma-separated).")
CategoriesQ = Query(None, pattern=NAMES, description="Only these categories (comma-separated).")


@router.get("", tags=["record"])
def record(request: Request) -> dict[str, Any]:
    """Where the record comes from, its first and last night, its classes (with weapons
    launched) and categories."""
    out: dict[str, Any] = _web(request).record.answer("info", None)
    return out


@router.get("/summary", tags=["record"])
def summary(
    request: Request,
    start: dt.date | None = StartQ,
    end: dt.date | None = EndQ,
    by: Literal["month", "week", "night"] = Query("month", description="Period of a row."),
    classes: str | None = ClassesQ,
    categories: str | None = CategoriesQ,
) -> dict[str, Any]:
    """Weapons launched, destroyed and not reaching their target (and whatever else the
    record's summary counts) per period and class, as columns with their kinds."""
    q = _question(request, start, end, by, classes, categories)
    out: dict[str, Any] = _web(request).record.answer("summary", q)
    return out


@router.get("/nights", tags=["record"])
def nights(
    request: Request,
    start: dt.date | None = StartQ,
    end: dt.date | None = EndQ,
    classes: str | None = ClassesQ,
    categories: str | None = CategoriesQ,
    top: int = Query(20, ge=1, le=1000, description="How many nights."),
) -> dict[str, Any]:
    """The nights with the most weapons launched (of the chosen classes), largest first."""
    most = _web(request).config.limits.largest_nights
    if top > most:
        raise HTTPException(422, f"top {top}: at most {most} nights are listed")
    q = _question(request, start, end, "month", classes, categories)
    out: dict[str, Any] = _web(request).record.answer("nights", q, (top,))
    return out

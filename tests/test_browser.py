"""The briefing report in a real browser: headless Chromium (Debian's package, which ``make test``
installs) opens it from disk with no console error and no failed or outside request, shows
every image, shows the numbers of ``summary.json``, and its answer reads as the summary says
(the visible text of the headline, rounded as the report rounds, independently of its code).
A full-page screenshot is kept in the folder ``$SKYSHIELD_TEST_ARTIFACTS`` names, if set (never
in the repository)."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from chromium import ARGS, CHROMIUM, needs_chromium
from skyshield.cli.main import main
from skyshield.report.html import lookup

pytestmark = needs_chromium


def shown_equals(text: str, value: float, scale: float, unit: str = "") -> bool:
    """Whether the displayed ``text`` is ``value * scale`` rounded to ``unit`` (the element's
    ``data-round``; default: the last digit shown)."""
    digits = len(text.split(".")[1]) if "." in text else 0
    step = float(unit) if unit else 10.0**-digits
    return abs(float(text.replace(",", "")) - value * scale) <= 0.5 * step * (1 + 1e-9) + 1e-12


def three_figures(x: float) -> str:
    """``x`` to three significant figures with thousands separators, written here apart from
    the report's code: 48.27 -> "48.3", 618808 -> "619,000", 0.6188 -> "0.619"."""
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x))) - 2
    if exp >= 0:
        return f"{round(x / 10**exp) * 10**exp:,.0f}"
    return f"{x:,.{-exp}f}"


@pytest.mark.slow
def test_report_in_headless_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "report"
    argv = [
        "assess",
        "small",
        "--runs",
        "10",
        "--sweep-runs",
        "1",
        "--sweep-jets",
        "9,18",
        "--record-runs",
        "1",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text("utf-8"))
    page_url = (out / "report.html").resolve().as_uri()

    errors: list[str] = []
    failed: list[str] = []
    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url),
            )
            page.goto(page_url, wait_until="load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.complete, e.naturalWidth, e.alt])"
            )
            shown = page.eval_on_selector_all(
                "[data-metric]",
                "els => els.map(e => [e.dataset.metric, e.dataset.scale || '1',"
                " e.dataset.round || '', e.textContent])",
            )
            answer = page.inner_text("p.answer")
            ledger = page.inner_text("table.ledger")
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    keep = os.environ.get("SKYSHIELD_TEST_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / "report.png")

    assert errors == [] and failed == [] and outside == []
    assert len(images) == 5  # map, hits per asset, kills by layer, sizing, the record
    for complete, width, alt in images:
        assert complete and width > 0 and alt
    assert len(shown) > 100
    for path, scale, unit, text in shown:
        assert shown_equals(text, lookup(summary, path), float(scale), unit), (path, text)
    assert {"headline/hits_on_assets_shield/mean", "headline/cost_per_night_usd/mean"} <= {
        path for path, _, _, _ in shown
    }
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    check_answer_text(answer, ledger, summary)


def check_answer_text(answer: str, ledger: str, summary: dict[str, Any]) -> None:
    """The answer's visible sentences carry the summary's headline figures to three significant
    figures (costs in M USD), the jets and stations as whole numbers, and the engagement
    standoff as a rule without an interval; the ledger reconciles kills with hits avoided."""
    h = summary["headline"]
    answer = " ".join(answer.split())

    def mean(key: str, scale: float = 1.0) -> str:
        return three_figures(h[key]["mean"] * scale)

    for phrase in (
        f"about {mean('hits_on_assets_baseline')}",
        f"that falls to {mean('hits_on_assets_shield')}",
        f": {mean('hits_on_assets_avoided')}",
        f"The shield costs {mean('cost_per_night_usd', 1e-6)}",
        f"a night, {mean('cost_per_hit_avoided_usd', 1e-6)}",
        f"The fighters kill {mean('killed_by_fighters')}",
        f"but {mean('stopped_anyway')}",
        f"of {h['jets_pledged']} pledged jets committed, holding {h['stations_held']} of"
        f" {h['stations']} CAP stations",
        f"closer than {h['engage_standoff_km']:.0f} km to hostile territory: that is the"
        " engagement standoff, a rule",
    ):
        assert re.search(re.escape(phrase) + r"(?![\d.,])", answer), (phrase, answer)
    assert "M USD per hit avoided" in answer
    assert re.search(r"\d\.\d \[\d", answer.split("The fighters kill")[0])  # intervals shown
    assert not re.search(r"\d{4,}\.\d", answer)  # no false precision
    rows = dict(line.split("\t", 1) for line in ledger.splitlines() if "\t" in line)
    kills = next(v for k, v in rows.items() if k.startswith("threats the shield"))
    assert kills.startswith(mean("killed_by_fighters"))
    hits = next(v for k, v in rows.items() if "hits on protected assets avoided" in k)
    assert hits.startswith(mean("hits_on_assets_avoided"))


def test_answer_check_by_hand() -> None:
    assert three_figures(48.27) == "48.3" and three_figures(618_808.0) == "619,000"
    assert three_figures(0.6188) == "0.619" and three_figures(156.3) == "156"
    h = {
        "hits_on_assets_baseline": 49.0,
        "hits_on_assets_shield": 17.24,
        "hits_on_assets_avoided": 31.76,
        "cost_per_night_usd": 19.68e6,
        "cost_per_hit_avoided_usd": 618_808.0,
        "killed_by_fighters": 156.3,
        "stopped_anyway": 106.1,
    }
    summary: dict[str, Any] = {"headline": {k: {"mean": v} for k, v in h.items()}}
    summary["headline"].update(
        jets_pledged=120, stations_held=7, stations=8, engage_standoff_km=150.0
    )
    answer = (
        "Answer. With Ukraine's defences alone, about 49.0 [47.1-50.9] weapons a night hit"
        " protected assets. With the shield (120 of 120 pledged jets committed, holding 7 of 8"
        " CAP stations around the clock) that falls to 17.2 [16.2-18.2]: 31.8 [30.4-33.2] hits"
        " on protected assets avoided a night. The shield costs 19.7 [18.9-20.4] M USD a night,"
        " 0.619 [0.585-0.655] M USD per hit avoided. The fighters kill 156 [154-158] threats a"
        " night, but 106 [104-108] of them ... never come closer than 150 km to hostile"
        " territory: that is the engagement standoff, a rule of the scenario."
    )
    ledger = "threats the shield's fighters kill\t156 [154-158]\n  of which hits on protected assets avoided\t31.8 [30.4-33.2]"
    check_answer_text(answer, ledger, summary)
    with pytest.raises(AssertionError):
        check_answer_text(answer.replace("17.2", "17.24"), ledger, summary)

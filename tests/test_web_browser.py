"""The planner in headless Chromium (Debian's package), offline, against a live local server
(its Content-Security-Policy on: the test waits with selectors, never with page script):
open the app, move a CAP station on the map and see the forces change, run two 10-replication
Monte Carlo jobs (before and after the move) with progress and results, compare them, save the
scenario and load it with the command line.  The page logs no console error and asks nothing of
any other address.  Screenshots are kept in the folder ``$SKYSHIELD_TEST_ARTIFACTS`` names, if
set (never in the repository)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from chromium import ARGS, CHROMIUM, needs_chromium
from skyshield.cli.main import main
from skyshield.scenario import load_scenario
from skyshield.web import Limits
from web_helpers import free_port, live_server, make_config

pytestmark = needs_chromium

#: How long a 10-replication job of the small scenario may take on a loaded 2-core machine (ms).
JOB_TIMEOUT_MS = 240_000


def _checked(page: Any) -> int:
    return int(page.evaluate("Number(document.body.dataset.checked || 0)"))


def _run_job(page: Any, runs: int) -> str:
    """Start a Monte Carlo job from the Jobs tab, see its progress, wait for its result; its
    run id."""
    page.click("#tabs button[data-tab=jobs]")
    page.fill("#job-runs", str(runs))
    before = page.locator(".job").count()
    page.click("#job-start")
    page.wait_for_selector(f".job:nth-child({before + 1})")
    card = page.locator(".job").first
    # progress is streamed: the card shows a stage with a count before the result
    card.locator(".stage").wait_for(timeout=JOB_TIMEOUT_MS)
    page.wait_for_selector(".job:first-child[data-state=done]", timeout=JOB_TIMEOUT_MS)
    assert card.locator("tr[data-metric='shield.hits_on_assets']").count() == 1
    text = card.inner_text()
    run_id = text.split("run ")[-1].split(" ")[0]
    return run_id


@pytest.mark.slow
def test_plan_run_compare_and_save_in_the_browser(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    config = make_config(tmp_path, port=free_port(), limits=Limits(replications_per_job=50))
    errors: list[str] = []
    outside: list[str] = []
    shots = tmp_path / "shots"
    shots.mkdir()
    with live_server(config) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
            page.on(
                "request",
                lambda r: (
                    None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url)
                ),
            )
            page.goto(base + "/", wait_until="load")
            page.wait_for_selector("body[data-ready='1']", timeout=60_000)
            assert page.inner_text("#doc-name") == "reference"
            assert page.inner_text("[data-figure=stations_held]") == "7 of 8"
            page.screenshot(path=str(shots / "web_reference.png"))

            # the small scenario: one station at Lviv
            page.select_option("#scenario-select", "small")
            n = _checked(page)
            page.click("#open-button")
            page.wait_for_selector(f"body[data-checked='{n + 1}']")
            assert page.inner_text("#doc-name") == "small"
            first_run = _run_job(page, 10)

            # drag the station west on the map: the plan is recomputed
            page.click("#tabs button[data-tab=forces]")
            before = page.inner_text("#tab-forces table.figures")
            marker = page.locator(".station-marker[data-station=lviv]")
            box = marker.bounding_box()
            assert box is not None
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            n = _checked(page)
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x - 60, y + 40, steps=12)
            page.mouse.up()
            page.wait_for_selector(f"body[data-checked='{n + 1}']", timeout=30_000)
            assert page.locator("#problems").is_hidden()
            after = page.inner_text("#tab-forces table.figures")
            assert after != before, "the forces did not change when the station moved"
            assert page.locator("#dirty").is_visible()
            page.click("#tabs button[data-tab=yaml]")
            moved_text = page.inner_text("#yaml-text")
            assert "{id: lviv, position: [24.3, 49.8]" not in moved_text
            page.screenshot(path=str(shots / "web_moved.png"))

            second_run = _run_job(page, 10)
            page.screenshot(path=str(shots / "web_jobs.png"))

            # compare the two runs (same seed: paired)
            page.click("#tabs button[data-tab=runs]")
            page.wait_for_selector(f"tr[data-run='{second_run}']")
            page.check(f"input[name=run-a][value='{first_run}']")
            page.check(f"input[name=run-b][value='{second_run}']")
            page.click("#runs-compare")
            page.wait_for_selector("#comparison tr[data-metric='shield.hits_on_assets']")
            assert "Paired by seed (10 common replications)" in page.inner_text("#runs-comparison")
            page.screenshot(path=str(shots / "web_compare.png"))

            # save under a new name
            page.fill("#save-name", "browser-plan")
            page.click("#save-as-button")
            page.wait_for_selector("#status:has-text('saved browser-plan.yaml')")
            assert page.inner_text("#doc-name") == "browser-plan.yaml"
        finally:
            browser.close()
    keep = os.environ.get("SKYSHIELD_TEST_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in shots.iterdir():
            shutil.copyfile(shot, Path(keep) / shot.name)

    assert errors == [] and outside == []
    saved = tmp_path / "scenarios" / "browser-plan.yaml"
    assert saved.read_text(encoding="utf-8") == moved_text + (
        "" if moved_text.endswith("\n") else "\n"
    )
    assert main(["scenario", "validate", str(saved)]) == 0
    station = load_scenario(saved).scenario.cap.stations[0]
    assert station.id == "lviv" and station.position[0] < 24.3

"""The replay, the record explorer and the studies in headless Chromium (Debian's package),
offline, against a live local server with its Content-Security-Policy on:

- replay a stored replication of the reference night (860 threats): play it, scrub the time
  slider (each step's frame time measured in the page with ``performance.now()`` and printed),
  click a threat for its story, switch to the baseline, download its GeoJSON export;
- open the record explorer, filter by class and dates, replay a night of the record against
  the scenario shown;
- run a 2-point sweep and a sensitivity study from the page and see their charts.

The page logs no console error and asks nothing of any other address.  Screenshots are kept in
the folder ``$SKYSHIELD_TEST_ARTIFACTS`` names, if set (never in the repository)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chromium import ARGS, CHROMIUM, needs_chromium
from skyshield.runs import Store
from skyshield.studies import montecarlo
from skyshield.web import Limits
from web_helpers import free_port, live_server, make_config

pytestmark = [pytest.mark.slow, needs_chromium]

#: How long a job or a replay's first build may take on a loaded 2-core machine (ms).
LONG_MS = 180_000

#: The frame-time bound of the issue (ms): the median slider step must stay under it.
FRAME_MS = 50.0


class Browser:
    """One live server and one Chromium for the module; pages that record console errors and
    requests to other addresses."""

    def __init__(self, base: str, browser: Any, shots: Path) -> None:
        self.base, self.browser, self.shots = base, browser, shots
        self.errors: list[str] = []
        self.outside: list[str] = []

    def page(self, hash_: str = "") -> Any:
        page = self.browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: self.errors.append(f"dialog: {d.message}"))
        page.on(  # which address failed, for the console's bare "404 (Not Found)"
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith((self.base, "data:", "blob:"))
                else self.outside.append(r.url)
            ),
        )
        page.goto(f"{self.base}/{hash_}", wait_until="load")
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        return page

    def shot(self, page: Any, name: str) -> None:
        page.screenshot(path=str(self.shots / name))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, str, Path]]:
    sync_api = pytest.importorskip("playwright.sync_api")
    folder = tmp_path_factory.mktemp("browser-replay")
    config = make_config(folder, port=free_port(), limits=Limits(replications_per_job=60))
    # one replication of the reference scenario on its reference night: 860 threats
    run = montecarlo("reference", runs=1, seed=1, store=Store(config.store_path))
    assert run.run_id is not None
    shots = folder / "shots"
    shots.mkdir()
    with live_server(config) as base, sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        b = Browser(base, chromium, shots)
        try:
            yield b, run.run_id, config.store_path
        finally:
            chromium.close()
    keep = os.environ.get("SKYSHIELD_TEST_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in shots.iterdir():
            shutil.copyfile(shot, Path(keep) / shot.name)
    assert b.errors == [] and b.outside == []


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _attr(page: Any, selector: str, name: str) -> str:
    return str(page.get_attribute(selector, name) or "")


def test_replay_a_night_play_scrub_and_read_a_threats_story(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    b, run_id, store_path = server
    page = b.page()
    page.click("#tabs button[data-tab=runs]")
    page.click(f"tr[data-run='{run_id}'] button.replay-run")
    page.wait_for_selector(f"body[data-replay='{run_id}-0']", timeout=LONG_MS)
    assert page.inner_text("#replay-title") == "reference: night reference"
    # the night's counts are the stored replication's
    stored = Store(store_path).run_metrics(run_id).iloc[0]
    for fate in ("killed_fighter", "hit_asset", "lost_ew"):
        finals = page.locator(f"#replay-counts tr[data-row={fate}] td.final").all_inner_texts()
        assert [_number(v) for v in finals] == [
            stored[f"baseline.{fate}"],
            stored[f"shield.{fate}"],
        ]
    launched = page.locator("#replay-counts tr[data-row=launched] td.final").all_inner_texts()
    assert [_number(v) for v in launched] == [860, 860]

    # play: the time moves on by itself; pause
    t0 = float(_attr(page, "#replay-bar", "data-t"))
    page.click("#replay-play")
    end = time.monotonic() + 30
    while float(_attr(page, "#replay-bar", "data-t")) < t0 + 600 and time.monotonic() < end:
        time.sleep(0.1)
    page.click("#replay-play")
    assert _attr(page, "#replay-play", "data-playing") == "0"
    moved = float(_attr(page, "#replay-bar", "data-t"))
    assert moved >= t0 + 600

    # scrub: each arrow key is one slider step (60 s of the night) and one frame, timed
    page.locator("#replay-time").fill("25200")  # 7 h into the night: drones and missiles in flight
    steps = 60
    page.focus("#replay-time")
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    assert float(_attr(page, "#replay-bar", "data-t")) == 25200 + 60 * steps
    times = [float(v) for v in _attr(page, "#replay-bar", "data-frame-times").split(",")][-steps:]
    median = statistics.median(times)
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    print(
        f"\nreplay frame time, reference night (860 threats, {page.inner_text('#replay-counts tr[data-row=flying] td:nth-child(3)')}"
        f" in the air): median {median:.1f} ms, 95th percentile {p95:.1f} ms, max {max(times):.1f} ms"
        f" over {len(times)} slider steps"
    )
    assert median < FRAME_MS
    flying = _number(page.inner_text("#replay-counts tr[data-row=flying] td:nth-child(3)"))
    assert flying > 0
    b.shot(page, "web_replay.png")

    # click a threat in flight: its story, under both defences
    sample = _attr(page, "#replay-bar", "data-sample").split()
    assert len(sample) == 3, "no threat in flight on the map"
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + float(sample[1]), box["y"] + float(sample[2]))
    page.wait_for_selector("#replay-story .story-shield")
    story = page.inner_text("#replay-story")
    assert "launched" in story and "aimed at" in story
    assert page.locator("#replay-story .story-baseline li").count() >= 1
    shown = _attr(page, "#replay-story", "data-threat")
    assert shown.isdigit() and f"#{shown} (" in story
    b.shot(page, "web_replay_story.png")

    # the baseline: no fighters; its export as GeoJSON
    page.check("input[name=replay-defence][value=baseline]")
    link = page.locator("#replay-exports a[data-format=geojson]")
    assert "defence=baseline" in str(link.get_attribute("href"))
    with page.expect_download(timeout=LONG_MS) as info:
        link.click()
    path = tmp_path / "night.geojson"
    info.value.save_as(path)
    assert info.value.suggested_filename == f"skyshield-{run_id}-rep0-baseline.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    kinds = [f["properties"].get("kind") for f in doc["features"]]
    assert kinds.count("threat") == 860 and "fighter" not in kinds
    page.close()


def test_explore_the_record_and_replay_one_of_its_nights(server) -> None:  # type: ignore[no-untyped-def]
    b, _, _ = server
    page = b.page("#scenario=small")
    page.click("#tabs button[data-tab=record]")
    page.wait_for_selector("#largest-nights tr[data-night]", timeout=60_000)
    assert int(_attr(page, "#record-chart", "data-bars")) > 0
    assert "shipped snapshot" in page.inner_text("#record-source")
    b.shot(page, "web_record.png")

    # only one class
    n = int(_attr(page, "body", "data-record"))
    page.click("#record-classes-summary")
    page.check("#record-classes input[data-class='shahed-136']")
    page.wait_for_selector(f"body[data-record='{n + 1}']")
    bars = page.locator("#record-chart rect.bar")
    assert bars.count() > 0
    assert page.locator("#record-chart rect.bar[data-series='shahed-136']").count() == bars.count()

    # only some nights
    page.fill("#record-start", "2025-05-01")
    page.wait_for_selector(f"body[data-record='{n + 2}']")
    page.fill("#record-end", "2025-06-30")
    page.wait_for_selector(f"body[data-record='{n + 3}']")
    nights = [
        str(r.get_attribute("data-night"))
        for r in page.locator("#largest-nights tr[data-night]").all()
    ]
    assert nights and all("2025-05-01" <= d <= "2025-06-30" for d in nights)
    assert "2025-06-08" in nights

    # replay one against the scenario shown (small), baseline and shield
    page.click("#largest-nights tr[data-night='2025-06-08'] button.replay-night")
    page.wait_for_selector("#record-job .job[data-state=done]", state="attached", timeout=LONG_MS)
    page.wait_for_selector("body[data-tab=replay]")
    page.wait_for_selector("#replay-title:has-text('small: night 2025-06-08')", timeout=LONG_MS)
    launched = page.locator("#replay-counts tr[data-row=launched] td.final").all_inner_texts()
    assert _number(launched[0]) == _number(launched[1]) > 0
    page.locator("#replay-time").fill("25200")
    b.shot(page, "web_record_night.png")
    page.close()


def test_run_a_sweep_and_a_sensitivity_study_from_the_page(server) -> None:  # type: ignore[no-untyped-def]
    b, _, store_path = server
    page = b.page("#scenario=small")
    page.click("#tabs button[data-tab=studies]")
    page.select_option("#sweep-path", "coalition.total_aircraft")
    page.fill("#sweep-values", "4, 8")
    page.fill("#sweep-runs", "2")
    page.click("#sweep-start")
    page.locator("#sweep-job .job .stage").wait_for(timeout=LONG_MS)  # progress is shown
    page.wait_for_selector("#sweep-job .job[data-state=done]", timeout=LONG_MS)
    points = page.locator("#sweep-chart circle.point")
    assert points.count() == 2
    assert [p.get_attribute("data-x") for p in points.all()] == ["4", "8"]
    points.nth(1).hover()
    assert "run " in page.inner_text("#sweep-chart .tooltip")
    b.shot(page, "web_sweep.png")

    page.fill("#tornado-runs", "1")
    page.click("#tornado-start")
    page.wait_for_selector("#tornado-job .job[data-state=done]", timeout=LONG_MS)
    jobs = httpx.get(f"{b.base}/api/jobs", timeout=30).json()
    tornado = next(j for j in jobs if j["kind"] == "sensitivity")
    table = tornado["result"]["table"]
    bars = page.locator("#tornado-result rect.bar")
    assert 0 < bars.count() <= 2 * len(table)
    assert bars.first.get_attribute("data-factor") == table[0]["factor"]  # the largest swing
    page.locator("#tornado-result").scroll_into_view_if_needed()
    b.shot(page, "web_tornado.png")

    runs = Store(store_path).runs()
    assert (runs["kind"] == "sweep").sum() == 2
    assert (runs["kind"] == "sensitivity").sum() == 1 + 2 * len(table)
    page.close()

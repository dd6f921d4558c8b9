"""The briefing report in a real browser: headless Chromium (Debian's package, which ``make test``
installs) opens it from disk with no console error and no failed or outside request, shows
every image, and shows the numbers of ``summary.json``.  A full-page screenshot is kept in the
folder ``$SKYSHIELD_TEST_ARTIFACTS`` names, if set (never in the repository)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from skyshield.cli.main import main
from skyshield.report.html import lookup

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
)


def shown_equals(text: str, value: float, scale: float) -> bool:
    """Whether the displayed ``text`` is ``value * scale`` rounded to the digits shown."""
    digits = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text.replace(",", "")) - value * scale) <= 0.5 * 10.0**-digits + 1e-9


@pytest.mark.slow
def test_report_in_headless_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "report"
    argv = ["assess", "small", "--runs", "2", "--sweep-runs", "1", "--sweep-jets", "9,18",
            "--record-runs", "1", "--workers", "1", "--out", str(out)]  # fmt: skip
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
                "els => els.map(e => [e.dataset.metric, e.dataset.scale || '1', e.textContent])",
            )
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
    for path, scale, text in shown:
        assert shown_equals(text, lookup(summary, path), float(scale)), (path, text)
    assert {"headline/hits_on_assets_shield/mean", "headline/cost_per_night_usd/mean"} <= {
        path for path, _, _ in shown
    }
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

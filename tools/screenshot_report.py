"""Screenshot the top of a briefing report for the README (a developer tool, run by hand).

Opens the report of ``skyshield assess`` in headless Chromium (Debian's package, the one the
browser test uses) and writes a PNG of its first screen::

    .venv/bin/skyshield assess reference --out out/demo
    .venv/bin/python tools/screenshot_report.py out/demo/report.html docs/img/report.png

``--width`` and ``--height`` set the viewport in CSS pixels (default 1280 x 1000); ``--full``
takes the whole page instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: The browser tests' helper: Debian's Chromium, started as the tests start it.
TESTS = Path(__file__).resolve().parents[1] / "tests"


def main(argv: list[str] | None = None) -> int:
    """Write the screenshot; 2 if the report or Chromium is missing."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(TESTS))
    from chromium import ARGS, CHROMIUM

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report", type=Path, help="report.html written by skyshield assess")
    ap.add_argument("png", type=Path, help="screenshot to write")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--full", action="store_true", help="the whole page, not its first screen")
    args = ap.parse_args(argv)
    for needed in (args.report, CHROMIUM):
        if not needed.exists():
            print(f"error: {needed} does not exist", file=sys.stderr)
            return 2
    args.png.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.goto(args.report.resolve().as_uri(), wait_until="load")
            page.screenshot(path=str(args.png), full_page=args.full)
        finally:
            browser.close()
    print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

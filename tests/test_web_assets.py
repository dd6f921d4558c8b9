"""The vendored MapLibre GL JS: the committed files are the pinned release's (their SHA-256 as
recorded when vendored), shipped with their licence, and the page loads them from this server."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from skyshield.web.app import static_dir

VENDOR = static_dir() / "vendor" / "maplibre-gl"
NOTICE = Path(__file__).resolve().parents[1] / "NOTICE"


def test_vendored_files_match_their_manifest() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["package"] == "maplibre-gl" and manifest["licence"] == "BSD-3-Clause"
    assert set(manifest["files"]) == {
        "maplibre-gl.mjs",
        "maplibre-gl-worker.mjs",
        "maplibre-gl.css",
        "LICENSE.txt",
    }
    for name, sha in manifest["files"].items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == sha, name
    assert "BSD" in (VENDOR / "LICENSE.txt").read_text(encoding="utf-8") or "Redistribution" in (
        VENDOR / "LICENSE.txt"
    ).read_text(encoding="utf-8")
    assert f"MapLibre GL JS {manifest['version']}" in NOTICE.read_text(encoding="utf-8")


def test_the_page_uses_no_other_address() -> None:
    names = sorted(p.name for p in static_dir().iterdir() if p.is_file())
    page = {"index.html", "app.js", "util.js", "replay.js", "record.js", "studies.js", "charts.js"}
    assert page <= set(names)
    for name in names:
        text = (static_dir() / name).read_text(encoding="utf-8")
        # the SVG namespace is a name, not an address anything is asked of
        text = text.replace('"http://www.w3.org/2000/svg"', "")
        assert "http://" not in text and "https://" not in text, name

"""Vendor MapLibre GL JS into the package (``make web-assets``): the web page never uses a CDN.

Takes the npm package ``maplibre-gl`` at the pinned version with the ordinary npm client
(``npm pack``), checks the tarball against the pinned SHA-512 integrity of the npm registry,
and copies the built files the page loads (the ES module, its worker module, the style sheet)
and the licence into ``src/skyshield/web/static/vendor/maplibre-gl/``, with a ``MANIFEST.json``
of the version, the tarball's integrity and each file's SHA-256.  The source-map comments are
dropped (the maps are not shipped).  The result is committed, so installing the project needs
neither npm nor a network; ``--check`` verifies the committed files against the manifest
offline (the test suite does the same).

Run: ``.venv/bin/python tools/vendor_maplibre.py [--check]``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "6.20.0"
#: ``npm view maplibre-gl@6.20.0 dist.integrity``
INTEGRITY = "sha512-7manvqXeNoN0mKRzenYDopkb3VW9j7iag45RvopkOVFZ7c+La7CBWtK8eBS5bKrI6NyxqAIxPxIG1PMcotcY1w=="
#: Files of the npm package copied, and their names in the package.
FILES = {
    "package/dist/maplibre-gl.mjs": "maplibre-gl.mjs",
    "package/dist/maplibre-gl-worker.mjs": "maplibre-gl-worker.mjs",
    "package/dist/maplibre-gl.css": "maplibre-gl.css",
    "package/LICENSE.txt": "LICENSE.txt",
}
DEST = Path(__file__).resolve().parents[1] / "src" / "skyshield" / "web" / "static" / "vendor"
DEST = DEST / "maplibre-gl"


def _strip_source_map(data: bytes) -> bytes:
    lines = data.split(b"\n")
    kept = [
        ln
        for ln in lines
        if not ln.startswith((b"//# sourceMappingURL=", b"/*# sourceMappingURL="))
    ]
    return b"\n".join(kept)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def vendor() -> dict[str, object]:
    """Fetch, check and copy; return the manifest written."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"maplibre-gl@{VERSION}", "--pack-destination", tmp, "--silent"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarball = Path(tmp) / f"maplibre-gl-{VERSION}.tgz"
        raw = tarball.read_bytes()
        got = "sha512-" + base64.b64encode(hashlib.sha512(raw).digest()).decode("ascii")
        if got != INTEGRITY:
            sys.exit(f"integrity mismatch for maplibre-gl@{VERSION}: {got} != {INTEGRITY}")
        DEST.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        with tarfile.open(tarball, "r:gz") as tar:
            for member, name in FILES.items():
                extracted = tar.extractfile(member)
                if extracted is None:
                    sys.exit(f"{member} missing from the package")
                data = _strip_source_map(extracted.read())
                (DEST / name).write_bytes(data)
                files[name] = _sha256(data)
    manifest: dict[str, object] = {
        "package": "maplibre-gl",
        "version": VERSION,
        "licence": "BSD-3-Clause",
        "integrity": INTEGRITY,
        "files": files,
    }
    (DEST / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def check() -> list[str]:
    """Problems of the committed files against their manifest (empty when all is well)."""
    manifest = json.loads((DEST / "MANIFEST.json").read_text(encoding="utf-8"))
    problems = []
    if manifest.get("version") != VERSION:
        problems.append(f"manifest version {manifest.get('version')} != pinned {VERSION}")
    for name, sha in manifest["files"].items():
        path = DEST / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif _sha256(path.read_bytes()) != sha:
            problems.append(f"{name}: SHA-256 differs from the manifest")
    return problems


def main() -> None:
    """Vendor (default) or check (``--check``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the committed files only")
    args = parser.parse_args()
    if args.check:
        problems = check()
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        if problems:
            sys.exit(1)
        print(f"maplibre-gl {VERSION}: vendored files match the manifest")
        return
    manifest = vendor()
    total = sum((DEST / n).stat().st_size for n in FILES.values())
    print(f"vendored maplibre-gl {manifest['version']} into {DEST} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()

"""The compiled code's disk cache: stamped with the compiled modules' sources, and an index
written by another version of the code read as empty rather than crashing the import."""

from __future__ import annotations

import pickle
from pathlib import Path

import numba

from skyshield.geo.jit import COMPILED_PACKAGES, _TolerantIndex, engine_stamp


def test_the_stamp_covers_the_region_geometry_and_the_engine() -> None:
    assert COMPILED_PACKAGES == ("skyshield.geo", "skyshield.engine")
    assert len(engine_stamp()) == 64


def test_an_index_naming_a_moved_class_is_read_as_empty(tmp_path: Path) -> None:
    """An index pickled by an older version names ``skyshield.engine.regions.Region`` (since
    moved): numba unpickles it before comparing stamps, and the import used to fail."""
    index = _TolerantIndex(cache_path=str(tmp_path), filename_base="f-1.py311", source_stamp="s")
    with open(tmp_path / "f-1.py311.nbi", "wb") as f:
        pickle.dump(numba.__version__, f, protocol=-1)
        f.write(b"cskyshield.engine.regions\nRegion\n.")
    assert index._load_index() == {}
    index.save("key", b"data")  # and the index is written over
    assert list(index._load_index()) == ["key"]
    assert index.load("key") == b"data"

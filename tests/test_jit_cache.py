"""The compiled code's disk cache: stamped with the compiled modules' sources, an index written
by another version of the code read as empty rather than crashing the import, and whether the
engine is ready or a first run is told that it compiles."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numba
import pytest

from skyshield.cli.execution import announce_compiling
from skyshield.engine.api import build_world
from skyshield.engine.sim import kernel_ready
from skyshield.geo.jit import COMPILED_PACKAGES, _TolerantIndex, engine_stamp, is_ready, jit
from skyshield.scenario import LoadedScenario
from skyshield.studies import Progress
from skyshield.web.job_kinds import COMPILING, say_if_compiling


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


def _double(x: float) -> float:
    """A function to compile in the tests below."""
    return 2.0 * x


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="nothing is compiled with the JIT off")
def test_is_ready_once_compiled_and_from_the_disk_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path))
    fn = jit(_double)
    assert not is_ready(fn)  # neither compiled nor cached
    assert fn(2.0) == 4.0
    assert is_ready(fn)
    assert is_ready(jit(_double))  # a new dispatcher (another process) finds the disk cache
    monkeypatch.setattr("skyshield.geo.jit.engine_stamp", lambda: "another version")
    assert not is_ready(jit(_double))  # a cache of another version of the code is not used
    monkeypatch.undo()
    for index in tmp_path.rglob("*.nbi"):  # an index that cannot be read: not ready, no error
        index.unlink()
        index.mkdir()
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path))
    assert not is_ready(jit(_double))


def test_the_engine_is_ready_after_a_world_is_built(small: LoadedScenario) -> None:
    build_world(small, "reference")
    assert kernel_ready()


def test_a_terminal_is_told_before_the_engine_compiles(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setattr("skyshield.engine.sim.kernel_ready", lambda: False)
    announce_compiling()
    assert "compiling the engine first" in capsys.readouterr().err
    monkeypatch.setattr("skyshield.engine.sim.kernel_ready", lambda: True)
    announce_compiling()
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)  # piped or logged: not said
    monkeypatch.setattr("skyshield.engine.sim.kernel_ready", lambda: False)
    announce_compiling()
    assert capsys.readouterr().err == ""


def test_a_web_job_reports_a_stage_while_the_engine_compiles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reports: list[Progress] = []
    monkeypatch.setattr("skyshield.engine.sim.kernel_ready", lambda: False)
    say_if_compiling(reports.append)
    assert [(r.stage, r.done, r.total) for r in reports] == [(COMPILING, 0, 1)]
    monkeypatch.setattr("skyshield.engine.sim.kernel_ready", lambda: True)
    say_if_compiling(reports.append)
    assert len(reports) == 1

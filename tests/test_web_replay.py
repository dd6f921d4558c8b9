"""Replays through the API: a stored replication's night for the page (its arrays checked
against the engine's tables), exports as downloads, the cache, the limits, and the errors
(unknown run, replication out of range, bad format or defence, a night too large)."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from skyshield.engine.names import FATES
from skyshield.runs import Store, choose_record
from skyshield.studies import montecarlo, replay_run
from skyshield.web import Limits
from web_helpers import client, make_config


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store with one run of two replications of the small scenario on the reference night."""
    store_path = tmp_path_factory.mktemp("replay-store") / "store.duckdb"
    res = montecarlo("small", raid="reference", runs=2, seed=7, store=Store(store_path))
    assert res.run_id is not None
    return store_path, res.run_id


@pytest.fixture(scope="module")
def replay(stored: tuple[Path, str]) -> Any:
    store_path, run_id = stored
    return replay_run(Store(store_path), run_id, 1, lambda: choose_record(None, store_path).rows)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, stored: tuple[Path, str]):  # type: ignore[no-untyped-def]
    """A server on the store, its replays kept for the module's tests."""
    folder = tmp_path_factory.mktemp("replay-server")
    with client(make_config(folder, store_path=stored[0])) as c:
        yield c


def _night(api, run_id: str, rep: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = api.get(f"/api/runs/{run_id}/replications/{rep}/night")
    assert r.status_code == 200, r.text
    assert r.headers["content-encoding"] == "gzip"
    return dict(r.json())


@pytest.mark.slow
def test_the_night_holds_the_replications_tables(api, stored, replay) -> None:  # type: ignore[no-untyped-def]
    run_id = stored[1]
    night = _night(api, run_id, 1)
    assert night["format"] == 1 and night["rep"] == 1 and night["seed"] == replay.seed
    assert night["run"]["run_id"] == run_id and "scenario_text" not in night["run"]
    assert night["warnings"] == []  # the same numbers as the stored run
    names = night["names"]
    assert names["fate"][: len(FATES)] == list(FATES)
    th = replay.outcomes["shield"].threats.sort_values("threat")
    n = len(th)
    assert night["threats"]["n"] == n
    # routes: one block of samples per threat, starting at its launch, ending at its arrival
    off = night["threats"]["offsets"]
    t = np.array(night["threats"]["t"], dtype=float)
    assert len(off) == n + 1 and off[0] == 0 and off[-1] == len(t) and np.all(np.diff(off) >= 2)
    assert np.allclose(t[off[:-1]], th["launch_time_s"], atol=0.05)
    assert np.allclose(t[np.array(off[1:]) - 1], th["arrival_time_s"], atol=0.05)
    assert np.all(np.diff(t)[np.setdiff1d(np.arange(len(t) - 1), np.array(off[1:-1]) - 1)] >= 0)
    for defence, oc in replay.outcomes.items():
        d = night["defences"][defence]
        fates = [names["fate"][k] for k in d["fate"]]
        mine = oc.threats.sort_values("threat")
        assert fates == list(mine["fate"])
        assert d["counts"] == {f: int((mine["fate"] == f).sum()) for f in FATES}
        assert np.allclose(d["fate_s"], mine["fate_time_s"], atol=0.05)
        assert [names["by"][k] for k in d["by"]] == list(mine["killed_by"])
    # the baseline has no coalition tracks; the shield tracks every threat it engaged before
    # its first shot
    assert night["defences"]["baseline"]["tracked_s"] is None
    tracked = np.array(
        [np.inf if v is None else v for v in night["defences"]["shield"]["tracked_s"]]
    )
    shots = night["shots"]
    en = replay.outcomes["shield"].engagements
    assert len(shots["t"]) == len(en) > 0
    first_shot = en.groupby("threat")["time_s"].min()
    assert np.all(tracked[first_shot.index.to_numpy()] <= first_shot.to_numpy() + 0.05)
    assert sum(shots["kill"]) == night["defences"]["shield"]["counts"]["killed_fighter"]
    # every shot names a fighter whose track covers its time
    fi = night["fighters"]
    for k, when in zip(shots["fighter"], shots["t"], strict=True):
        a, b = fi["offsets"][k], fi["offsets"][k + 1]
        assert fi["t"][a] - 0.05 <= when <= fi["t"][b - 1] + 0.05
    assert set(fi["aircraft"]) <= set(replay.outcomes["shield"].sorties["aircraft"])
    assert night["layers"]["assets"]["features"] and night["zones"]["features"]
    assert night["night"]["end_s"] == pytest.approx(
        replay.outcomes["shield"].night_h * 3600, abs=0.1
    )


@pytest.mark.slow
def test_the_night_is_built_once_and_kept(tmp_path: Path, stored) -> None:  # type: ignore[no-untyped-def]
    run_id = stored[1]
    with client(make_config(tmp_path, store_path=stored[0])) as api:
        _night(api, run_id, 0)
        folder = next((tmp_path / "out" / "replays").iterdir())
        made = (folder / "night.json.gz").stat().st_mtime_ns
        again = api.get(
            f"/api/runs/{run_id}/replications/0/night", headers={"Accept-Encoding": "identity"}
        )
        assert again.status_code == 200 and "content-encoding" not in again.headers
        assert again.json()["rep"] == 0
    assert (folder / "night.json.gz").stat().st_mtime_ns == made  # not built again
    assert json.loads(gzip.decompress((folder / "night.json.gz").read_bytes()))["rep"] == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "ending"), [("acmi", ".zip.acmi"), ("kml", ".kml"), ("geojson", ".geojson")]
)
def test_exports_download_what_the_command_line_writes(api, stored, replay, fmt, ending) -> None:  # type: ignore[no-untyped-def]
    run_id = stored[1]
    r = api.get(f"/api/runs/{run_id}/replications/1/export?format={fmt}&defence=baseline")
    assert r.status_code == 200, r.text
    name = f"skyshield-{run_id}-rep1-baseline{ending}"
    assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    if fmt == "geojson":
        doc = r.json()
        threats = [f for f in doc["features"] if f["properties"].get("kind") == "threat"]
        assert len(threats) == len(replay.outcomes["baseline"].threats)
        assert not [f for f in doc["features"] if f["properties"].get("kind") == "fighter"]
    elif fmt == "acmi":
        assert r.content[:2] == b"PK"  # zipped
    else:
        assert r.text.lstrip().startswith("<?xml")


def test_replay_errors_are_4xx_with_a_message(api, stored) -> None:  # type: ignore[no-untyped-def]
    run_id = stored[1]
    unknown = api.get("/api/runs/abcdef123456/replications/0/night")
    assert unknown.status_code == 404 and "no run 'abcdef123456'" in unknown.json()["detail"]
    beyond = api.get(f"/api/runs/{run_id}/replications/2/night")
    assert beyond.status_code == 404
    assert beyond.json()["detail"] == f"run {run_id} has 2 replication(s): expected rep 0..1, got 2"
    assert api.get(f"/api/runs/{run_id}/replications/-1/night").status_code == 422
    assert api.get("/api/runs/..%2F..%2Fetc/replications/0/night").status_code in (404, 422)
    assert api.get("/api/runs/ABCDEF/replications/0/night").status_code == 422
    fmt = api.get(f"/api/runs/{run_id}/replications/0/export?format=pdf")
    assert fmt.status_code == 422 and "acmi" in fmt.text
    side = api.get(f"/api/runs/{run_id}/replications/0/export?format=kml&defence=enemy")
    assert side.status_code == 422
    assert api.get(f"/api/runs/{run_id}/replications/0/export").status_code == 422


def test_an_empty_store_has_no_replays(tmp_path: Path) -> None:
    with client(make_config(tmp_path)) as api:
        r = api.get("/api/runs/abcdef/replications/0/night")
        assert r.status_code == 404 and r.json()["detail"] == "the run store is empty"
        assert api.get("/api/runs").json() == []


@pytest.mark.slow
def test_a_night_larger_than_the_limit_is_refused(tmp_path: Path, stored) -> None:  # type: ignore[no-untyped-def]
    config = make_config(tmp_path, store_path=stored[0], limits=Limits(replay_bytes=10_000))
    with client(config) as api:
        r = api.get(f"/api/runs/{stored[1]}/replications/0/night")
    assert r.status_code == 422
    assert "more than this server sends (0.0 MB): export it" in r.json()["detail"]


@pytest.mark.slow
def test_the_least_recently_used_replays_are_removed(tmp_path: Path, stored) -> None:  # type: ignore[no-untyped-def]
    config = make_config(tmp_path, store_path=stored[0], limits=Limits(replay_cache=1))
    replays = tmp_path / "out" / "replays"
    with client(config) as api:
        _night(api, stored[1], 0)
        _night(api, stored[1], 1)
        # both were used just now: neither is removed while it may still be being sent
        assert len(list(replays.iterdir())) == 2
        for folder in replays.iterdir():
            os.utime(folder, (time.time() - 3600, time.time() - 3600))
        # a build for replication 0 removes replication 1, used least recently
        r = api.get(f"/api/runs/{stored[1]}/replications/0/export?format=kml")
        assert r.status_code == 200
    kept = sorted(p.name for p in replays.iterdir())
    assert len(kept) == 1 and kept[0].startswith(f"{stored[1]}-0-")

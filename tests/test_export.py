"""Replays (skyshield export): each format read back by an independent reader (pyacmi,
fastkml, shapely, czml3) and compared with the outcome tables of the replication."""

from __future__ import annotations

import json
import math
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from skyshield.cli.main import main
from skyshield.export import build_scene
from skyshield.export.tracks import KILL_FATES
from skyshield.geo import Projection
from skyshield.runs import Store
from skyshield.studies.replay import Replay, replay_run

RAID = """\
nights:
  - name: export-test
    start: 2025-06-07T20:00:00+03:00
    groups:
      - {threat: shahed-136, count: 40, launch_area: kursk, launch_end_h: 3.0}
      - {threat: kh-101, count: 4, launch_area: engels, launch_start_h: 3.0, launch_end_h: 4.0}
"""
START = datetime(2025, 6, 7, 17, 0, tzinfo=UTC)
DEG = 1e-6  # tolerance of positions, degrees


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Replay]:
    """A Monte Carlo run of ``small`` against a short raid (2 replications), its store, its id and
    replication 1 simulated again."""
    d = tmp_path_factory.mktemp("export")
    raid, store = d / "raid.yaml", d / "store.duckdb"
    raid.write_text(RAID, encoding="utf-8")
    assert main(["mc", "small", "--raid", str(raid), "--runs", "2", "--store", str(store)]) == 0
    with Store(store) as s:
        run_id = str(s.runs()["run_id"].iloc[0])
        replay = replay_run(s, run_id, 1)
    return store, run_id, replay


def export(stored: tuple[Path, str, Replay], out: Path, *extra: str) -> int:
    store, run_id, _ = stored
    return main(["export", run_id, "--rep", "1", "--out", str(out), "--store", str(store), *extra])


def expected(replay: Replay) -> tuple[pd.DataFrame, int, float]:
    """The shield's threat table, the number of fighters airborne in the night, the night's end (s)."""
    oc = replay.outcomes["shield"]
    return oc.threats, int((oc.sorties["night_flight_h"] > 0).sum()), oc.night_h * 3600.0


def sample_threat(threats: pd.DataFrame) -> pd.Series:
    """A threat killed by a fighter if there is one (its track ends mid-route), else the first."""
    killed = threats[threats["fate"] == "killed_fighter"]
    return (killed if len(killed) else threats).iloc[0]


def test_replay_reproduces_the_stored_replication(stored: tuple[Path, str, Replay]) -> None:
    store, run_id, replay = stored
    assert replay.stored and replay.differences() == []
    for k, v in replay.stored.items():
        assert replay.metrics[k] == pytest.approx(v, rel=1e-12), k
    with Store(store) as s:
        seeds = s.run_metrics(run_id)["seed"].tolist()
    assert replay.seed == seeds[1]
    th = replay.outcomes["shield"].threats
    first = replay.waypoints.groupby("threat")[["x_km", "y_km"]].first()
    np.testing.assert_allclose(first["x_km"], th["launch_x_km"])


def test_acmi_read_back_by_pyacmi(
    stored: tuple[Path, str, Replay], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyacmi

    threats, fighters, end_s = expected(stored[2])
    t = sample_threat(threats)
    for name in ("night.acmi", "night.zip.acmi"):
        out = tmp_path / name
        assert export(stored, out, "--format", "acmi") == 0
        acmi = pyacmi.Acmi()
        acmi.load_acmi(str(out))
        assert acmi.file_version == 2.1
        assert acmi.reference_time == START.replace(tzinfo=None)
        assert len(acmi.objects) == len(threats) + fighters
        assert acmi.timeframes[0] == 0.0
        assert acmi.timeframes[-1] == pytest.approx(end_s, abs=1e-3)
        (obj,) = [
            o for o in acmi.objects.values() if o.get_value("CallSign").endswith(f"#{t['threat']}")
        ]
        launch = float(t["launch_time_s"])
        assert obj.longitude(launch) == pytest.approx(t["launch_lon"], abs=DEG)
        assert obj.latitude(launch) == pytest.approx(t["launch_lat"], abs=DEG)
        assert obj.longitude() == pytest.approx(t["fate_lon"], abs=DEG)  # the last sample
        assert obj.removed_at == pytest.approx(t["fate_time_s"], abs=1e-3)
        assert obj.altitude() == pytest.approx(t["altitude_m"])
    assert zipfile_holds_one_entry(tmp_path / "night.zip.acmi")
    text = (tmp_path / "night.acmi").read_text(encoding="utf-8")
    assert text.count("Event=Destroyed|") == int(threats["fate"].isin(KILL_FATES).sum())
    capsys.readouterr()


def zipfile_holds_one_entry(path: Path) -> bool:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.namelist() == ["night.txt.acmi"]


def test_kmz_holds_the_same_kml(stored: tuple[Path, str, Replay], tmp_path: Path) -> None:
    """``--format kmz`` (or a ``.kmz`` name) zips the KML as ``doc.kml``: the same document."""
    assert export(stored, tmp_path / "night.kml") == 0
    assert export(stored, tmp_path / "night.kmz") == 0
    with zipfile.ZipFile(tmp_path / "night.kmz") as z:
        assert z.namelist() == ["doc.kml"]
        assert z.read("doc.kml") == (tmp_path / "night.kml").read_bytes()


def test_kml_read_back_by_fastkml(stored: tuple[Path, str, Replay], tmp_path: Path) -> None:
    from fastkml import KML, Placemark
    from fastkml.gx import Track
    from fastkml.utils import find_all
    from fastkml.validator import validate

    threats, fighters, end_s = expected(stored[2])
    out = tmp_path / "night.kml"
    assert export(stored, out) == 0  # format from the name
    assert validate(file_to_validate=out) is True  # the OGC KML 2.2 schema, with lxml
    kml = KML.parse(out)
    placemarks = [p for p in find_all(kml, of_type=Placemark) if isinstance(p.kml_geometry, Track)]
    assert len(placemarks) == len(threats) + fighters
    assert sum(p.id.startswith("fighter-") for p in placemarks) == fighters
    whens = [item.when.dt for p in placemarks for item in p.kml_geometry.track_items]
    assert min(whens) == START
    assert (max(whens) - START).total_seconds() == pytest.approx(end_s, abs=1e-3)
    t = sample_threat(threats)
    (pm,) = [p for p in placemarks if p.id == f"threat-{t['threat']}"]
    items = pm.kml_geometry.track_items
    lon, lat, alt = items[0].coord.coords[0]
    assert (lon, lat) == pytest.approx((t["launch_lon"], t["launch_lat"]), abs=DEG)
    assert alt == pytest.approx(t["altitude_m"])
    assert (items[-1].when.dt - START).total_seconds() == pytest.approx(t["fate_time_s"], abs=1e-3)


def test_geojson_read_back_by_shapely(stored: tuple[Path, str, Replay], tmp_path: Path) -> None:
    threats, fighters, end_s = expected(stored[2])
    out = tmp_path / "night.geojson"
    assert export(stored, out, "--format", "geojson") == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    by_kind: dict[str, list[dict[str, object]]] = {}
    for f in doc["features"]:
        by_kind.setdefault(f["properties"]["kind"], []).append(f)
    tracks = by_kind["threat"] + by_kind["fighter"]
    assert (len(by_kind["threat"]), len(by_kind["fighter"])) == (len(threats), fighters)
    lines = [shape(f["geometry"]) for f in tracks]
    assert all(g.geom_type == "LineString" and g.has_z for g in lines)
    for f, g in zip(tracks, lines, strict=True):
        assert len(f["properties"]["times"]) == len(g.coords)
    starts = [datetime.fromisoformat(f["properties"]["start"]) for f in tracks]
    ends = [datetime.fromisoformat(f["properties"]["end"]) for f in tracks]
    assert min(starts) == START
    assert (max(ends) - START).total_seconds() == pytest.approx(end_s, abs=1e-3)
    t = sample_threat(threats)
    (f,) = [f for f in by_kind["threat"] if f["properties"]["id"] == f"threat-{t['threat']}"]
    g = shape(f["geometry"])
    assert g.coords[0][:2] == pytest.approx((t["launch_lon"], t["launch_lat"]), abs=DEG)
    assert g.coords[-1][:2] == pytest.approx((t["fate_lon"], t["fate_lat"]), abs=DEG)
    assert f["properties"]["fate"] == t["fate"]
    zones = {f["properties"]["name"]: shape(f["geometry"]) for f in by_kind["zone"]}
    assert set(zones) == {"patrol", "engagement", "hostile"}
    assert all(z.is_valid and z.geom_type in ("Polygon", "MultiPolygon") for z in zones.values())
    lviv = shapely.Point(24.03, 49.84)
    assert zones["patrol"].contains(lviv) and not zones["hostile"].contains(lviv)
    kills = [shape(f["geometry"]) for f in by_kind["kill"]]
    assert len(kills) == int(threats["fate"].isin(KILL_FATES).sum())
    assert len(by_kind["asset"]) == len(stored[2].world.ls.assets)


def test_czml_read_back_by_czml3(stored: tuple[Path, str, Replay], tmp_path: Path) -> None:
    import czml3

    threats, fighters, end_s = expected(stored[2])
    out = tmp_path / "night.czml"
    assert export(stored, out, "--format", "czml") == 0
    doc = czml3.Document.model_validate(json.loads(out.read_text(encoding="utf-8")))
    first = doc.packets[0]
    assert first.id == "document" and first.version == "1.0"
    begin, end = str(first.clock.interval).strip('"').split("/")
    assert datetime.fromisoformat(begin) == START
    assert (datetime.fromisoformat(end) - START).total_seconds() == pytest.approx(end_s, abs=1e-3)
    moving = [p for p in doc.packets if p.path is not None]
    assert len(moving) == len(threats) + fighters
    t = sample_threat(threats)
    (p,) = [p for p in moving if p.id == f"threat-{t['threat']}"]
    values = p.position.cartographicDegrees.values
    assert values[0] == pytest.approx(t["launch_time_s"], abs=1e-3)
    assert values[1:3] == pytest.approx([t["launch_lon"], t["launch_lat"]], abs=DEG)
    assert values[-4] == pytest.approx(t["fate_time_s"], abs=1e-3)
    assert values[-3:-1] == pytest.approx([t["fate_lon"], t["fate_lat"]], abs=DEG)
    a, b = str(p.availability).strip('"').split("/")
    assert (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() == (
        pytest.approx(t["fate_time_s"] - t["launch_time_s"], abs=2e-3)
    )


def test_export_through_an_assessment_folder_and_baseline(
    stored: tuple[Path, str, Replay], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, run_id, replay = stored
    folder = tmp_path / "assessment"
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps({"run_id": run_id, "store": str(store)}))
    out = tmp_path / "base.geojson"
    assert (
        main(["export", str(folder), "--rep", "1", "--defence", "baseline", "--out", str(out)]) == 0
    )
    assert f"run {run_id} replication 1" in capsys.readouterr().out
    kinds = [f["properties"]["kind"] for f in json.loads(out.read_text())["features"]]
    assert kinds.count("threat") == len(replay.outcomes["baseline"].threats)
    assert kinds.count("fighter") == 0  # the baseline has no fighters


def test_bad_requests_exit_2_with_a_message(
    stored: tuple[Path, str, Replay], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, run_id, _ = stored
    base = ["--store", str(store), "--out", str(tmp_path / "x.geojson")]
    capsys.readouterr()
    assert main(["export", run_id, "--rep", "2", *base]) == 2
    assert "--rep: expected 0..1 (run" in capsys.readouterr().err
    assert main(["export", run_id, "--rep", "-1", *base]) == 2
    assert main(["export", run_id, "--format", "shapefile", *base]) == 2
    assert "--format: expected one of acmi, kml, kmz, geojson, czml" in capsys.readouterr().err
    assert main(["export", "nosuchrun", *base]) == 2
    assert "no run 'nosuchrun'" in capsys.readouterr().err
    assert main(["export", run_id, "--defence", "both", *base]) == 2
    assert main(["export", run_id, "--store", str(store), "--out", str(tmp_path / "x.txt")]) == 2
    assert "cannot tell the format" in capsys.readouterr().err
    assert main(["export", run_id, "--store", str(tmp_path / "none.duckdb"), "--out", "x.kml"]) == 2
    assert "no run store here" in capsys.readouterr().err
    empty = tmp_path / "assess"
    empty.mkdir()
    (empty / "summary.json").write_text("{}")
    assert main(["export", str(empty), "--out", str(tmp_path / "x.kml")]) == 2
    assert "expected the run id and the store" in capsys.readouterr().err
    assert not (tmp_path / "x.geojson").exists()


def test_scene_clips_fighters_to_the_night_and_ends_threats_at_their_fate() -> None:
    """Hand-made tables: a fighter flying -100..500 s is cut to the night 0..300 s at the points
    its legs pass then; a threat killed half-way along its second leg ends there."""
    proj = Projection()
    legs = pd.DataFrame(
        [
            ["a/0/1", "transit_out", -100.0, 100.0, 0.0, 0.0, 200.0, 0.0],
            ["a/0/1", "transit_back", 400.0, 500.0, 200.0, 0.0, 0.0, 0.0],
        ],
        columns=["aircraft", "phase", "t0_s", "t1_s", "x0_km", "y0_km", "x1_km", "y1_km"],
    )
    sorties = pd.DataFrame(
        [["a/0/1", "POL", "F-16", "EPRZ", "a", 0, 0]],
        columns=["aircraft", "nation", "type", "base", "station", "kills", "weapons_spent"],
    )
    fate_lon, fate_lat = proj.to_lonlat(150.0, 50.0)
    threats = pd.DataFrame(
        [
            {
                "threat": 0,
                "class_id": "shahed-136",
                "category": "drone",
                "launch_area": "kursk",
                "aim_kind": "asset",
                "aim_id": "kyiv",
                "altitude_m": 1000.0,
                "fate": "killed_fighter",
                "fate_time_s": 250.0,
                "fate_lon": fate_lon,
                "fate_lat": fate_lat,
                "killed_by": "a/0/1",
                "fate_asset": "",
            }
        ]
    )
    waypoints = pd.DataFrame(
        {
            "threat": [0, 0, 0],
            "seq": [0, 1, 2],
            "x_km": [0.0, 100.0, 200.0],
            "y_km": [0.0, 0.0, 100.0],
            "t_s": [0.0, 200.0, 300.0],
        }
    )
    scene = build_scene(
        title="hand",
        start=START,
        end_s=300.0,
        threats=threats,
        waypoints=waypoints,
        sorties=sorties,
        legs=legs,
        projection=proj,
        fighter_altitude_m=6000.0,
    )
    threat, fighter = scene.tracks
    assert fighter.t_s.tolist() == [0.0, 100.0, 300.0]
    x, y = proj.to_km(fighter.lon, fighter.lat)
    np.testing.assert_allclose(x, [100.0, 200.0, 200.0], atol=1e-6)  # half-way out at t = 0
    np.testing.assert_allclose(y, [0.0, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(fighter.alt_m, [3000.0, 6000.0, 6000.0])  # climbing from 0 m
    assert threat.t_s.tolist() == [0.0, 200.0, 250.0]
    x, y = proj.to_km(threat.lon, threat.lat)
    np.testing.assert_allclose(x, [0.0, 100.0, 150.0], atol=1e-6)
    np.testing.assert_allclose(y, [0.0, 0.0, 50.0], atol=1e-6)
    (kill,) = scene.kills
    assert (kill.t_s, kill.by_track) == (250.0, "fighter-a-0-1")
    assert scene.iso(250.0) == "2025-06-07T17:04:10.000Z"
    assert not math.isnan(kill.lon)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(
    takeoff=st.floats(-2000.0, 2000.0),
    hold=st.floats(0.0, 1000.0),
    end_s=st.floats(1.0, 3000.0),
)
def test_clipped_fighter_tracks_follow_the_legs(takeoff: float, hold: float, end_s: float) -> None:
    """Out 200 km east in 200 s, hold, back in 200 s: the track exists exactly when the sortie
    overlaps the night, stays inside it, and every sample is where the legs put the aircraft."""
    proj = Projection()
    arrive, depart = takeoff + 200.0, takeoff + 200.0 + hold
    land = depart + 200.0
    legs = pd.DataFrame(
        [
            ["a/0/1", "transit_out", takeoff, arrive, 0.0, 0.0, 200.0, 0.0],
            ["a/0/1", "transit_back", depart, land, 200.0, 0.0, 0.0, 0.0],
        ],
        columns=["aircraft", "phase", "t0_s", "t1_s", "x0_km", "y0_km", "x1_km", "y1_km"],
    )
    sorties = pd.DataFrame(
        [["a/0/1", "POL", "F-16", "EPRZ", "a", 0, 0]],
        columns=["aircraft", "nation", "type", "base", "station", "kills", "weapons_spent"],
    )
    no_threats = pd.DataFrame(columns=["threat", "fate"])
    no_waypoints = pd.DataFrame(columns=["threat", "seq", "x_km", "y_km", "t_s"])
    scene = build_scene(
        title="p",
        start=START,
        end_s=end_s,
        threats=no_threats,
        waypoints=no_waypoints,
        sorties=sorties,
        legs=legs,
        projection=proj,
        fighter_altitude_m=6000.0,
    )
    overlaps = land > 0.0 and takeoff < end_s
    assert len(scene.tracks) == int(overlaps)
    if not overlaps:
        return
    (tr,) = scene.tracks
    assert tr.t_s[0] == max(takeoff, 0.0) and tr.t_s[-1] == min(land, end_s)
    assert np.all(np.diff(tr.t_s) > 0)
    x, _ = proj.to_km(tr.lon, tr.lat)
    truth = np.interp(tr.t_s, [takeoff, arrive, depart, land], [0.0, 200.0, 200.0, 0.0])
    np.testing.assert_allclose(x, truth, atol=1e-6)

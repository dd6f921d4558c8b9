"""The JSON API with FastAPI's test client: open, check with edits (forces live), save and
load with the command line, the schema, the layers, the run store listed and compared."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from skyshield.cli.main import main
from skyshield.forces import plan_forces
from skyshield.runs import Store
from skyshield.runs.store import text_sha256
from skyshield.scenario import Scenario, load_scenario
from web_helpers import client, make_config


@pytest.fixture
def api(tmp_path: Path):  # type: ignore[no-untyped-def]
    with client(make_config(tmp_path)) as c:
        yield c


@pytest.mark.slow
def test_open_a_builtin_gives_text_forces_and_layers(api) -> None:  # type: ignore[no-untyped-def]
    view = api.get("/api/scenarios/reference").json()
    ls = load_scenario("reference")
    assert view["text"] == ls.text and view["sha256"] == text_sha256(ls.text)
    assert view["problems"] == []
    assert view["forces"]["totals"] == pytest.approx(plan_forces(ls).totals(), nan_ok=True)
    layers = view["layers"]
    assert len(layers["stations"]["features"]) == len(ls.scenario.cap.stations)
    assert len(layers["assets"]["features"]) == len(ls.assets)
    assert {f["properties"]["layer"] for f in view["zones"]["features"]} == {
        "hostile",
        "patrol_zone",
        "engagement_zone",
    }
    assert layers["ground"]["features"], "terminal defences are drawn"
    again = api.get(f"/api/scenarios/reference?zones_for={view['theatre_key']}").json()
    assert "zones" not in again  # the page has them


@pytest.mark.slow
def test_moving_a_station_recomputes_the_forces(api) -> None:  # type: ignore[no-untyped-def]
    view = api.get("/api/scenarios/reference").json()
    zhytomyr = next(
        i for i, f in enumerate(view["forces"]["stations"]) if f["station"] == "zhytomyr"
    )
    # move the station that is short next to the Polish bases: it is then held
    edit = {"op": "set", "path": ["cap", "stations", zhytomyr, "position"], "value": [24.0, 50.2]}
    body = {
        "ref": "reference",
        "text": view["text"],
        "edits": [edit],
        "zones_for": view["theatre_key"],
    }
    moved = api.post("/api/check", json=body).json()
    assert moved["problems"] == []
    assert "position: [24.0, 50.2]" in moved["text"]
    row = next(s for s in moved["forces"]["stations"] if s["station"] == "zhytomyr")
    assert (row["lon"], row["lat"]) == (24.0, 50.2)
    expected = plan_forces(load_scenario_text(moved["text"])).totals()
    assert moved["forces"]["totals"] == pytest.approx(expected, nan_ok=True)
    assert moved["forces"]["totals"] != view["forces"]["totals"]


def load_scenario_text(text: str):  # type: ignore[no-untyped-def]
    import tempfile

    from skyshield.web.documents import check_text

    with tempfile.TemporaryDirectory() as d:
        loaded = check_text(text, Path(d), "t").loaded
    assert loaded is not None
    return loaded


def test_an_invalid_edit_is_reported_at_its_field(api) -> None:  # type: ignore[no-untyped-def]
    text = api.get("/api/scenarios/small").json()["text"]
    body = {
        "ref": "small",
        "text": text,
        "edits": [
            {"op": "set", "path": ["cap", "stations", 0, "position"], "value": [36.2, 49.99]},
            {"op": "set", "path": ["coalition", "members", 0, "pledges", 0, "count"], "value": 0},
        ],
    }
    view = api.post("/api/check", json=body).json()
    fields = {p["field"] for p in view["problems"]}
    assert "coalition.members[0].pledges[0].count" in fields
    assert view["forces"] is None and view["scenario"] is None
    # the same text from a file: the command line says the same
    body["edits"] = body["edits"][:1]
    view = api.post("/api/check", json=body).json()
    assert [p["field"] for p in view["problems"]] == ["cap.stations[0].position"]
    assert "outside the patrol zone" in view["problems"][0]["message"]


@pytest.mark.slow
def test_save_and_load_with_the_cli(api, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    view = api.get("/api/scenarios/reference").json()
    r = api.put("/api/scenarios/copy.yaml", json={"text": view["text"], "expected_sha256": None})
    assert r.status_code == 200, r.text
    saved = tmp_path / "scenarios" / "copy.yaml"
    assert saved.read_bytes() == load_scenario("reference").text.encode("utf-8")
    assert r.json()["sha256"] == text_sha256(load_scenario("reference").text)
    assert {"ref": "copy.yaml", "kind": "file"} in api.get("/api/scenarios").json()
    # open it again from the folder, change it, save over it
    opened = api.get("/api/scenarios/copy.yaml").json()
    assert opened["text"] == view["text"]
    edit = {"op": "set", "path": ["cap", "stations", 1, "aircraft"], "value": 3}
    changed = api.post(
        "/api/check", json={"ref": "copy.yaml", "text": opened["text"], "edits": [edit]}
    ).json()
    stale = api.put(
        "/api/scenarios/copy.yaml", json={"text": changed["text"], "expected_sha256": "0" * 64}
    )
    assert stale.status_code == 409
    ok = api.put(
        "/api/scenarios/copy.yaml",
        json={"text": changed["text"], "expected_sha256": opened["sha256"]},
    )
    assert ok.status_code == 200
    assert main(["scenario", "validate", str(saved)]) == 0
    assert "OK" in capsys.readouterr().out
    assert load_scenario(saved).scenario.cap.stations[1].aircraft == 3


def test_save_refuses_builtins_existing_files_and_invalid_text(api) -> None:  # type: ignore[no-untyped-def]
    text = api.get("/api/scenarios/small").json()["text"]
    assert api.put("/api/scenarios/small", json={"text": text}).status_code == 400
    assert api.put("/api/scenarios/a.yaml", json={"text": text}).status_code == 200
    assert api.put("/api/scenarios/a.yaml", json={"text": text}).status_code == 409
    bad = api.put("/api/scenarios/b.yaml", json={"text": text.replace("count: 10", "count: -1")})
    assert bad.status_code == 422 and "count" in bad.json()["detail"]


def test_schema_is_the_scenario_schema(api) -> None:  # type: ignore[no-untyped-def]
    assert api.get("/api/schema").json() == Scenario.model_json_schema()


def test_countries_layer_is_shipped_geography(api) -> None:  # type: ignore[no-untyped-def]
    layer = api.get("/api/layers/countries").json()
    codes = {f["properties"]["iso_a3"] for f in layer["features"]}
    assert {"UKR", "POL", "ROU", "RUS", "BLR"} <= codes


def test_openapi_documents_every_page_action(api) -> None:  # type: ignore[no-untyped-def]
    paths = api.get("/openapi.json").json()["paths"]
    for p in (
        "/api/check",
        "/api/scenarios/{ref}",
        "/api/scenarios/{name}",
        "/api/jobs",
        "/api/jobs/{job_id}/events",
        "/api/jobs/{job_id}/cancel",
        "/api/runs",
        "/api/runs/compare",
        "/api/schema",
        "/api/layers/countries",
    ):
        assert p in paths
    page = api.get("/docs")
    assert page.status_code == 200 and "/static/docs.js" in page.text


def _store_run(store: Store, name: str, seed: int, values: list[float]) -> str:
    run_id = store.start_run("mc", name, f"name: {name}\n", "reference", 1, seed, len(values))
    reps = [
        (k, 1000 + k, {"shield.hits_on_assets": v, "baseline.hits_on_assets": 50.0}, pd.DataFrame())
        for k, v in enumerate(values)
    ]
    store.add_replications({run_id: reps})
    store.finish_run(run_id, 1.0)
    return run_id


@pytest.mark.slow
def test_runs_listed_and_compared_with_intervals(api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a_vals = [10.0, 12.0, 11.0, 13.0] * 3  # twelve replications: intervals need ten or more
    b_vals = [8.0, 9.0, 9.0, 10.0] * 3
    c_vals = [7.0, 9.0, 8.0] * 4
    with Store(tmp_path / "store.duckdb") as store:
        a = _store_run(store, "a", 1, a_vals)
        b = _store_run(store, "b", 1, b_vals)
        c = _store_run(store, "c", 2, c_vals)
    listed = api.get("/api/runs").json()
    assert {r["run_id"] for r in listed} == {a, b, c}
    detail = api.get(f"/api/runs/{a}").json()
    row = next(m for m in detail["metrics"] if m["metric"] == "shield.hits_on_assets")
    assert row["mean"] == pytest.approx(11.5)

    paired = api.get(f"/api/runs/compare?a={a}&b={b}").json()
    assert paired["paired"] and paired["pairs"] == 12
    row = next(r for r in paired["rows"] if r["metric"] == "shield.hits_on_assets")
    d = np.array(b_vals) - np.array(a_vals)  # -2 -3 -2 -3
    half = stats.t.ppf(0.975, 11) * d.std(ddof=1) / math.sqrt(12)
    assert row["difference"] == pytest.approx(-2.5)
    assert (row["difference_low"], row["difference_high"]) == pytest.approx(
        (-2.5 - half, -2.5 + half)
    )
    same = next(r for r in paired["rows"] if r["metric"] == "baseline.hits_on_assets")
    assert same["difference"] == 0 and same["difference_low"] == 0 and same["difference_high"] == 0

    welch = api.get(f"/api/runs/compare?a={a}&b={c}").json()
    assert not welch["paired"]
    row = next(r for r in welch["rows"] if r["metric"] == "shield.hits_on_assets")
    va, vc = np.var(a_vals, ddof=1) / 12, np.var(c_vals, ddof=1) / 12
    dof = (va + vc) ** 2 / (va**2 / 11 + vc**2 / 11)
    half = stats.t.ppf(0.975, dof) * math.sqrt(va + vc)
    assert row["difference"] == pytest.approx(8.0 - 11.5)
    assert (row["difference_low"], row["difference_high"]) == pytest.approx(
        (-3.5 - half, -3.5 + half)
    )

    assert api.get("/api/runs/ffffffffffff").status_code == 404
    assert api.get(f"/api/runs/compare?a={a}&b=abcdef123456").status_code == 404
    assert api.get("/api/runs/compare?a=../x&b=y").status_code == 422

"""The briefing report of ``skyshield assess``: self-contained HTML whose numbers are the
summary's, summary.json with what exporters rely on, and the pieces the report is built from."""

from __future__ import annotations

import base64
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyshield.analysis import replication_metrics
from skyshield.analysis.sweep import TOTAL_AIRCRAFT, sweep_variant
from skyshield.cli.assess import headline_text, station_lines
from skyshield.cli.main import main
from skyshield.engine.api import build_world
from skyshield.engine.names import FATES
from skyshield.engine.sim import run_replication
from skyshield.engine.world import World
from skyshield.forces import plan_forces
from skyshield.raids import Threats
from skyshield.report.assumptions import assumption_groups
from skyshield.report.briefing import HEADLINE_METRICS, asset_hits
from skyshield.report.html import FigureImage, lookup, render_report
from skyshield.report.limits import load_limits
from skyshield.report.markup import Section
from skyshield.report.night_map import flown_tracks
from skyshield.report.numbers import interval_unit, rounded
from skyshield.report.sections import SECTIONS
from skyshield.report.stations import station_holding
from skyshield.runs import Store
from skyshield.runs.store import text_sha256
from skyshield.scenario import load_scenario
from skyshield.studies import sample_night

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``skyshield assess small`` with 2 replications and a 2-point sweep of 1 replication."""
    out = tmp_path_factory.mktemp("assess")
    store = out / "store.duckdb"
    argv = [
        "assess",
        "small",
        "--runs",
        "2",
        "--sweep-runs",
        "1",
        "--sweep-jets",
        "9,18",
        "--record-runs",
        "1",
        "--workers",
        "1",
        "--out",
        str(out / "report"),
        "--store",
        str(store),
    ]
    assert main(argv) == 0
    return out / "report"


@pytest.fixture(scope="module")
def summary(assessed: Path) -> dict[str, Any]:
    return dict(json.loads((assessed / "summary.json").read_text("utf-8")))


@pytest.fixture(scope="module")
def world() -> World:
    return build_world("small")


class _Collector(HTMLParser):
    """Every tag's attributes, the text of every ``data-metric`` element (with its scale and
    rounding unit), and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.metrics: list[tuple[str, str, str, str]] = []
        self.text: list[str] = []
        self._open: tuple[str, str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if "data-metric" in a:
            self._open = (
                str(a["data-metric"]),
                str(a.get("data-scale") or "1"),
                str(a.get("data-round") or ""),
            )
            self._text = ""

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._open is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == "span":
            path, scale, unit = self._open
            self.metrics.append((path, scale, unit, self._text))
            self._open = None


def shown_equals(text: str, value: float, scale: float, unit: str = "") -> bool:
    """Whether the displayed ``text`` is ``value * scale`` rounded to ``unit`` (the element's
    ``data-round``; default: the last digit shown)."""
    digits = len(text.split(".")[1]) if "." in text else 0
    step = float(unit) if unit else 10.0**-digits
    return abs(float(text.replace(",", "")) - value * scale) <= 0.5 * step * (1 + 1e-9) + 1e-12


def _parsed(assessed: Path) -> _Collector:
    c = _Collector()
    c.feed((assessed / "report.html").read_text("utf-8"))
    return c


@pytest.mark.slow
def test_assess_writes_report_summary_and_tables(assessed: Path) -> None:
    for name in (
        "report.html",
        "summary.json",
        "forces_map.png",
        "night_map.png",
        "sizing.png",
        "hits_by_asset.png",
        "kills_by_layer.png",
        "sweep.csv",
        "stations.csv",
    ):
        assert (assessed / name).stat().st_size > 0, name
    assert not list(assessed.glob("*.tmp"))


@pytest.mark.slow
def test_summary_keys_and_provenance(summary: dict[str, Any]) -> None:
    assert summary["scenario"] == "small"
    assert summary["scenario_sha256"] == text_sha256(load_scenario("small").text)
    assert summary["replications"] == 2 and summary["seed"] == 1
    assert Path(summary["store"]).is_absolute()
    assert summary["rerun"].startswith(f"skyshield runs rerun {summary['run_id']}")
    assert set(HEADLINE_METRICS) <= set(summary["headline"])
    h = summary["headline"]
    assert (h["stations_held"], h["stations"], h["jets_pledged"]) == (2, 2, 18)
    assert summary["totals"]["aircraft_pledged"] == 18
    assert [p["value"] for p in summary["sweep"]["points"]] == [9, 18]
    assert set(summary["timings_s"]) >= {
        "forces",
        "monte_carlo",
        "sweep",
        "sample_night",
    }
    assert len(summary["hits_by_asset"]) == len(load_scenario("small").assets)
    for d in ("baseline", "shield"):
        kills = summary["kills_by_layer"][d]
        assert set(kills) == set(FATES)
        assert sum(kills[f]["mean"] for f in FATES) == pytest.approx(summary["raid"]["weapons"])
    assert summary["kills_by_layer"]["baseline"]["killed_fighter"]["mean"] == 0


@pytest.mark.slow
def test_summary_run_is_the_stored_run(summary: dict[str, Any]) -> None:
    with Store(Path(summary["store"])) as store:
        row = store.run(summary["run_id"])
        reps = store.run_metrics(summary["run_id"])
        kinds = set(store.runs()["kind"])
    assert row["kind"] == "assess" and row["replications"] == 2 and row["status"] == "done"
    # the main run, its run with the inputs' uncertainty, the sizing points, the record's month
    assert kinds == {"assess", "assess+uncertainty", "sweep", "record"}
    h = summary["headline"]
    assert h["hits_on_assets_shield"]["mean"] == pytest.approx(reps["shield.hits_on_assets"].mean())
    assert h["hits_on_assets_avoided"]["mean"] == pytest.approx(
        (reps["baseline.hits_on_assets"] - reps["shield.hits_on_assets"]).mean()
    )


@pytest.mark.slow
def test_report_is_self_contained(assessed: Path) -> None:
    html = (assessed / "report.html").read_text("utf-8")
    parsed = _parsed(assessed)
    assert not any(t in ("script", "iframe", "object") for t, _ in parsed.tags)
    for tag, attrs in parsed.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is not None and not (tag == "a" and name == "href"):
                assert value.startswith(("data:", "#")), (tag, name, value[:60])
    # links are the sources' addresses (followed only if clicked; nothing is fetched to show it)
    links = [str(a["href"]) for t, a in parsed.tags if t == "a" and a.get("href")]
    assert all(h.startswith(("#", "https://", "http://")) for h in links)
    external = [h for h in links if not h.startswith("#")]
    assert external and html.count('rel="noreferrer"') == len(external)
    assert "url(" not in html and "@import" not in html
    images = [a["src"] for t, a in parsed.tags if t == "img"]
    assert len(images) == 5  # map, hits per asset, kills by layer, sizing curve, the record
    for tag, attrs in parsed.tags:
        if tag == "img":
            assert attrs.get("alt")
            src = str(attrs["src"])
            assert src.startswith("data:image/png;base64,")
            assert base64.b64decode(src.split(",", 1)[1])[:8] == PNG_MAGIC


@pytest.mark.slow
def test_numbers_in_report_equal_summary(assessed: Path, summary: dict[str, Any]) -> None:
    metrics = _parsed(assessed).metrics
    assert len(metrics) > 100
    for path, scale, unit, text in metrics:
        value = lookup(summary, path)
        assert isinstance(value, int | float), path
        assert shown_equals(text, value, float(scale), unit), (path, text, value)
        # a mean shows three significant figures at most, or is a whole number
        digits = text.replace(",", "").replace(".", "").lstrip("-0")
        assert len(digits) <= 3 or "." not in text or path.endswith(("/low", "/high")), path
    shown = {p for p, _, _, _ in metrics}
    for key in (
        "hits_on_assets_baseline",
        "hits_on_assets_shield",
        "hits_on_assets_avoided",
        "cost_per_night_usd",
        "cost_per_hit_avoided_usd",
        "killed_by_fighters",
        "stopped_anyway",
        "leakers_avoided",
        "killed_ground_fewer",
        "lost_ew_fewer",
        "other_leakers_avoided",
        "night_h",
    ):
        assert f"headline/{key}/mean" in shown
    assert {
        "headline/stations_held",
        "headline/jets_committed",
        "headline/engage_standoff_km",
        "night_and_day/fighter_cost_day_usd",
        "night_and_day/plan_cost_day_usd",
    } <= shown
    # a fixed rule shows no interval
    assert not any(p.startswith("headline/pilot_exposure") for p in shown)
    assert "headline/engage_standoff_km/low" not in shown


def test_shown_equals_by_hand() -> None:
    assert shown_equals("21.06", 21_064_000.0, 1e-6)
    assert shown_equals("1,234", 1234.4, 1.0)
    assert not shown_equals("1,234", 1235.0, 1.0)
    assert not shown_equals("14.5", 14.56, 1.0)
    assert shown_equals("671,000", 671_318.0, 1.0, "1000")
    assert not shown_equals("671,000", 671_600.0, 1.0, "1000")
    assert shown_equals("0.619", 618_808.0, 1e-6, "0.001")


@pytest.mark.slow
def test_report_has_every_section_and_limit(assessed: Path) -> None:
    html = (assessed / "report.html").read_text("utf-8")
    for anchor in (
        "answer",
        "stations",
        "assumptions",
        "map",
        "assets",
        "layers",
        "cost",
        "sizing",
        "glossary",
        "limits",
        "provenance",
        "appendix",
        "sources",
    ):
        assert f'<section id="{anchor}">' in html
        assert f'<a href="#{anchor}">' in html  # in the navigation bar
    limits = load_limits()
    assert len(limits) >= 4 and all(sec.items for sec in limits)
    for sec in limits:
        assert f"<h3>{sec.title}</h3>" in html.replace("&#x27;", "'")
    first = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", limits[0].items[0])
    assert first.split("</strong>")[0] in html


def test_assumptions_carry_source_notes(world: World) -> None:
    groups = {g.title: g for g in assumption_groups(world)}
    assert {"Scenario", "Raid", "Fighter types", "Weapons", "Threats"} <= set(groups)
    assert {r.item for r in groups["Fighter types"].rows} == {"F-16", "Gripen-C"}
    assert {r.item for r in groups["Threats"].rows} == {
        "shahed-136",
        "kh-101",
        "kalibr",
        "iskander-m",
    }
    for title in ("Fighter types", "Weapons", "Threats", "Engine (C2, sensors, engagements)"):
        for r in groups[title].rows:
            assert r.source.lower().startswith(("source:", "assumption:")), (title, r)
    assert "Tankers" not in groups  # the small scenario has none


def test_asset_hits_by_hand(world: World) -> None:
    reps = pd.DataFrame(
        {
            "baseline.hits.kyiv": [2.0, 4.0, np.nan],
            "shield.hits.kyiv": [1.0, 1.0, 0.0],
            "shield.hits.lviv": [1.0, 0.0, 0.0],
        }
    )
    rows = {r["asset"]: r for r in asset_hits(reps, world)}
    assert rows["kyiv"]["baseline"]["mean"] == pytest.approx(2.0)
    assert rows["kyiv"]["avoided"]["mean"] == pytest.approx(4 / 3)
    assert rows["lviv"]["avoided"]["mean"] == pytest.approx(-1 / 3)
    # three replications: means only, no interval pretending to be 95 %
    assert rows["odesa"]["shield"] == {"mean": 0.0, "low": None, "high": None, "n": 3}
    assert next(iter(rows)) == "kyiv"  # most baseline hits first


def test_flown_track_ends_at_its_fate() -> None:
    threats = Threats(
        night="t",
        class_id=np.array(["a", "b"]),
        category=np.array(["drone", "drone"]),
        group=np.zeros(2, dtype=np.int64),
        launch_area=np.array(["x", "x"]),
        aim_kind=np.array(["asset", "asset"]),
        aim_id=np.array(["k", "k"]),
        speed_kmh=np.full(2, 100.0),
        altitude_m=np.full(2, 100.0),
        offsets=np.array([0, 3, 5]),
        x_km=np.array([0.0, 100.0, 100.0, 0.0, 50.0]),
        y_km=np.array([0.0, 0.0, 100.0, 0.0, 0.0]),
        t_s=np.array([0.0, 3600.0, 7200.0, 0.0, 1800.0]),
    )
    fate = pd.DataFrame(
        {"fate_time_s": [5400.0, 1800.0], "fate_x_km": [100.0, 50.0], "fate_y_km": [50.0, 0.0]}
    )
    first, second = flown_tracks(threats, fate)
    np.testing.assert_allclose(first, [[0, 0], [100, 0], [100, 50]])
    np.testing.assert_allclose(second, [[0, 0], [50, 0]])


def test_sample_night_is_the_replication(world: World) -> None:
    seed = 12345
    night = sample_night(world, 0, seed)
    again = replication_metrics(run_replication(world, seed), world.catalog)
    for d in ("baseline", "shield"):
        counts = night.outcomes[d].threats["fate"].value_counts()
        for f in FATES:
            assert counts.get(f, 0) == again[f"{d}.{f}"]
    assert len(night.threats) == world.night.total
    assert math.isfinite(float(night.outcomes["shield"].fighter_legs["x0_km"].min()))


@pytest.mark.slow
def test_no_sweep_and_one_replication(tmp_path: Path) -> None:
    out = tmp_path / "report"
    argv = [
        "assess",
        "small",
        "--runs",
        "1",
        "--no-sweep",
        "--no-record",
        "--no-uncertainty",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["sweep"] is None and not (out / "sizing.png").exists()
    assert summary["headline"]["hits_on_assets_shield"]["n"] == 1
    html = (out / "report.html").read_text("utf-8")
    assert html.count("<img ") == 3 and "--no-sweep" in html
    c = _Collector()
    c.feed(html)
    for path, scale, unit, text in c.metrics:
        assert shown_equals(text, lookup(summary, path), float(scale), unit), path
    assert not any(
        p.endswith(("/low", "/high")) for p, _, _, _ in c.metrics if p.startswith("headline")
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--runs", "0"], "--runs"),
        (["--sweep-runs", "0"], "--sweep-runs"),
        (["--workers", "0"], "--workers"),
        (["--sweep-jets", "40,x"], "--sweep-jets"),
        (["--sweep-jets", "0,10"], "--sweep-jets"),
        (["--raid", "no-such-raid.yaml"], "no-such-raid.yaml"),
    ],
)
def test_bad_options_exit_2(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", "small", "--out", str(tmp_path), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert not (tmp_path / "report.html").exists()


def test_out_that_is_a_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["assess", "small", "--out", str(f)]) == 2
    assert "not a folder" in capsys.readouterr().err


@pytest.mark.slow
def test_make_demo_smoke_on_the_reference(tmp_path: Path) -> None:
    """`make demo`'s own command on the reference, with fewer replications for CI time: the
    report and summary.json are written and the reference's headline holds (the shield avoids
    hits, its 8 stations are planned)."""
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text("utf-8")
    [recipe] = [line.strip() for line in makefile.splitlines() if "skyshield assess" in line]
    argv = recipe.replace("$(BIN)/skyshield", "").replace("$(OUT)", str(tmp_path)).split()
    assert argv[:2] == ["assess", "reference"]
    assert (
        main(
            [
                *argv,
                "--runs",
                "2",
                "--sweep-runs",
                "1",
                "--sweep-jets",
                "60,120",
                "--record-runs",
                "1",
            ]
        )
        == 0
    )
    summary = json.loads((tmp_path / "summary.json").read_text("utf-8"))
    h = summary["headline"]
    assert summary["scenario"] == "reference" and h["stations"] == 8
    assert h["hits_on_assets_avoided"]["mean"] > 0
    assert (tmp_path / "report.html").stat().st_size > 100_000


@pytest.mark.slow
@pytest.mark.parametrize(
    ("override", "note"),
    [("cap:\n  stations: []\n", "no CAP station"), ("coalition:\n  members: []\n", "no jets")],
)
def test_assess_without_stations_or_jets(tmp_path: Path, override: str, note: str) -> None:
    """A scenario whose shield cannot fly still gets its report ({note}): metrics undefined in
    every replication (cost per kill) show as n/a, and without pledges the sweep is left out."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: bare\nextends: small\n{override}", encoding="utf-8")
    out = tmp_path / "report"
    assert (
        main(
            [
                "assess",
                str(scenario),
                "--runs",
                "2",
                "--sweep-runs",
                "1",
                "--workers",
                "1",
                "--no-record",
                "--no-uncertainty",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["metrics"]["shield.killed_fighter"]["mean"] == 0.0
    assert summary["metrics"]["shield.cost_per_fighter_kill_usd"]["mean"] is None
    assert "n/a" in (out / "report.html").read_text("utf-8")
    if "members" in override:
        assert summary["sweep"] is None


def test_negative_seed_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["assess", "small", "--seed", "-1"],
        ["mc", "small", "--runs", "1", "--seed", "-1"],
    ):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert "from 0 to" in capsys.readouterr().err


@pytest.mark.slow
def test_the_report_shows_the_latest_month_of_the_record(assessed: Path) -> None:
    """The main job replays the record's latest month beside the reference raid: its section,
    its chart and its table, every night of the month with launches."""
    summary = json.loads((assessed / "summary.json").read_text("utf-8"))
    rec = summary["recent_record"]
    assert (rec["from"], rec["to"]) == ("2025-06-01", "2025-06-30")
    assert rec["nights"] == 30 and rec["replications_per_night"] == 1
    t = rec["totals"]
    assert t["hits_avoided"]["mean"] == pytest.approx(
        t["hits_baseline"]["mean"] - t["hits_shield"]["mean"]
    )
    html = (assessed / "report.html").read_text("utf-8")
    assert '<section id="recent">' in html and "The latest month of the record" in html
    assert (assessed / "record_nights.png").exists()
    assert len((assessed / "record_nights.csv").read_text().splitlines()) == 31


@pytest.mark.slow
def test_the_headline_has_a_total_interval_beside_the_dice(assessed: Path) -> None:
    """The main job runs its replications again with the uncertain inputs drawn per
    replication: summary.json gives those figures beside the dice-only ones."""
    summary = json.loads((assessed / "summary.json").read_text("utf-8"))
    total, dice = summary["headline_total"], summary["headline"]
    assert set(total) <= set(dice) and "hits_on_assets_shield" in total
    assert total["hits_on_assets_shield"]["n"] == dice["hits_on_assets_shield"]["n"] == 2
    assert "uncertain inputs" in summary["uncertain_inputs"]


@pytest.mark.slow
def test_fighter_kills_reconcile_with_hits_avoided(summary: dict[str, Any]) -> None:
    """Means of paired differences add up: kills = stopped anyway + leakers avoided, and
    leakers avoided = hits on assets avoided + the other leakers avoided."""
    h = {k: v["mean"] for k, v in summary["headline"].items() if isinstance(v, dict)}
    assert h["killed_by_fighters"] == pytest.approx(h["stopped_anyway"] + h["leakers_avoided"])
    assert h["stopped_anyway"] == pytest.approx(h["killed_ground_fewer"] + h["lost_ew_fewer"])
    assert h["leakers_avoided"] == pytest.approx(
        h["hits_on_assets_avoided"] + h["other_leakers_avoided"]
    )
    kl = summary["kills_by_layer"]
    assert h["killed_ground_fewer"] == pytest.approx(
        kl["baseline"]["killed_ground"]["mean"] - kl["shield"]["killed_ground"]["mean"]
    )


@pytest.mark.slow
def test_cost_per_kill_only_beside_its_caveat(assessed: Path) -> None:
    html = (assessed / "report.html").read_text("utf-8")
    answer = html.split('<section id="answer">')[1].split("</section>")[0]
    assert "cost_per_fighter_kill" not in answer and "cost_exchange" not in answer
    caveat = html.split('<h3 id="cost-per-kill">')[1].split("<h3>")[0]
    assert "headline/cost_per_fighter_kill_usd/mean" in caveat
    assert "headline/cost_exchange_ratio/mean" in caveat
    assert "stopped anyway" in caveat
    for metric in ("cost_per_fighter_kill", "cost_exchange"):
        assert html.count(f'data-metric="headline/{metric}') == html.count(
            f'data-metric="headline/{metric}', html.index('<h3 id="cost-per-kill">')
        )


@pytest.mark.slow
def test_night_is_defined_and_reconciled_with_the_day(summary: dict[str, Any]) -> None:
    nd, h = summary["night_and_day"], summary["headline"]
    t = summary["totals"]
    assert nd["plan_cost_day_usd"] == pytest.approx(
        t["fighter_cost_per_day_usd"] + t["support_cost_per_day_usd"]
    )
    share = h["night_h"]["mean"] / 24.0
    assert nd["support_cost_pro_rata_usd"] == pytest.approx(t["support_cost_per_day_usd"] * share)
    # the night's AEW and tanker cost is the plan's, pro rata (the same in every replication)
    assert h["support_cost_usd"]["mean"] == pytest.approx(nd["support_cost_pro_rata_usd"])
    # the night's cost is weapons + flying + support
    parts = sum(h[k]["mean"] for k in ("weapon_cost_usd", "flight_cost_usd", "support_cost_usd"))
    assert h["cost_per_night_usd"]["mean"] == pytest.approx(parts)


@pytest.mark.slow
def test_sizing_point_at_the_pledged_jets_is_the_main_run(summary: dict[str, Any]) -> None:
    """The sweep's point at 18 jets (the small scenario as pledged) shows the main run, all its
    replications; checked against the store: the sweep's own replication there is the main
    run's first one, to the last metric."""
    points = {p["value"]: p for p in summary["sweep"]["points"]}
    assert (points[18]["main_run"], points[18]["runs"]) == (True, summary["replications"])
    assert (points[9]["main_run"], points[9]["runs"]) == (False, 1)
    assert points[18]["run_id"] == summary["run_id"]
    for m in ("baseline.hits_on_assets", "shield.hits_on_assets", "shield.shield_cost_usd"):
        key = {
            "baseline.hits_on_assets": "hits_on_assets_baseline",
            "shield.hits_on_assets": "hits_on_assets_shield",
            "shield.shield_cost_usd": "cost_per_night_usd",
        }[m]
        assert points[18]["metrics"][m]["mean"] == pytest.approx(summary["headline"][key]["mean"])
    with Store(Path(summary["store"])) as store:
        main_first = store.run_metrics(summary["run_id"]).iloc[0]
        runs = store.runs()
        sweep_ids = runs.loc[runs["kind"] == "sweep", "run_id"].tolist()
        firsts = [store.run_metrics(r).iloc[0] for r in sweep_ids]

    def same(a: pd.Series, b: pd.Series) -> bool:
        keys = sorted(set(a.index) | set(b.index))
        x = a.reindex(keys).to_numpy(float)
        y = b.reindex(keys).to_numpy(float)
        return bool(np.array_equal(x, y, equal_nan=True))

    assert sum(same(f, main_first) for f in firsts) == 1


@pytest.mark.slow
def test_glossary_names_every_abbreviation_and_base(summary: dict[str, Any]) -> None:
    terms = {g["term"]: g["meaning"] for g in summary["glossary"]}
    for t in (
        "CAP",
        "AEW",
        "EW",
        "Pk",
        "sortie",
        "leaker",
        "night",
        "stopped anyway",
        "engagement standoff",
        "ICAO code",
        "M USD",
    ):
        assert t in terms
    small = load_scenario("small")
    for code in {p.base for m in small.scenario.coalition.members for p in m.pledges}:
        assert terms[code].startswith(small.bases[code].name)
    assert terms["EPRZ"] == "Rzeszów-Jasionka air base, Poland"


@pytest.mark.slow
def test_sample_seed_only_in_provenance(assessed: Path, summary: dict[str, Any]) -> None:
    html = (assessed / "report.html").read_text("utf-8")
    seed = str(summary["sample_night"]["seed"])
    assert html.count(seed) == 1
    assert html.index(seed) > html.index('<section id="provenance">')


def test_stations_show_who_holds_them_kyiv_first_and_empty(tmp_path: Path) -> None:
    """With 60 jets the reference plan leaves the capital's station empty: the report's table
    and the terminal answer say so, with the station first."""
    ls = sweep_variant(load_scenario("reference"), {TOTAL_AIRCRAFT: 60})
    plan = plan_forces(ls)
    rows = station_holding(ls, plan)
    first = rows[0]
    assert (first["station"], first["near"], first["status"]) == ("kyiv-west", "Kyiv", "empty")
    assert first["on_station"] == pytest.approx(0.0) and first["holders"] == []
    held = [r for r in rows if r["status"] == "held"]
    assert held and all(r["holders"] for r in held)
    for r in rows:
        assert sum(h["on_station"] for h in r["holders"]) == pytest.approx(r["on_station"])
    lines = station_lines(rows)
    assert lines[0].split() == [
        "kyiv-west",
        "empty",
        "0",
        "of",
        "4",
        "on",
        "station",
        "(covers",
        "Kyiv):",
        "nobody",
    ]
    assert re.search(r"\d Poland F-16 from EPRZ", "\n".join(lines))


@pytest.mark.slow
def test_terminal_answer_is_human(summary: dict[str, Any]) -> None:
    text = headline_text(summary)
    assert re.search(r"[{}]|'\w+': ", text) is None  # no Python mapping
    assert "of which" in text and "stopped anyway" in text and "per hit avoided" in text
    assert "per fighter kill" not in text and "exchange" not in text
    assert "the engagement standoff, a rule" in text
    assert re.search(r"\d\.\d\d\d\d", text) is None  # no long decimals
    for st in summary["stations"]:
        assert st["station"] in text


def _hand_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``summary`` with a total interval for two headline figures."""
    s = json.loads(json.dumps(summary))
    s["headline_total"] = {
        "hits_on_assets_shield": {"mean": 20.0, "low": 11.2, "high": 31.7, "n": 40},
        "cost_per_hit_avoided_usd": {"mean": 6.0e5, "low": 3.1e5, "high": 1.24e6, "n": 40},
    }
    return s


@pytest.mark.slow
def test_headline_shows_a_total_interval_when_the_summary_has_one(
    summary: dict[str, Any], world: World
) -> None:
    figures = {
        k: FigureImage(k, PNG_MAGIC, k, k)
        for k in ("night_map", "hits_by_asset", "kills_by_layer", "sizing")
    }
    plain = render_report(summary, assumption_groups(world), load_limits(), figures)
    assert "with the inputs' uncertainty" not in plain and "headline_total" not in plain
    html = render_report(_hand_summary(summary), assumption_groups(world), load_limits(), figures)
    answer = html.split('<section id="answer">')[1].split("</section>")[0]
    c = _Collector()
    c.feed(answer)
    shown = {p: text for p, _, _, text in c.metrics}
    assert shown["headline_total/hits_on_assets_shield/low"] == shown_text(
        11.2, summary, "hits_on_assets_shield"
    )
    assert "headline_total/cost_per_hit_avoided_usd/high" in shown
    assert answer.count("with the inputs' uncertainty") == 4  # two in the text, two on cards
    assert "headline_total/hits_on_assets_baseline/low" not in shown


def shown_text(value: float, summary: dict[str, Any], key: str) -> str:
    """``value`` rounded like the mean of the headline figure ``key``."""
    return rounded(value, interval_unit(summary["headline"][key]))


@pytest.mark.slow
def test_sections_are_a_list_to_extend(summary: dict[str, Any], world: World) -> None:
    extra = Section("replay", "latest month", lambda ctx: '<section id="replay">x</section>')
    figures = {
        k: FigureImage(k, PNG_MAGIC, k, k)
        for k in ("night_map", "hits_by_asset", "kills_by_layer", "sizing")
    }
    html = render_report(
        summary,
        assumption_groups(world),
        load_limits(),
        figures,
        (*SECTIONS[:2], extra, *SECTIONS[2:]),
    )
    assert '<a href="#replay">latest month</a>' in html
    assert html.index('id="replay"') < html.index('id="assumptions"')

"""A backtest recorded in the run store: its fitted values are the ones it wrote to fits.csv,
each was fitted on record months before the one it predicted (checked on what the store holds),
the store names the record import that was in use, a reader gets them back with `runs
backtests|show|export` or one SQL query, and a backtest that fails leaves nothing behind."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from skyshield.cli.main import main
from skyshield.record import read_record
from skyshield.runs import Store
from skyshield.runs.records import record_from_csv, record_in_store, snapshot_record
from skyshield.scenario import LoadedScenario
from skyshield.studies import backtests as backtest
from skyshield.studies.backtests import run_backtest
from test_backtest import small_record

#: One backtest (a record import, a month replayed) shared by the tests: about ten seconds.
pytestmark = pytest.mark.slow

#: The query docs/record.md gives: the values the newest backtest used for drones in June 2025,
#: and the record data each was fitted on.
QUERY = """
SELECT f.parameter, f.value, CAST(f.train_months AS VARCHAR) AS train_months,
       f.nights, f.at_risk, f.got_through, left(b.record_sha256, 12) AS record
FROM runs.backtest_fits f JOIN runs.backtests b USING (backtest_id)
WHERE f.month = DATE '2025-06-01' AND f.weapon_group = 'drones'
  AND b.created_at = (SELECT max(created_at) FROM runs.backtests)
ORDER BY f.parameter
"""


@dataclass(frozen=True)
class Stored:
    """A `record backtest` of June 2025 on the small record, imported into a store first."""

    store: Path
    out: Path
    text: str
    backtest_id: str
    record_sha256: str


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Stored:
    tmp = tmp_path_factory.mktemp("backtest_store")
    store, out = tmp / "s.duckdb", tmp / "bt"
    csv = small_record(tmp)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SKYSHIELD_STORE", str(tmp / "unused.duckdb"))
        mp.delenv("SKYSHIELD_RECORD_ALIASES", raising=False)
        mp.chdir(tmp)
        text = io.StringIO()
        with contextlib.redirect_stdout(text), contextlib.redirect_stderr(io.StringIO()):
            assert main(["record", "import", str(csv), "--store", str(store)]) == 0
            code = main(
                [
                    "record",
                    "backtest",
                    "--from",
                    "2025-06",
                    "--to",
                    "2025-06",
                    "--reps",
                    "2",
                    "--sample",
                    "1",
                    "--seed",
                    "5",
                    "--store",
                    str(store),
                    "--out",
                    str(out),
                ]
            )
        assert code == 0, text.getvalue()
    output = text.getvalue()
    line = next(ln for ln in output.splitlines() if ln.startswith("stored as backtest "))
    return Stored(store, out, output, line.split()[3], read_record(csv).sha256)


def _sql(path: Path, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def test_the_stored_fits_are_the_ones_the_backtest_wrote(stored: Stored) -> None:
    fits = Store(stored.store).backtest_fits(stored.backtest_id)
    csv = pd.read_csv(stored.out / "fits.csv")
    doc = json.loads((stored.out / "backtest.json").read_text(encoding="utf-8"))
    assert doc["backtest_id"] == stored.backtest_id
    assert len(fits) == len(csv) == len(doc["fits"]) == 16  # 5 + 3 + 2 fitted, 2 derived a group
    key = ["month", "group", "parameter"]
    mine = fits.assign(month=fits["month"].map(str)).rename(columns={"weapon_group": "group"})
    both = mine.merge(csv, on=key, suffixes=("", "_csv"), validate="one_to_one")
    assert len(both) == 16
    assert both["value"].tolist() == pytest.approx(both["value_csv"].tolist(), rel=1e-12)
    for c in ("nights", "at_risk", "got_through"):
        assert both[c].tolist() == both[f"{c}_csv"].tolist(), c
    from_json = {(r["group"], r["parameter"]): r for r in doc["fits"]}
    for r in mine.to_dict(orient="records"):
        j = from_json[(r["group"], r["parameter"])]
        assert r["value"] == pytest.approx(j["value"], rel=1e-12)
        assert r["train_months"] == j["train_months"] == ["2025-05"]
        assert str(r["first_night"]) == j["first_night"] and str(r["last_night"]) == j["last_night"]
    # the data of the drone fit, counted by hand from small_record: May's three nights, drones
    # 12, 14, 16 launched, 8, 9, 10 destroyed and 2 not reached each: 42 at risk, 9 got through
    drones = fits[(fits["weapon_group"] == "drones") & (fits["parameter"] == "ew_loss")].iloc[0]
    assert (drones["nights"], drones["at_risk"], drones["got_through"]) == (3, 42.0, 9.0)
    assert bool(drones["converged"])


def test_every_stored_value_was_fitted_on_months_before_the_one_predicted(stored: Stored) -> None:
    rows = _sql(
        stored.store,
        "SELECT month, train_months, first_night, last_night FROM runs.backtest_fits"
        " WHERE backtest_id = ?",
        [stored.backtest_id],
    )
    assert len(rows) == 16
    for month, train, first, last in rows.itertuples(index=False):
        assert len(train) >= 1
        assert all(pd.Timestamp(t) < month for t in train)
        assert first <= last < month
    leaks = _sql(
        stored.store,
        "SELECT count(*) AS n FROM runs.backtest_fits WHERE list_max(train_months) >= month"
        " OR last_night >= month",
    )
    assert int(leaks["n"].iloc[0]) == 0


def test_the_store_names_the_record_import_in_use(stored: Stored) -> None:
    store = Store(stored.store)
    row = store.backtest(stored.backtest_id)
    assert row["record_sha256"] == store.record_in_use() == stored.record_sha256
    assert "import in use" in row["record_origin"]
    used = record_in_store(store)  # the same bytes read the same way (no aliases): the same rows
    assert used is not None and row["rows_sha256"] == used.rows_sha256()
    assert row["months"] == [dt.date(2025, 6, 1)]
    assert (row["replications"], row["sample"], row["base_seed"]) == (2, 1, 5)
    assert (row["train_months"], row["min_weapons"]) == (2, 600.0)
    assert row["scenario_origin"] == "<builtin reference>" and row["seconds"] > 0
    monthly = store.backtest_months(stored.backtest_id)
    written = pd.read_csv(stored.out / "monthly.csv")
    assert monthly["weapon_group"].tolist() == sorted(written["group"])
    by_group = written.set_index("group")["error_pts"]
    for g, err in zip(monthly["weapon_group"], monthly["error_pts"], strict=True):
        assert err == pytest.approx(by_group[g], rel=1e-12)


def test_the_documented_query_answers_which_values_and_which_data(stored: Stored) -> None:
    got = _sql(stored.store, QUERY)
    assert got["parameter"].tolist() == [
        "area_max",
        "area_per_100km",
        "drift_sd",
        "ew_loss",
        "ew_per_100km",
        "night_sd",
        "predictive_night_sd",
    ]
    assert set(got["record"]) == {stored.record_sha256[:12]}
    assert set(got["train_months"]) == {"[2025-05-01]"}
    assert set(zip(got["nights"], got["at_risk"], got["got_through"], strict=True)) == {
        (3, 42.0, 9.0)
    }
    fits = Store(stored.store).backtest_fits(stored.backtest_id)
    drones = fits[fits["weapon_group"] == "drones"].set_index("parameter")["value"]
    assert got.set_index("parameter")["value"].to_dict() == drones.to_dict()


def test_runs_backtests_show_and_export_read_them_back(
    stored: Stored, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(stored.store)]
    assert f"stored as backtest {stored.backtest_id} in {stored.store}" in stored.text
    assert main(["runs", "backtests", *store]) == 0
    listed = capsys.readouterr().out
    assert stored.backtest_id in listed and "2025-06..2025-06" in listed
    assert stored.record_sha256[:12] in listed and "mae_drones" in listed
    assert main(["runs", "show", stored.backtest_id, *store]) == 0
    shown = capsys.readouterr().out
    assert f"record_sha256: {stored.record_sha256}" in shown
    fits = Store(stored.store).backtest_fits(stored.backtest_id)
    site_pk = fits.loc[fits["parameter"] == "site_pk", "value"].iloc[0]
    assert f"{site_pk:,.4g}" in shown and "2025-05" in shown and "Fitted values" in shown
    out = tmp_path / "fits.csv"
    assert (
        main(["runs", "export", stored.backtest_id, "--format", "csv", "--out", str(out), *store])
        == 0
    )
    exported = pd.read_csv(out)
    assert len(exported) == 16
    assert exported["value"].tolist() == pytest.approx(fits["value"].tolist(), rel=1e-12)
    months = tmp_path / "months.parquet"
    args = ["runs", "export", stored.backtest_id, "--table", "months", "--out", str(months)]
    assert main([*args, *store]) == 0
    assert len(pd.read_parquet(months)) == 3
    capsys.readouterr()
    # a backtest is not a run, and a run's tables are not a backtest's
    bad = ["runs", "export", stored.backtest_id, "--table", "fates", "--out", str(out), *store]
    assert main(bad) == 2
    assert "is a backtest: expected --table fits or months" in capsys.readouterr().err
    assert main(["runs", "rerun", stored.backtest_id, *store]) == 2
    assert (
        f"it is a backtest: `skyshield runs show {stored.backtest_id}`" in capsys.readouterr().err
    )


def test_an_empty_store_lists_no_backtest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.duckdb"
    Store(path)
    assert main(["runs", "backtests", "--store", str(path)]) == 0
    assert "no backtest stored" in capsys.readouterr().out


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    june, may = dt.date(2025, 6, 1), dt.date(2025, 5, 1)
    fits = pd.DataFrame(
        {
            "month": [june],
            "weapon_group": ["drones"],
            "parameter": ["ew_loss"],
            "value": [0.5],
            "train_months": [[may]],
            "first_night": [dt.date(2025, 5, 3)],
            "last_night": [dt.date(2025, 5, 17)],
            "nights": [3],
            "at_risk": [42.0],
            "got_through": [9.0],
            "converged": [True],
        }
    )
    months = pd.DataFrame(
        {
            "month": [june],
            "weapon_group": ["drones"],
            "convention": ["separate"],
            "nights": [1],
            "at_risk": [18.0],
            "record_share": [0.25],
            "model_share": [0.2],
            "model_low": [0.1],
            "model_high": [0.3],
            "error_pts": [-5.0],
        }
    )
    return fits, months


def _add(store: Store, fits: pd.DataFrame, months: pd.DataFrame) -> str:
    return store.add_backtest(
        scenario_origin="<builtin small>",
        scenario_text="name: small\n",
        record_sha256="ab" * 32,
        record_origin="record: a test",
        rows_sha256="cd" * 32,
        months=[dt.date(2025, 6, 1)],
        replications=2,
        sample=None,
        base_seed=5,
        train_months=2,
        min_weapons=600.0,
        seconds=1.0,
        fits=fits,
        monthly=months,
    )


def test_the_rows_digest_follows_the_rows_not_the_file() -> None:
    """The same rows give the same digest; rows that differ while the file's hash is the same
    (as when the file is read with another aliases file) give another."""
    choice = snapshot_record()
    again = snapshot_record()
    assert choice.rows_sha256() == again.rows_sha256() and len(choice.rows_sha256()) == 64
    renamed = dataclasses.replace(
        choice,
        rows=choice.rows.assign(model=choice.rows["model"].where(choice.rows.index > 0, "x")),
    )
    assert renamed.sha256 == choice.sha256  # the same file's hash ...
    assert renamed.rows_sha256() != choice.rows_sha256()  # ... but not the same rows


def test_a_backtest_is_written_whole_or_not_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(tmp_path / "s.duckdb")
    fits, months = _frames()
    with pytest.raises(duckdb.Error):  # the monthly table fails after the fits went in
        _add(store, fits, months.assign(nights=["not a number"]))
    for table in ("backtests", "backtest_fits", "backtest_months"):
        assert int(_sql(store.path, f"SELECT count(*) AS n FROM runs.{table}")["n"].iloc[0]) == 0
    backtest_id = _add(store, fits, months)
    again = store.backtest_fits(backtest_id)
    assert again["train_months"].tolist() == [["2025-05"]]
    assert again["month"].tolist() == [dt.date(2025, 6, 1)]
    assert store.backtests()["sample"].isna().all()  # every night
    assert main(["runs", "backtests", "--store", str(store.path)]) == 0
    listed = capsys.readouterr().out
    assert f"{backtest_id} " in listed and " all " in listed and "abababababab" in listed
    assert main(["runs", "show", backtest_id, "--store", str(store.path)]) == 0
    assert "sample: every night" in capsys.readouterr().out


def test_an_interrupted_backtest_leaves_nothing_in_the_store(
    tmp_path: Path, reference: LoadedScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = record_from_csv(small_record(tmp_path))
    store = Store(tmp_path / "s.duckdb")

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(backtest, "fit_ground", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_backtest(reference, record, [dt.date(2025, 6, 1)], replications=2, store=store)
    assert store.backtests().empty


def test_recording_needs_the_record_with_its_hash(
    tmp_path: Path, reference: LoadedScenario
) -> None:
    rows = read_record(small_record(tmp_path)).rows
    with pytest.raises(TypeError, match="RecordChoice"):
        run_backtest(
            reference, rows, [dt.date(2025, 6, 1)], replications=2, store=Store(tmp_path / "s.db")
        )

"""Shared fixtures: the built-in scenarios, loaded once per test session."""

from __future__ import annotations

import pandas as pd
import pytest

from skyshield.record import read_record
from skyshield.scenario import LoadedScenario, load_scenario


@pytest.fixture(scope="session")
def reference() -> LoadedScenario:
    return load_scenario("reference")


@pytest.fixture(scope="session")
def small() -> LoadedScenario:
    return load_scenario("small")


@pytest.fixture(scope="session")
def record_rows() -> pd.DataFrame:
    """Rows of the shipped snapshot of the record."""
    return read_record(None).rows


@pytest.fixture(autouse=True)
def isolated_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's run store, and none writes into the repository: each
    runs in a folder of its own, so that default outputs (``out/...``) land there."""
    monkeypatch.setenv("SKYSHIELD_STORE", str(tmp_path_factory.mktemp("store") / "store.duckdb"))
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))

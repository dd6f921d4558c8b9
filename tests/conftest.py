"""Shared fixtures: the built-in scenarios, loaded once per test session."""

from __future__ import annotations

import pytest

from skyshield.scenario import LoadedScenario, load_scenario


@pytest.fixture(scope="session")
def reference() -> LoadedScenario:
    return load_scenario("reference")


@pytest.fixture(scope="session")
def small() -> LoadedScenario:
    return load_scenario("small")

"""Schemathesis against the server's own OpenAPI description: generated requests to every
endpoint never get a 5xx (a small budget a operation keeps the suite fast).  The job kinds are
trivial functions here, so no generated request starts a real study."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from skyshield.web import Limits, create_app
from web_helpers import JOB_MODULE, make_config

TOKEN = "schema-test-token-0123456789abcdef"


@pytest.mark.slow
def test_no_server_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "webjob.py").write_text(JOB_MODULE, encoding="utf-8")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    )
    config = make_config(
        tmp_path,
        token=TOKEN,
        job_targets={"mc": "webjob:count", "assess": "webjob:count"},
        limits=Limits(replications_per_job=3, queued_jobs=2),
    )
    auth = {"Authorization": f"Bearer {TOKEN}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(config), headers=auth)
    tested: list[str] = []
    statuses: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.endswith("/events"):
            continue  # an event stream stays open while its job runs

        @given(operation.as_strategy())
        @settings(
            max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=auth)
            statuses.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        check()
        tested.append(f"{operation.method.upper()} {operation.path}")
    assert len(tested) >= 14, tested
    # the token passed and requests were served, not only refused
    assert 401 not in statuses and statuses.count(200) >= 5

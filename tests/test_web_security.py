"""The server as an attack surface: token, host, cross-site writes, sizes, paths (``../``,
absolute, symbolic links, NUL), limits with clear 4xx, and the security headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from skyshield.cli.main import main
from skyshield.web import Limits
from skyshield.web.security import CSP
from web_helpers import BASE, client, make_config

TOKEN = "a-long-enough-test-token-0123456789"


@pytest.fixture
def api(tmp_path: Path):  # type: ignore[no-untyped-def]
    with client(make_config(tmp_path)) as c:
        yield c


def test_every_answer_has_a_strict_policy(api) -> None:  # type: ignore[no-untyped-def]
    for url in ("/", "/api/info", "/static/app.js", "/api/nothing", "/docs"):
        r = api.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP


def test_the_page_has_no_inline_script(api) -> None:  # type: ignore[no-untyped-def]
    page = api.get("/").text
    assert "<script>" not in page and "onclick" not in page and "style=" not in page
    assert '<script type="module" src="/static/app.js"></script>' in page
    js = api.get("/static/app.js").text
    assert "innerHTML" not in js and "eval(" not in js and "insertAdjacentHTML" not in js


def test_loopback_server_refuses_other_hosts(api) -> None:  # type: ignore[no-untyped-def]
    assert api.get("/api/info").status_code == 200
    for host in ("evil.example", "127.0.0.1:80", "localhost.evil.example:8765"):
        r = api.get("/api/info", headers={"host": host})
        assert r.status_code == 403 and "loopback" in r.json()["detail"]


def test_token_is_checked_on_every_request(tmp_path: Path) -> None:
    with client(make_config(tmp_path, token=TOKEN, host="0.0.0.0")) as api:
        for url in ("/", "/api/info", "/static/app.js", "/openapi.json", "/api/scenarios/small"):
            assert api.get(url).status_code == 401, url
        assert api.get("/api/info", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert api.get("/api/info", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
        # any host is fine with the token (the server listens beyond loopback)
        r = api.get(
            "/api/info", headers={"authorization": f"Bearer {TOKEN}", "host": "planner.lan:8765"}
        )
        assert r.status_code == 200
        # the printed address sets a cookie and leaves the token out of the address bar
        r = api.get(f"/?token={TOKEN}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"
        assert (
            "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]
        )
        assert api.get("/api/info").status_code == 200  # the client keeps the cookie
        api.cookies.clear()
        assert api.get("/?token=wrong", follow_redirects=False).status_code == 401


def test_cross_site_writes_are_refused(api) -> None:  # type: ignore[no-untyped-def]
    text = api.get("/api/scenarios/small").json()["text"]
    body = {"ref": "small", "text": text}
    r = api.post("/api/check", json=body, headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    assert api.post("/api/check", json=body, headers={"origin": BASE}).status_code == 200
    # a form post (what a page elsewhere can send without asking) is not JSON
    r = api.post(
        "/api/check",
        content=b"ref=small",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 415


def test_sizes_are_limited(tmp_path: Path) -> None:
    limits = Limits(request_bytes=50_000, scenario_bytes=20_000, edits_per_request=3)
    with client(make_config(tmp_path, limits=limits)) as api:
        r = api.post(
            "/api/check",
            content=b"{" + b" " * 60_000 + b"}",
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 413 and "at most 50000 bytes" in r.json()["detail"]
        big = "name: big\n" + "# padding\n" * 3000
        r = api.post("/api/check", json={"ref": "small", "text": big})
        assert r.status_code == 413 and "scenario text too large" in r.json()["detail"]
        text = api.get("/api/scenarios/small").json()["text"]
        edits = [{"op": "set", "path": ["name"], "value": "x"}] * 4
        r = api.post("/api/check", json={"ref": "small", "text": text, "edits": edits})
        assert r.status_code == 413 and "too many edits" in r.json()["detail"]
        (tmp_path / "scenarios" / "huge.yaml").write_text(big, encoding="utf-8")
        assert api.get("/api/scenarios/huge.yaml").status_code == 413

        def chunks():  # type: ignore[no-untyped-def]
            yield b'{"ref": "small", '
            yield b'"text": "name: x"}'

        r = api.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 411


BAD_NAMES = [
    "../outside.yaml",
    "..%2Foutside.yaml",
    "%2Fetc%2Fpasswd",
    "/etc/passwd",
    "a%00.yaml",
    "sub%2Fx.yaml",
    "..",
    ".hidden.yaml",
    "x.txt",
    "C:%5Cx.yaml",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_request_paths_never_leave_the_scenario_folder(api, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "outside.yaml").write_text("name: outside\n", encoding="utf-8")
    r = api.get(f"/api/scenarios/{name}")
    assert r.status_code in (400, 404, 405), r.text
    r = api.put(f"/api/scenarios/{name}", json={"text": "name: x\n"})
    assert r.status_code in (400, 404, 405), r.text
    assert (tmp_path / "outside.yaml").read_text(encoding="utf-8") == "name: outside\n"
    assert sorted(p.name for p in (tmp_path / "scenarios").iterdir()) == []


def test_a_symlink_out_of_the_folder_is_refused(api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: secret\n", encoding="utf-8")
    (tmp_path / "scenarios" / "link.yaml").symlink_to(secret)
    assert api.get("/api/scenarios/link.yaml").status_code == 400
    assert api.put("/api/scenarios/link.yaml", json={"text": "name: x\n"}).status_code == 400
    assert secret.read_text(encoding="utf-8") == "name: secret\n"
    assert "link.yaml" not in {s["ref"] for s in api.get("/api/scenarios").json()}


def test_a_scenario_naming_a_file_outside_is_refused(api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.geojson").write_text("{}", encoding="utf-8")
    text = f"name: x\ntheatre:\n  occupied_file: {tmp_path / 'x.geojson'}\n"
    view = api.post("/api/check", json={"ref": "x.yaml", "text": text}).json()
    assert view["problems"][0]["field"] == "theatre.occupied_file"
    assert "outside the scenario folder" in view["problems"][0]["message"]
    r = api.put("/api/scenarios/x.yaml", json={"text": "name: x\nextends: ../../x.yaml\n"})
    assert r.status_code == 422


def test_user_strings_come_back_as_data(api) -> None:  # type: ignore[no-untyped-def]
    text = (
        api.get("/api/scenarios/small")
        .json()["text"]
        .replace("name: small", "name: \"<script>alert('x')</script>\"")
    )
    view = api.post("/api/check", json={"ref": "small", "text": text}).json()
    assert view["scenario"]["name"] == "<script>alert('x')</script>"
    assert view["text"] == text
    assert (
        "application/json"
        in api.post("/api/check", json={"ref": "small", "text": text}).headers["content-type"]
    )


def test_job_limits_are_clear_4xx(tmp_path: Path) -> None:
    limits = Limits(replications_per_job=20)
    with client(make_config(tmp_path, limits=limits)) as api:
        body = {"kind": "mc", "ref": "small", "text": "name: small\n", "runs": 21}
        r = api.post("/api/jobs", json=body)
        assert (
            r.status_code == 422
            and "more than this server runs in one job (20)" in r.json()["detail"]
        )
        assert api.post("/api/jobs", json={**body, "runs": 0}).status_code == 422
        assert api.post("/api/jobs", json={**body, "runs": 5, "kind": "shell"}).status_code == 422
        r = api.post("/api/jobs", json={**body, "runs": 5, "raid": "../../raid.yaml"})
        assert r.status_code == 422
        assert (
            api.post("/api/jobs", json={**body, "runs": 5, "ref": "../x.yaml"}).status_code == 400
        )
        assert api.get("/api/jobs/../../etc").status_code in (400, 404)
        assert api.get("/api/jobs/zzzzzzzzzzzz/report").status_code == 400


def test_serve_refuses_other_addresses_without_a_token(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SKYSHIELD_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "refusing to listen on 0.0.0.0 without a token" in err
    assert main(["serve", "--host", "0.0.0.0", "--token", "short"]) == 2
    assert "too short" in capsys.readouterr().err

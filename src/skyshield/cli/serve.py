"""``skyshield serve``: the planner in the browser (a local web server, offline)."""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path

from skyshield.cli.execution import add_store_arg
from skyshield.errors import InputError, Problem

#: Shortest token accepted (characters).
MIN_TOKEN = 16


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``serve``."""
    p = sub.add_parser(
        "serve",
        help="plan the shield on a map in the browser (local web server, works offline)",
        parents=[common],
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; any other needs a token)",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument(
        "--scenarios",
        type=Path,
        default=Path("scenarios"),
        help="the folder whose scenario files the page opens and saves (default ./scenarios)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("out/web"),
        help="folder for the jobs' reports and logs (default out/web)",
    )
    p.add_argument(
        "--token",
        default=None,
        help="token every request must carry (default $SKYSHIELD_TOKEN); required off loopback",
    )
    p.add_argument(
        "--basemap", type=Path, default=None, help="a local raster MBTiles file as base map"
    )
    p.add_argument(
        "--workers", type=int, default=1, help="processes each job's replications run on"
    )
    add_store_arg(p)


def run(args: argparse.Namespace) -> int:
    """Check the options, print the address and serve until interrupted."""
    import uvicorn

    from skyshield.runs import default_store_path
    from skyshield.web import Limits, ServerConfig, create_app
    from skyshield.web.basemap import check_basemap
    from skyshield.web.config import LOOPBACK_HOSTS, TOKEN_ENV

    token = args.token or os.environ.get(TOKEN_ENV) or None
    if token is None and args.host not in LOOPBACK_HOSTS:
        raise InputError(
            [
                Problem(
                    "--host",
                    "",
                    f"refusing to listen on {args.host} without a token: anyone who can reach it"
                    f" could use the server; give --token (or set {TOKEN_ENV}), e.g. --token"
                    f" {secrets.token_urlsafe(24)}",
                )
            ]
        )
    if token is not None and len(token) < MIN_TOKEN:
        raise InputError(
            [Problem("--token", "", f"the token is too short: at least {MIN_TOKEN} characters")]
        )
    if not 1 <= args.port <= 65535:
        raise InputError([Problem("--port", "", "expected a port number 1..65535")])
    if args.workers < 1:
        raise InputError([Problem("--workers", "", "expected a whole number of at least 1")])
    if args.scenarios.exists() and not args.scenarios.is_dir():
        raise InputError(
            [Problem(str(args.scenarios), "--scenarios", "exists and is not a folder")]
        )
    if args.basemap is not None:
        check_basemap(args.basemap)
    args.scenarios.mkdir(parents=True, exist_ok=True)
    config = ServerConfig(
        scenario_dir=args.scenarios.resolve(),
        out_dir=args.out.resolve(),
        store_path=(args.store or default_store_path()).resolve(),
        host=args.host,
        port=args.port,
        token=token,
        limits=Limits(),
        basemap=args.basemap.resolve() if args.basemap else None,
        workers=args.workers,
    )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    address = f"http://{shown}:{args.port}/" + (f"?token={token}" if token else "")
    print(f"Sky Shield planner: open {address}")
    print(
        f"  scenarios: {config.scenario_dir}\n  output: {config.out_dir}\n  store: {config.store_path}"
    )
    print("  API: /docs; stop with Ctrl+C")
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")
    return 0

"""``skyshield export: one replication's night as ACMI, KML, GeoJSON or CZML``.  (Being written: registered so that main.py is wired once.)"""

from __future__ import annotations

import argparse


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``export``."""
    sub.add_parser("export", help="(being written)", parents=[common])


def run(args: argparse.Namespace) -> int:
    """Run ``export``; returns the exit code."""
    raise NotImplementedError("export")

"""``skyshield plan caps: choose CAP stations by a mixed-integer program``.  (Being written: registered so that main.py is wired once.)"""

from __future__ import annotations

import argparse


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``plan``."""
    sub.add_parser("plan", help="(being written)", parents=[common])


def run(args: argparse.Namespace) -> int:
    """Run ``plan``; returns the exit code."""
    raise NotImplementedError("plan")

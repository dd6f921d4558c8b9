"""``skyshield sensitivity: tornado of key assumptions' effect on hits on protected assets``.  (Being written: registered so that main.py is wired once.)"""

from __future__ import annotations

import argparse


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``sensitivity``."""
    sub.add_parser("sensitivity", help="(being written)", parents=[common])


def run(args: argparse.Namespace) -> int:
    """Run ``sensitivity``; returns the exit code."""
    raise NotImplementedError("sensitivity")

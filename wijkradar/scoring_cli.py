"""``wijkradar score``: placeholder registration until the scoring engine lands."""

from __future__ import annotations

import argparse


def add_score_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``score`` sub-command."""
    return None

"""Fail when a file tracked by git is larger than 500 kB (run from ``make lint``).

Large data belongs in the data folder or a download, not in the repository: a clone stays small
and a wheel carries only code and small package data. Usage: ``python tests/check_file_sizes.py
[--max-bytes N]``; it checks the files ``git ls-files`` lists (staged content included).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

MAX_BYTES = 500_000


def tracked_files(root: Path) -> list[Path]:
    """Files git tracks in ``root`` (deleted-but-tracked files are left out)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout
    paths = [root / p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]
    return [p for p in paths if p.is_file() and not p.is_symlink()]


def too_large(paths: list[Path], max_bytes: int) -> list[tuple[Path, int]]:
    """The paths over ``max_bytes``, largest first."""
    sizes = [(p, p.stat().st_size) for p in paths]
    return sorted(((p, s) for p, s in sizes if s > max_bytes), key=lambda ps: -ps[1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-bytes", type=int, default=MAX_BYTES)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    big = too_large(tracked_files(args.root), args.max_bytes)
    for path, size in big:
        print(
            f"{path.relative_to(args.root)}: {size:,} bytes > {args.max_bytes:,} "
            "(split or compress it, or keep it out of git)"
        )
    return 1 if big else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

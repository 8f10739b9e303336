"""Fail when a notebook carries outputs or execution counts (run from ``make lint``).

Usage: ``python tests/check_notebooks.py notebooks/*.ipynb``; ``--strip`` removes them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    strip = "--strip" in argv
    paths = [Path(a) for a in argv if a != "--strip"]
    dirty = []
    for path in paths:
        book = json.loads(path.read_text(encoding="utf-8"))
        changed = False
        for cell in book["cells"]:
            if cell.get("outputs") or cell.get("execution_count"):
                changed = True
                if "outputs" in cell:
                    cell["outputs"] = []
                if "execution_count" in cell:
                    cell["execution_count"] = None
        if changed:
            dirty.append(path)
            if strip:
                path.write_text(json.dumps(book, indent=1, ensure_ascii=False) + "\n")
    if dirty and not strip:
        names = ", ".join(str(p) for p in dirty)
        print(f"notebook outputs not stripped: {names} (python {sys.argv[0]} --strip ...)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

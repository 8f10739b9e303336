"""Uploaded files: to disk for the readers, and the file import when the sources are blocked."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def saved_uploads(uploads) -> Iterator[list[Path]]:
    """The uploaded files written to a temporary folder (under their own base names)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for up in uploads:
            path = Path(tmp) / Path(up.name).name
            path.write_bytes(up.getvalue())
            paths.append(path)
        yield paths

"""Concurrent registry editors (for the no-lost-update test and the load benchmark)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from geo.registry import ConflictError, Registry


@dataclass
class EditorRun:
    """What the editors met: conflicts they retried and any other error."""

    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)


def run_editors(reg: Registry, key: str, *, editors: int, increments: int, user: str) -> EditorRun:
    """``editors`` threads each add 1 to the ``subsidie`` of initiative ``key`` ``increments``
    times, the way a session does: read, change, save with the version read, re-read on a
    conflict. Returns when all are done.
    """
    result = EditorRun()

    def editor(n: int) -> None:
        for _ in range(increments):
            while True:
                row = reg.get("initiatief", key)
                try:
                    reg.save(
                        "initiatief",
                        {**row, "subsidie": row["subsidie"] + 1},
                        user=f"{user}-{n}",
                        version=row["version"],
                    )
                    break
                except ConflictError:
                    with result._lock:
                        result.conflicts += 1
                except Exception as exc:  # noqa: BLE001 - reported to the caller
                    with result._lock:
                        result.errors.append(repr(exc))
                    return

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(editors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return result

"""Numpydoc validation of the public functions (run from ``make lint``).

The public functions are those named in the ``__all__`` of each package (``__init__.py``) of
``geo``, ``models`` and ``wijkradar``, sub-packages included, and of the modules a package
lists in its ``__all__`` (``wijkradar.render`` lists its modules, imported one by one); a
package without ``__all__`` has each public module's. Each must have a summary, document
every parameter of its signature in order and nothing else, and have a Returns section when it
returns a value (numpydoc's own checks, :data:`CHECKS`). Exits 1 and lists the problems.

Examples
--------
``python tests/check_docstrings.py`` or ``python tests/check_docstrings.py geo models``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from numpydoc.validate import validate

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "models", "wijkradar")
#: numpydoc error codes checked (https://numpydoc.readthedocs.io/en/latest/validation.html):
#: no docstring, no summary, parameters missing, unknown or out of order, no Returns section.
CHECKS = {
    "GL08": "no docstring",
    "SS01": "no summary",
    "PR01": "parameters not documented",
    "PR02": "documented parameters not in the signature",
    "PR03": "parameters documented in another order than the signature",
    "RT01": "no Returns section",
}


def packages(names: tuple[str, ...]) -> Iterator[ModuleType]:
    """Each package of ``names`` and its public sub-packages (not modules, not ``_private``)."""
    for name in names:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            if info.ispkg and not any(p.startswith("_") for p in info.name.split(".")):
                yield importlib.import_module(info.name)


def api_modules(package: ModuleType) -> Iterator[ModuleType]:
    """The package and the modules its ``__all__`` names; without ``__all__``, every module."""
    yield package
    names = getattr(package, "__all__", None)
    if names is None:
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            if not info.ispkg and not info.name.rsplit(".", 1)[1].startswith("_"):
                yield importlib.import_module(info.name)
        return
    for name in names:
        obj = getattr(package, name, None)
        if isinstance(obj, ModuleType):
            yield obj


def public_functions(names: tuple[str, ...]) -> dict[str, object]:
    """``module.qualname`` -> function, for every function in the ``__all__`` of the API."""
    found: dict[str, object] = {}
    for package in packages(names):
        for module in api_modules(package):
            for name in getattr(module, "__all__", ()):
                obj = getattr(module, name, None)
                if inspect.isfunction(obj):
                    found.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return found


def problems(names: tuple[str, ...] = PACKAGES) -> list[str]:
    """One line per numpydoc error of :data:`CHECKS` in the public functions of ``names``."""
    out = []
    for key in sorted(public_functions(names)):
        for code, message in validate(key)["errors"]:
            if code in CHECKS:
                out.append(f"{key}: {code} {message}")
    return out


def main(argv: list[str]) -> int:
    """Print the problems; 1 when there are any."""
    sys.path.insert(0, str(ROOT))
    names = tuple(argv) or PACKAGES
    found = problems(names)
    for line in found:
        print(line)
    checked = len(public_functions(names))
    print(f"numpydoc: {checked} public functions, {len(found)} problems", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

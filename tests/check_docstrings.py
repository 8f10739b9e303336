"""Numpydoc validation of the public API (run from ``make lint``).

The public API is every name in an ``__all__`` of ``geo``, ``models``, ``wijkradar`` and
``ui``: of each package (``__init__.py``, sub-packages included) and of each public module
(no ``_private`` part in its dotted name) that defines ``__all__``. A module is imported only
when its source assigns ``__all__``, so Streamlit pages (which run when imported) are never
imported. Checked are:

- every function: a summary, every parameter of its signature documented in order and
  nothing else, and a Returns section when it returns a value (numpydoc's own checks,
  :data:`CHECKS`);
- every class: the same for a hand-written ``__init__``. A generated constructor (dataclass,
  ``NamedTuple``, pydantic model) takes the class's fields: each public field is documented
  in the class docstring's Parameters or Attributes section or by a ``#:`` comment on or
  above its declaration (reported as ``PR01``). An inherited constructor is documented on
  the class that defines it;
- every public method, static method, class method and property a listed class defines
  itself: the function rules.

Exits 1 and lists the problems.

Examples
--------
``python tests/check_docstrings.py`` or ``python tests/check_docstrings.py geo models``.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.util
import inspect
import pkgutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from numpydoc.docscrape import ClassDoc
from numpydoc.validate import validate

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "models", "wijkradar", "ui")
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


def _defines_all(path: str | None) -> bool:
    """Whether the source file at ``path`` assigns ``__all__`` at its top level."""
    if path is None or not path.endswith(".py"):
        return False
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign | ast.AugAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return True
    return False


def api_modules(names: tuple[str, ...]) -> Iterator[ModuleType]:
    """Each package of ``names``, its public sub-packages and public modules with ``__all__``.

    Parameters
    ----------
    names : tuple of str
        Top-level package names, e.g. ``("geo", "models")``.

    Yields
    ------
    ModuleType
        The packages (always) and the public modules whose source assigns ``__all__``.
    """
    for name in names:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            if any(p.startswith("_") for p in info.name.split(".")):
                continue
            spec = importlib.util.find_spec(info.name)
            if info.ispkg or _defines_all(spec.origin if spec else None):
                yield importlib.import_module(info.name)


def _fields(cls: type) -> list[str] | None:
    """The public fields of a dataclass, ``NamedTuple`` or pydantic model; None otherwise."""
    if dataclasses.is_dataclass(cls):
        names = [f.name for f in dataclasses.fields(cls) if f.init]
    elif isinstance(getattr(cls, "model_fields", None), dict):
        names = list(cls.model_fields)
    elif issubclass(cls, tuple) and hasattr(cls, "_fields"):
        names = list(cls._fields)
    else:
        return None
    return [n for n in names if not n.startswith("_")]


def _own_constructor(cls: type) -> bool:
    """Whether ``cls`` has a hand-written ``__init__`` (not generated, not inherited)."""
    return _fields(cls) is None and "__init__" in vars(cls)


def _commented_fields(cls: type) -> set[str]:
    """Fields declared with a ``#:`` comment on the line above or on the same line."""
    try:
        lines, _ = inspect.getsourcelines(cls)
    except (OSError, TypeError):
        return set()
    tree = ast.parse(textwrap.dedent("".join(lines)))
    found = set()
    for node in tree.body[0].body if tree.body else []:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            here = lines[node.lineno - 1]
            above = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
            if above.startswith("#:") or "#:" in here:
                found.add(node.target.id)
    return found


def undocumented_fields(cls: type) -> list[str]:
    """The fields of a generated constructor that are documented nowhere.

    Parameters
    ----------
    cls : type
        A class.

    Returns
    -------
    list of str
        Field names in declaration order; empty for a class without generated constructor.
    """
    names = _fields(cls)
    if not names:
        return []
    doc = ClassDoc(cls, config={"show_class_members": False})
    documented = {
        name.strip().lstrip("*")
        for section in ("Parameters", "Attributes")
        for param in doc[section]
        for name in param.name.split(",")
    }
    commented = _commented_fields(cls)
    return [n for n in names if n not in documented and n not in commented]


def _methods(cls: type, key: str) -> Iterator[tuple[str, object]]:
    """``key.name`` and the object of each public method and property ``cls`` defines."""
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        func = value.__func__ if isinstance(value, staticmethod | classmethod) else value
        if inspect.isfunction(func) or isinstance(value, property):
            yield f"{key}.{name}", value


def public_api(names: tuple[str, ...]) -> dict[str, object]:
    """``module.qualname`` -> object, for every function, class and method of the API.

    Parameters
    ----------
    names : tuple of str
        Top-level package names.

    Returns
    -------
    dict of str to object
        Functions, classes defined in ``names`` and the public methods of those classes.
    """
    found: dict[str, object] = {}
    for module in api_modules(names):
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__.split(".")[0] not in names:
                continue  # a re-exported library class is not ours to document
            key = f"{obj.__module__}.{obj.__qualname__}"
            found.setdefault(key, obj)
            if inspect.isclass(obj):
                for method_key, method in _methods(obj, key):
                    found.setdefault(method_key, method)
    return found


def problems(names: tuple[str, ...] = PACKAGES) -> list[str]:
    """One line per numpydoc error of :data:`CHECKS` in the public API of ``names``.

    Parameters
    ----------
    names : tuple of str
        Top-level package names; default :data:`PACKAGES`.

    Returns
    -------
    list of str
        ``module.qualname: CODE message``, sorted by name.
    """
    out = []
    for key, obj in sorted(public_api(names).items()):
        generated = inspect.isclass(obj) and not _own_constructor(obj)
        for code, message in validate(key)["errors"]:
            if code in CHECKS and not (generated and code == "PR01"):
                out.append(f"{key}: {code} {message}")
        missing = undocumented_fields(obj) if inspect.isclass(obj) else []
        if missing:
            out.append(f"{key}: PR01 fields {', '.join(missing)} not documented")
    return out


def main(argv: list[str]) -> int:
    """Print the problems.

    Parameters
    ----------
    argv : list of str
        Package names to check; empty for :data:`PACKAGES`.

    Returns
    -------
    int
        1 when there are problems, else 0.
    """
    sys.path.insert(0, str(ROOT))
    names = tuple(argv) or PACKAGES
    found = problems(names)
    for line in found:
        print(line)
    api = public_api(names)
    classes = sum(inspect.isclass(v) for v in api.values())
    print(
        f"numpydoc: {len(api)} public functions, classes and methods ({classes} classes), "
        f"{len(found)} problems",
        file=sys.stderr,
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

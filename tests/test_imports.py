"""Import boundaries: public names only across packages, and what each layer may load.

The ban tests run in a fresh interpreter (geopandas' ``test_no_additional_imports`` habit):
``sys.modules`` of the test process already holds everything the other tests imported.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Where imports are scanned: every folder with code of the project, and the notebooks.
SCANNED = ("app.py", "ui", "wijkradar", "geo", "models", "bench", "tests", "notebooks")


def _module_of(path: Path) -> str:
    """Dotted module name of a file under ROOT (``geo/sources/cbs.py`` -> ``geo.sources.cbs``)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[tuple[str, str, str]]:
    """(where, module name, code) of every .py file and every notebook code cell scanned."""
    for entry in SCANNED:
        top = ROOT / entry
        files = [top] if top.is_file() else sorted(top.rglob("*.py")) + sorted(top.rglob("*.ipynb"))
        for path in files:
            if ".ipynb_checkpoints" in path.parts or "node_modules" in path.parts:
                continue
            rel = str(path.relative_to(ROOT))
            if path.suffix == ".py":
                yield rel, _module_of(path), path.read_text(encoding="utf-8")
                continue
            book = json.loads(path.read_text(encoding="utf-8"))
            for n, cell in enumerate(book["cells"]):
                if cell["cell_type"] == "code":
                    code = "".join(cell["source"])
                    # IPython magics and shell lines are not Python
                    code = "\n".join(
                        "" if line.lstrip().startswith(("%", "!")) else line
                        for line in code.splitlines()
                    )
                    yield f"{rel} cell {n}", "notebook", code


def _is_package(module: str) -> bool:
    return (ROOT / module.replace(".", "/") / "__init__.py").is_file()


def _imported(module: str, tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, absolute dotted name) of every module an AST imports, relative imports resolved."""
    package = module if _is_package(module) else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            yield node.lineno, base
            # ``from geo import _odata`` imports the module geo._odata
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield node.lineno, f"{base}.{alias.name}"


def _private_owner(name: str) -> str | None:
    """The package that owns a private module in ``name`` (``geo._odata`` -> ``geo``)."""
    parts = name.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__") and i > 0:
            return ".".join(parts[:i])
    return None


def private_imports(where: str, module: str, code: str) -> list[str]:
    """Imports in ``code`` of a private module of a package ``module`` is not part of."""
    found = []
    for line, name in _imported(module, ast.parse(code, filename=where)):
        owner = _private_owner(name)
        if owner is None or not _is_package(owner):  # a third-party or stdlib module
            continue
        if module != owner and not module.startswith(owner + "."):
            found.append(f"{where}:{line}: {name}")
    return found


def test_the_private_import_check_finds_what_it_should():
    assert private_imports("x.py", "wijkradar.pipeline", "from geo._odata import to_number")
    assert private_imports("x.py", "tests.test_x", "import geo._states as s")
    assert private_imports("x.py", "notebook", "from geo import _odata")
    assert private_imports("x.py", "wijkradar.cli", "from ..geo._model import SourceData")
    # inside the owning package (and its subpackages) private modules are fine
    assert not private_imports("x.py", "geo.sources.cbs", "from .._odata import to_number")
    assert not private_imports("x.py", "geo.io", "from ._odata import to_number")
    assert not private_imports("x.py", "geo", "from ._states import PRESENT")
    # private modules of third-party packages are not ours to police
    assert not private_imports("x.py", "tests.test_x", "from streamlit.testing.v1 import AppTest")
    assert not private_imports("x.py", "tests.test_x", "from pandas._testing import assert_equal")


def test_no_module_imports_another_packages_private_module():
    found = [hit for source in _sources() for hit in private_imports(*source)]
    assert not found, "import the public name from the package instead:\n" + "\n".join(found)


def test_models_imports_nothing_from_geo_but_its_errors():
    found = []
    for where, module, code in _sources():
        if module == "models" or module.startswith("models."):
            for line, name in _imported(module, ast.parse(code)):
                if name.split(".")[0] == "geo" and name != "geo.errors":
                    found.append(f"{where}:{line}: {name}")
    assert not found, "models may import only geo.errors from geo:\n" + "\n".join(found)


def _loaded_after(code: str) -> set[str]:
    """The modules loaded in a fresh interpreter after running ``code`` (SystemExit ignored)."""
    script = (
        "import json, sys\n"
        f"try:\n    exec({code!r})\nexcept SystemExit:\n    pass\n"
        "sys.stdout = sys.__stdout__\n"
        "print('\\n@@' + json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(json.loads(out.stdout.rpartition("\n@@")[2]))


def _banned(loaded: set[str], banned: tuple[str, ...]) -> list[str]:
    return sorted(b for b in banned if b in loaded or any(m.startswith(b + ".") for m in loaded))


MODELS_BANNED = ("sqlalchemy", "requests", "streamlit", "folium", "scipy.stats", "matplotlib")
CLI_BANNED = (
    "streamlit",
    "folium",
    "sqlalchemy",
    "scipy",
    "matplotlib",
    "geopandas",
    "pandas",
    "numpy",
)


@pytest.mark.parametrize(
    "code",
    [
        "import models",
        # every public name, so every module of the package is loaded
        "import models\nfor name in models.__all__:\n    getattr(models, name)",
    ],
    ids=["import", "all-public-names"],
)
def test_models_loads_no_database_network_ui_or_plotting(code):
    loaded = _loaded_after(code)
    assert not _banned(loaded, MODELS_BANNED)
    assert {m for m in loaded if m.split(".")[0] == "geo"} <= {"geo", "geo.errors"}


def _cli_commands() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from wijkradar.cli import COMMANDS

    return list(COMMANDS)


@pytest.mark.parametrize(
    "code",
    [
        "import wijkradar.cli",
        "from wijkradar.cli import main\nmain(['--help'])",
        *(f"from wijkradar.cli import main\nmain([{c!r}, '--help'])" for c in _cli_commands()),
    ],
    ids=["import", "--help", *(f"{c} --help" for c in _cli_commands())],
)
def test_the_command_line_entry_loads_nothing_heavy(code):
    """``wijkradar --help`` and every sub-command's ``--help``: no pandas, numpy, SQLAlchemy..."""
    loaded = _loaded_after(code)
    assert "wijkradar.cli" in loaded
    assert not _banned(loaded, CLI_BANNED)


def test_sub_command_help_shows_the_defaults_and_import_columns(capsys):
    """The light defaults and the import columns are the ones the services use."""
    sys.path.insert(0, str(ROOT))
    from geo.registry import ENTITIES, IMPORT_KINDS
    from wijkradar.cli import build_parser, main
    from wijkradar.pipeline import DEFAULT_JAAR
    from wijkradar.profiles import DEFAULT_PROFILE

    for command in ("score", "gaps"):
        args = build_parser([command]).parse_args([command, "--gemeente", "GM0307", "--uit", "x"])
        assert (args.jaar, args.profiel) == (DEFAULT_JAAR, DEFAULT_PROFILE)
    assert list(IMPORT_KINDS) == list(ENTITIES)
    assert all(IMPORT_KINDS[k].fields is ENTITIES[k].fields for k in ENTITIES)
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "initiatief: id, naam*" in capsys.readouterr().out


PAGE_BANNED = (
    "sqlalchemy",
    "scipy.stats",
    "matplotlib",
    "sklearn",
    "libpysal",
    "esda",
    "mapclassify",
)


def test_the_shared_page_code_loads_no_database_statistics_or_plotting():
    """What every page and app.py import: every cold start pays for it."""
    loaded = _loaded_after("import ui.common, ui.sidebar, ui.state")
    # the map code too: only pages that draw a map load folium
    assert not _banned(loaded, (*PAGE_BANNED, "folium", "branca"))


def test_the_map_page_imports_no_statistics_or_plotting():
    """The first page a visitor sees: hotspots, types and Fisher-Jenks load on demand."""
    sys.path.insert(0, str(ROOT))
    from bench.startup import page_imports

    loaded = _loaded_after(page_imports(ROOT / "ui" / "kaart.py"))
    assert not _banned(loaded, PAGE_BANNED)


def test_the_report_renderer_loads_no_folium():
    loaded = _loaded_after("import wijkradar.render.report")
    assert not _banned(loaded, ("folium", "branca", "streamlit", "mapclassify"))


@pytest.mark.parametrize(
    "package", ["geo", "geo.registry", "geo.sources", "models", "wijkradar", "wijkradar.render"]
)
def test_every_public_name_of_a_package_resolves(package):
    """``__all__`` of the lazy package ``__init__`` lists only names that exist."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import {package} as p\n"
            "missing = [n for n in p.__all__ if not hasattr(p, n)]\n"
            "assert not missing, missing\n"
            "assert sorted(p.__all__) == sorted(set(p.__all__)), 'duplicates in __all__'\n",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr

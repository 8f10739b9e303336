"""Build hook: put the app and Leaflet into the wheel, so it runs with pip alone.

Everything else is configured in ``pyproject.toml``. A wheel (``pip install .``, ``python -m
build``) gets, next to the Python packages:

* ``wijkradar/_app/``: the Streamlit app laid out as in the project root, i.e. ``app.py``, the
  pages in ``ui/``, ``.streamlit/config.toml`` (theme, static serving) and ``static/``.
  Streamlit resolves page paths (``st.page_link("ui/werklijst.py")``), serves ``static/`` and
  reads ``.streamlit/`` relative to the main script and puts the main script's folder on
  ``sys.path`` (so ``from ui import common`` works); keeping that layout inside the
  ``wijkradar`` package means the pages behave as in a checkout without putting ``app``,
  ``ui`` or ``static`` at the top of ``site-packages``. ``wijkradar app`` runs it.
* Leaflet's dist files with its BSD-2 licence, copied from ``node_modules/leaflet`` (``npm ci``,
  pinned by ``package-lock.json``) to ``wijkradar/vendor/leaflet`` (standalone HTML exports)
  and ``wijkradar/_app/static/vendor/leaflet`` (served by the app), with ``PROVENANCE.json``
  naming the version, the lock file's integrity hash and a sha256 per file.

Nothing third-party is committed: the sdist carries ``node_modules/leaflet`` (see
``MANIFEST.in``), so a wheel built from the sdist needs no npm. Building from a git checkout
without ``npm ci`` fails with a message saying so. Editable installs skip this step: a checkout
serves Leaflet from ``node_modules`` directly.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
LEAFLET = ROOT / "node_modules" / "leaflet"
#: Leaflet files the maps need (no source maps, no ESM build), relative to ``node_modules/leaflet``.
LEAFLET_FILES = ("dist/leaflet.js", "dist/leaflet.css", "LICENSE")


class BuildError(RuntimeError):
    """A run-time asset is missing or does not match ``package-lock.json``."""


def _locked(lock_path: Path, name: str) -> dict[str, str]:
    packages = json.loads(lock_path.read_text(encoding="utf-8")).get("packages", {})
    entry = packages.get(f"node_modules/{name}")
    if not entry:
        raise BuildError(f"{lock_path.name} has no entry for {name}")
    return entry


def leaflet_files(root: Path = ROOT) -> tuple[dict[str, Path], dict[str, object]]:
    """Leaflet's run-time files (target name -> source) and their provenance record.

    Raises
    ------
    BuildError
        When ``node_modules/leaflet`` is absent or its version or integrity differs from
        ``package-lock.json``.
    """
    leaflet = root / "node_modules" / "leaflet"
    locked = _locked(root / "package-lock.json", "leaflet")
    if not (leaflet / "package.json").is_file():
        raise BuildError(
            f"Leaflet {locked['version']} is needed in the wheel but {leaflet} is missing: run "
            "`npm ci --ignore-scripts` (package-lock.json) before building, or build from the "
            "sdist, which carries it"
        )
    installed = json.loads((leaflet / "package.json").read_text(encoding="utf-8"))["version"]
    if installed != locked["version"]:
        raise BuildError(
            f"node_modules has Leaflet {installed}, package-lock.json pins {locked['version']}: "
            "run `npm ci --ignore-scripts`"
        )
    hidden = root / "node_modules" / ".package-lock.json"  # npm records what it verified
    if hidden.is_file():
        verified = _locked(hidden, "leaflet").get("integrity")
        if verified != locked["integrity"]:
            raise BuildError(
                f"node_modules/leaflet was installed with integrity {verified}, package-lock.json "
                f"has {locked['integrity']}: run `npm ci --ignore-scripts`"
            )
    files = {Path(rel).name: leaflet / rel for rel in LEAFLET_FILES}
    files |= {f"images/{p.name}": p for p in sorted((leaflet / "dist" / "images").glob("*.png"))}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing or not any(k.startswith("images/") for k in files):
        raise BuildError(f"Leaflet files missing: {', '.join(missing) or 'dist/images/*.png'}")
    provenance = {
        "package": "leaflet",
        "version": locked["version"],
        "integrity": locked["integrity"],
        "license": locked.get("license", "BSD-2-Clause"),
        "source": "npm registry, pinned by package-lock.json",
        "sha256": {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in sorted(files.items())},
    }
    return files, provenance


def app_pages(root: Path = ROOT) -> list[Path]:
    """Every file of the ``ui`` folder (pages and their helpers), without compiled files."""
    return sorted(
        p
        for p in (root / "ui").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    )


class BuildPyWithAssets(build_py):
    """``build_py`` that also copies the app shell and Leaflet (see the module docstring)."""

    def run(self) -> None:
        """Build the packages, then add the run-time assets to ``build_lib``."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        lib = Path(self.build_lib)
        app = lib / "wijkradar" / "_app"
        shell = {
            app / "app.py": ROOT / "app.py",
            app / ".streamlit" / "config.toml": ROOT / ".streamlit" / "config.toml",
        }
        shell |= {app / path.relative_to(ROOT): path for path in app_pages()}
        files, provenance = leaflet_files()
        record = json.dumps(provenance, indent=2) + "\n"
        for folder in (
            lib / "wijkradar" / "vendor" / "leaflet",
            app / "static" / "vendor" / "leaflet",
        ):
            shell |= {folder / name: src for name, src in files.items()}
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "PROVENANCE.json").write_text(record, encoding="utf-8")
        for target, source in shell.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import it
    setup(cmdclass={"build_py": BuildPyWithAssets})

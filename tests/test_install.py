"""Packaging: the wheel carries everything the app needs, installs with pip alone and runs.

The slow part builds the sdist and, from it, the wheel once (``python -m build``), installs the
wheel into a fresh virtualenv, and runs the installed ``wijkradar`` from an unrelated folder with
only that virtualenv on ``PATH`` (no Node, npm or git, no source checkout on ``sys.path``):
``wijkradar score`` with a shipped profile, ``wijkradar app`` drawn in headless chromium, and
the container's entrypoint script.

Dependencies: ``WIJKRADAR_INSTALL_TEST_DEPS=pip`` (CI) lets pip resolve and install them from
the index (with its cache); the default ``borrow`` installs the wheel with ``--no-deps`` and
lets the virtualenv see this test environment's site-packages through a ``.pth`` file, then runs
``pip check`` on it, which keeps the test at about a minute on a developer machine.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import requests
import yaml

from tests.appserver import ROOT, free_port, running_app
from tests.loopback import LoopbackServer
from tests.test_browser import ARTIFACTS, MAP_FRAME, _fills, _offsite, browser  # noqa: F401
from wijkradar import cli
from wijkradar.launch import app_script, streamlit_argv

LOCK = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
LEAFLET_LOCK = LOCK["packages"]["node_modules/leaflet"]
BIN = "Scripts" if os.name == "nt" else "bin"


def _setup_module():
    spec = importlib.util.spec_from_file_location("wijkradar_setup", ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- fast checks: no build ------------------------------------------------------------------------


def test_app_script_of_a_checkout_is_the_root_app_py():
    assert app_script() == ROOT / "app.py"  # no wijkradar/_app in a checkout
    argv = streamlit_argv(app_script(), port=8599, address="127.0.0.1")
    assert argv[:3] == ["streamlit", "run", str(ROOT / "app.py")]
    assert argv[argv.index("--server.port") + 1] == "8599"
    assert argv[argv.index("--server.enableStaticServing") + 1] == "true"


@pytest.mark.parametrize("bad", ["0", "70000", "acht"], ids=["zero", "too-high", "not-a-number"])
def test_app_command_refuses_a_bad_port(bad, capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["app", "--poort", bad])
    assert "--poort" in capsys.readouterr().err


def test_app_command_refuses_a_file_as_data_folder(tmp_path, capsys):
    not_a_folder = tmp_path / "data.txt"
    not_a_folder.write_text("x")
    assert cli.main(["app", "--data-map", str(not_a_folder)]) == 1
    assert "is een bestand, geen map" in capsys.readouterr().err


def test_command_table_matches_the_full_parser():
    """``wijkradar --help`` is built from cli.COMMANDS; it must say what the parsers say."""
    full = cli.build_parser()
    (sub,) = [a for a in full._actions if isinstance(a, argparse._SubParsersAction)]
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert helps == {name: text for name, (_, text) in cli.COMMANDS.items()}
    assert list(sub.choices) == list(cli.COMMANDS)


def test_user_facing_flags_are_dutch_old_spellings_still_parse_unlisted(capsys):
    parser = cli.build_parser()
    old = parser.parse_args(["fetch", "--gemeente", "GM0307", "--from", "a.gpkg", "b.csv"])
    new = parser.parse_args(["fetch", "--gemeente", "GM0307", "--van", "a.gpkg", "b.csv"])
    assert old.files == new.files == ["a.gpkg", "b.csv"]
    assert parser.parse_args(["export", "--all", "b.json"]).backup
    assert parser.parse_args(["import", "--reservekopie", "b.json"]).backup
    assert parser.parse_args(["score", "--gemeente", "GM1", "--uit", "x.csv"]).draws == 1000
    assert parser.parse_args(["batch", "--alle", "--uit", "d", "--draws", "5"]).draws == 5
    for command, hidden, shown in [
        ("fetch", "--from", "--van"),
        ("export", "--all", "--reservekopie"),
        ("score", "--draws", "--trekkingen"),
    ]:
        with pytest.raises(SystemExit):
            parser.parse_args([command, "--help"])
        text = capsys.readouterr().out
        assert shown in text and hidden not in text.replace(shown, "")


def test_help_loads_no_heavy_module():
    code = (
        "import sys\n"
        "from wijkradar import cli\n"
        "try:\n"
        "    cli.main(['--help'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "heavy = {'pandas', 'geopandas', 'numpy', 'sqlalchemy', 'streamlit', 'folium', 'pydantic'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    proc = _run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    *listing, loaded = proc.stdout.strip().splitlines()
    assert loaded == "[]"
    assert "start the app (Streamlit)" in "\n".join(listing)


def test_sub_command_help_imports_only_its_module(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["app", "--help"])
    assert exc.value.code == 0
    assert "--data-map" in capsys.readouterr().out


def test_leaflet_in_node_modules_matches_the_lock_file():
    """The files the build copies are the ones npm verified against package-lock.json."""
    if not (ROOT / "node_modules" / "leaflet").is_dir():
        pytest.skip("node_modules/leaflet is absent (make test runs npm ci)")
    files, provenance = _setup_module().leaflet_files(ROOT)
    assert provenance["version"] == LEAFLET_LOCK["version"]
    assert provenance["integrity"] == LEAFLET_LOCK["integrity"]
    assert {"leaflet.js", "leaflet.css", "LICENSE", "images/layers.png"} <= set(files)
    assert "BSD 2-Clause" in files["LICENSE"].read_text(encoding="utf-8")
    head = files["leaflet.js"].read_text(encoding="utf-8")[:200]
    assert f"Leaflet {LEAFLET_LOCK['version']}" in head


def _fake_checkout(tmp_path: Path, version: str, *, integrity: str | None = None) -> Path:
    root = tmp_path / "checkout"
    dist = root / "node_modules" / "leaflet" / "dist"
    (dist / "images").mkdir(parents=True)
    (root / "package-lock.json").write_text(json.dumps(LOCK))
    (dist.parent / "package.json").write_text(json.dumps({"name": "leaflet", "version": version}))
    hidden = {"packages": {"node_modules/leaflet": {**LEAFLET_LOCK}}}
    if integrity:
        hidden["packages"]["node_modules/leaflet"]["integrity"] = integrity
    (root / "node_modules" / ".package-lock.json").write_text(json.dumps(hidden))
    for name in ("leaflet.js", "leaflet.css"):
        (dist / name).write_text("/* Leaflet */")
    (dist / "images" / "layers.png").write_bytes(b"\x89PNG")
    (dist.parent / "LICENSE").write_text("BSD 2-Clause License")
    return root


def test_build_fails_loudly_without_or_with_another_leaflet(tmp_path):
    setup = _setup_module()
    version = LEAFLET_LOCK["version"]
    files, _ = setup.leaflet_files(_fake_checkout(tmp_path / "ok", version))
    assert files["images/layers.png"].read_bytes() == b"\x89PNG"
    with pytest.raises(setup.BuildError, match="pins " + version.replace(".", r"\.")):
        setup.leaflet_files(_fake_checkout(tmp_path / "old", "1.7.1"))
    with pytest.raises(setup.BuildError, match="installed with integrity sha512-other"):
        setup.leaflet_files(
            _fake_checkout(tmp_path / "tampered", version, integrity="sha512-other")
        )
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "package-lock.json").write_text(json.dumps(LOCK))
    with pytest.raises(setup.BuildError, match="npm ci --ignore-scripts"):
        setup.leaflet_files(bare)


def test_file_size_check_flags_large_tracked_files(tmp_path):
    checker = importlib.util.spec_from_file_location("cfs", ROOT / "tests" / "check_file_sizes.py")
    module = importlib.util.module_from_spec(checker)
    checker.loader.exec_module(module)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "small.txt").write_bytes(b"x" * 10)
    (tmp_path / "big.bin").write_bytes(b"x" * 600_000)
    (tmp_path / "untracked.bin").write_bytes(b"x" * 600_000)
    subprocess.run(["git", "-C", str(tmp_path), "add", "small.txt", "big.bin"], check=True)
    big = module.too_large(module.tracked_files(tmp_path), module.MAX_BYTES)
    assert [(p.name, s) for p, s in big] == [("big.bin", 600_000)]
    assert module.main(["--root", str(tmp_path)]) == 1
    assert module.main(["--root", str(ROOT)]) == 0  # this repository


def test_compose_has_app_postgis_backup_and_named_volumes():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"app", "db", "backup"} <= set(services)
    assert services["db"]["image"].startswith("postgis/postgis:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "wijkradar-data:/data" in services["app"]["volumes"]
    assert "pg_dump" in " ".join(services["backup"]["command"])
    assert {"db-data", "wijkradar-data", "backups"} <= set(compose["volumes"])
    url = services["app"]["environment"]["WIJKRADAR_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://") and "${POSTGRES_PASSWORD:?" in url
    # no secret in the file: every password and login value comes from .env
    for service in services.values():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in ("PASSWORD", "SECRET")):
                assert str(value).startswith("${"), key
    assert services["app"]["ports"] == ["127.0.0.1:${WIJKRADAR_HOST_PORT:-8501}:8501"]


def test_dockerfile_runs_as_non_root_with_healthcheck_and_data_volume():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    final = text.split("\nFROM ")[-1]  # the last stage is the image
    assert final.startswith("python:") and "-slim" in final.splitlines()[0]
    assert "USER 10001" in final and "npm" not in final and "apt-get" not in final
    assert "/_stcore/health" in final and 'VOLUME ["/data"]' in final
    assert 'ENTRYPOINT ["wijkradar-entrypoint"]' in final
    assert "docker/entrypoint.sh" in final
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "node_modules", "data", ".env"} <= set(ignored)


# -- slow: one build, one fresh virtualenv -----------------------------------------------------------


def _run(argv, **kw) -> subprocess.CompletedProcess:
    if "env" not in kw:  # this environment minus what would mix in the checkout
        drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
        kw["env"] = {k: v for k, v in os.environ.items() if k not in drop}
    return subprocess.run(argv, capture_output=True, text=True, timeout=900, **kw)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """``python -m build``: the sdist, then the wheel built from that sdist."""
    pytest.importorskip("build", reason="the 'build' package is in the test extras")
    if not (ROOT / "node_modules" / "leaflet").is_dir():
        pytest.skip("node_modules/leaflet is absent (make test runs npm ci)")
    out = tmp_path_factory.mktemp("dist")
    proc = _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    (found,) = dist.glob("wijkradar-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed (see the module docstring for the deps)."""
    home = tmp_path_factory.mktemp("venv") / "venv"
    proc = _run([sys.executable, "-m", "venv", str(home)])
    assert proc.returncode == 0, proc.stderr
    python = home / BIN / "python"
    mode = os.environ.get("WIJKRADAR_INSTALL_TEST_DEPS", "borrow")
    if mode == "pip":
        proc = _run([str(python), "-m", "pip", "install", "--quiet", f"{wheel}[postgres]"])
    else:
        proc = _run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)])
        # only after the install: pip would take this environment's wijkradar as installed
        purelib = _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
        )
        ours = sysconfig.get_path("purelib")
        (Path(purelib.stdout.strip()) / "_wijkradar_test_deps.pth").write_text(ours + "\n")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    check = _run([str(python), "-m", "pip", "check"])
    assert "wijkradar" not in check.stdout, check.stdout  # its requirements are all met
    return home


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    """An unrelated working folder."""
    return tmp_path_factory.mktemp("elders")


def _env(venv: Path, outside: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Only the virtualenv on PATH: no node, npm, git; no checkout on sys.path."""
    env = {
        "PATH": str(venv / BIN),
        "HOME": str(outside / "home"),
        "LANG": "C.UTF-8",
        "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
        **(extra or {}),
    }
    for tool in ("node", "npm", "git"):
        assert shutil.which(tool, path=env["PATH"]) is None, tool
    return env


def test_wheel_carries_pages_profiles_settings_and_leaflet(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        provenance = {
            where: json.loads(zf.read(f"{where}/PROVENANCE.json"))
            for where in ("wijkradar/vendor/leaflet", "wijkradar/_app/static/vendor/leaflet")
        }
        shipped = {n: zf.read(n) for n in names if "vendor/leaflet/" in n}
        config = tomllib.loads(zf.read("wijkradar/_app/.streamlit/config.toml").decode())
        app_copy = zf.read("wijkradar/_app/app.py")
        pages = {p.name: zf.read(f"wijkradar/_app/ui/{p.name}") for p in ROOT.glob("ui/*.py")}
    # the app keeps the checkout's layout inside the package; nothing app-like at the top
    assert all(data == (ROOT / "ui" / name).read_bytes() for name, data in pages.items())
    assert "kaart.py" in pages and "common.py" in pages
    tops = {n.split("/")[0] for n in names if not n.startswith("wijkradar-")}
    assert tops == {"wijkradar", "geo", "models"}
    code = {
        str(p.relative_to(ROOT))
        for top in ("wijkradar", "geo", "models")
        for p in (ROOT / top).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert code <= names, sorted(code - names)  # every module, subpackages included
    assert "wijkradar/voorbeeld/buurten_GM0307_2024.geojson" in names
    assert app_copy == (ROOT / "app.py").read_bytes()
    assert config == tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert {"models/profiles/kansrijke-wijk.yaml", "models/profiles/eenzaamheid.yaml"} <= names
    assert not any(n.startswith(("tests/", "node_modules/", "bench/")) for n in names)
    leaflet = ROOT / "node_modules" / "leaflet"
    for where, record in provenance.items():
        assert record["version"] == LEAFLET_LOCK["version"]
        assert record["integrity"] == LEAFLET_LOCK["integrity"]
        assert {"leaflet.js", "leaflet.css", "LICENSE"} <= set(record["sha256"])
        for name, digest in record["sha256"].items():
            data = shipped[f"{where}/{name}"]
            assert hashlib.sha256(data).hexdigest() == digest, name
            source = leaflet / ("LICENSE" if name == "LICENSE" else f"dist/{name}")
            assert data == source.read_bytes(), name


def test_sdist_carries_leaflet_so_the_wheel_builds_without_npm(dist):
    import tarfile

    (sdist,) = dist.glob("wijkradar-*.tar.gz")
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    assert {
        "setup.py",
        "app.py",
        "ui/kaart.py",
        ".streamlit/config.toml",
        "package-lock.json",
        "node_modules/leaflet/dist/leaflet.js",
        "node_modules/leaflet/LICENSE",
    } <= names


def test_installed_cli_scores_with_a_shipped_profile(venv, outside, loopback_data):
    env_base = {"WIJKRADAR_HTTP_RETRIES": "0"}
    with LoopbackServer(loopback_data) as srv:
        env = _env(venv, outside, {**srv.env(), **env_base})
        where = _run(
            ["python", "-c", "import wijkradar, geo, models; print(wijkradar.__file__)"],
            cwd=outside,
            env=env,
        )
        assert where.returncode == 0, where.stderr
        assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # not the checkout
        start = time.perf_counter()
        helped = _run(["wijkradar", "--help"], cwd=outside, env=env)
        assert helped.returncode == 0 and " app " in helped.stdout.replace("\n", " ")
        assert time.perf_counter() - start < 60
        out = outside / "scores.csv"
        proc = _run(
            [
                "wijkradar",
                "score",
                "--gemeente",
                "GM0307",
                "--profiel",
                "kansrijke-wijk",
                "--trekkingen",
                "20",
                "--uit",
                str(out),
            ],
            cwd=outside,
            env={**env, "WIJKRADAR_DATA_DIR": str(outside / "data")},
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    scores = pd.read_csv(out, dtype={"buurtcode": str})
    assert len(scores) == 145 and scores["buurtcode"].str.startswith("BU0307").all()
    assert scores["score"].notna().sum() > 100
    assert {"rang_laag", "rang_hoog", "kans_top"} <= set(scores.columns)


#: Sources that cannot answer: the example gemeente must draw from the installed files alone.
UNREACHABLE = {
    "WIJKRADAR_CBS_ODATA_URL": "http://127.0.0.1:9/ODataApi/odata",
    "WIJKRADAR_CBS_DATADERDEN_URL": "http://127.0.0.1:9/dataderden",
    "WIJKRADAR_PDOK_URL": "http://127.0.0.1:9",
    "WIJKRADAR_PDOK_LOCATIESERVER_URL": "http://127.0.0.1:9/locatieserver",
    "WIJKRADAR_BASEMAP_URL": "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png",
    "WIJKRADAR_HTTP_RETRIES": "0",
    "WIJKRADAR_HTTP_TIMEOUT": "2",
}


def test_installed_app_draws_the_example_gemeente_without_node(venv, outside, browser):  # noqa: F811
    """``wijkradar app`` of the wheel, no sources reachable: the voorbeeldgemeente's map."""
    data_dir = outside / "app-data"
    env = _env(venv, outside, UNREACHABLE)
    site = _run(
        [
            "python",
            "-c",
            "import wijkradar, pathlib; print(pathlib.Path(wijkradar.__file__).parent)",
        ],
        env=env,
        cwd=outside,
    ).stdout.strip()
    assert Path(site).is_relative_to(venv)

    def listing() -> list[Path]:
        return sorted(
            p.relative_to(site) for p in Path(site).rglob("*") if "__pycache__" not in p.parts
        )

    before = listing()
    wijkradar_bin = str(venv / BIN / "wijkradar")
    with running_app(
        env,
        outside / "app.log",
        timeout=120,
        command=lambda port: [
            wijkradar_bin,
            "app",
            "--data-map",
            str(data_dir),
            "--poort",
            str(port),
        ],
        cwd=outside,
        inherit_env=False,
    ) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{base}/?gemeente=voorbeeld", wait_until="domcontentloaded")
        frame = page.frame_locator(MAP_FRAME)
        try:
            frame.locator(".leaflet-container").wait_for(timeout=180_000)
            frame.locator("path.wr-buurt").first.wait_for(timeout=60_000)
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "installed-app-failure.png"), full_page=True)
            shown = page.locator("body").inner_text()[-1500:]
            log = (outside / "app.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"no map; the page shows:\n{shown}\napp log:\n{log}")
        time.sleep(1.0)
        fills = _fills(frame)
        body = page.locator("body").inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "installed-voorbeeld.png"), full_page=True)
        leaflet_js = requests.get(f"{base}/app/static/vendor/leaflet/leaflet.js", timeout=10)
        page.close()
    assert len(fills) == 145  # Amersfoort 2024, the snapshot shipped in the wheel
    assert "oorbeeld" in body  # the page says it is the example, not live data
    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.js") for u in requested)
    assert leaflet_js.ok and f"Leaflet {LEAFLET_LOCK['version']}" in leaflet_js.text[:200]
    assert _offsite(requested) == []
    # the data went to --data-map, and nothing was written into the installed package
    assert any(data_dir.rglob("*.parquet"))
    assert listing() == before


def test_container_entrypoint_runs_in_the_clean_virtualenv(venv, outside):
    """What the image runs: secrets from the environment, then ``wijkradar app``."""
    entrypoint = ROOT / "docker" / "entrypoint.sh"
    assert os.access(entrypoint, os.X_OK)
    home = outside / "entry-home"
    auth = {
        "WIJKRADAR_AUTH_REDIRECT_URI": "https://wijkradar.example.nl/oauth2callback",
        "WIJKRADAR_AUTH_COOKIE_SECRET": 'geheim "met" \\ tekens',
        "WIJKRADAR_AUTH_CLIENT_ID": "wijkradar",
        "WIJKRADAR_AUTH_SERVER_METADATA_URL": "https://idp.example.nl/.well-known/openid-configuration",
    }
    secret_file = outside / "client_secret"
    secret_file.write_text("s3cr3t\n")
    env = _env(
        venv,
        outside,
        {
            **auth,
            "WIJKRADAR_AUTH_CLIENT_SECRET_FILE": str(secret_file),
            "HOME": str(home),
            "WIJKRADAR_ADDRESS": "127.0.0.1",
            "WIJKRADAR_DATA_DIR": str(outside / "entry-data"),
        },
    )
    incomplete = {k: v for k, v in env.items() if k != "WIJKRADAR_AUTH_CLIENT_ID"}
    refused = _run([str(entrypoint)], env={**incomplete, "WIJKRADAR_PORT": str(free_port())})
    assert refused.returncode != 0
    assert "WIJKRADAR_AUTH_CLIENT_ID" in refused.stderr
    # arguments after the entrypoint go to `wijkradar app` (the last --poort wins)
    with running_app(
        env,
        outside / "entry.log",
        timeout=120,
        command=lambda port: [str(entrypoint), "--poort", str(port)],
        cwd=outside,
        inherit_env=False,
    ) as base:
        assert requests.get(f"{base}/_stcore/health", timeout=5).text == "ok"
    secrets = home / ".streamlit" / "secrets.toml"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    written = tomllib.loads(secrets.read_text(encoding="utf-8"))["auth"]
    assert written == {
        "redirect_uri": auth["WIJKRADAR_AUTH_REDIRECT_URI"],
        "cookie_secret": auth["WIJKRADAR_AUTH_COOKIE_SECRET"],
        "client_id": "wijkradar",
        "client_secret": "s3cr3t",
        "server_metadata_url": auth["WIJKRADAR_AUTH_SERVER_METADATA_URL"],
    }
    assert (outside / "entry-data").is_dir()

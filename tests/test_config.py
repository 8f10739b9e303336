"""The data folder is one absolute place whatever the working directory."""

from pathlib import Path

from wijkradar.config import Settings, default_data_dir

ROOT = Path(__file__).resolve().parents[1]


def test_default_data_dir_is_the_checkout_data_folder_from_any_cwd(tmp_path, monkeypatch):
    monkeypatch.delenv("WIJKRADAR_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env().data_dir == ROOT / "data"
    monkeypatch.chdir(ROOT / "notebooks")  # where Jupyter starts its kernels
    assert Settings.from_env().data_dir == ROOT / "data"
    assert Settings().data_dir == ROOT / "data"


def test_installed_package_uses_the_per_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    site = tmp_path / "site-packages"  # a wheel install: no pyproject.toml beside the package
    (site / "wijkradar").mkdir(parents=True)
    assert default_data_dir(checkout=site) == tmp_path / "xdg" / "wijkradar"
    # a pyproject.toml of another project does not count as a checkout
    (site / "pyproject.toml").write_text('[project]\nname = "iets-anders"\n')
    assert default_data_dir(checkout=site) == tmp_path / "xdg" / "wijkradar"


def test_setting_wins_and_a_relative_one_is_made_absolute_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env({"WIJKRADAR_DATA_DIR": "mijn-data"})
    assert s.data_dir == tmp_path / "mijn-data"
    monkeypatch.chdir(ROOT)
    assert s.data_dir == tmp_path / "mijn-data"  # a later chdir changes nothing
    assert s.cache_dir == tmp_path / "mijn-data" / "cache"
    home = Settings.from_env({"WIJKRADAR_DATA_DIR": "~/wr"}).data_dir
    assert home.is_absolute() and "~" not in str(home)

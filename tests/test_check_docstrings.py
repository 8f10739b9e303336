"""The numpydoc check of ``make lint`` (tests/check_docstrings.py) finds what it should."""

import sys

from tests.check_docstrings import problems

GOOD = '''
def documented(a, b=1):
    """Add.

    Parameters
    ----------
    a : int
        First.
    b : int
        Second.

    Returns
    -------
    int
        The sum.
    """
    return a + b
'''
BAD = '''
def undocumented(a, b=1):
    """Add."""
    return a + b


def wrong_name(a):
    """Say nothing.

    Parameters
    ----------
    x : int
        Not in the signature.
    """
'''


def test_check_flags_missing_and_unknown_parameters_and_returns(tmp_path, monkeypatch):
    pkg = tmp_path / "docpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "from .mod import documented, undocumented, wrong_name\n"
        "__all__ = ['documented', 'undocumented', 'wrong_name']\n"
    )
    (pkg / "mod.py").write_text(GOOD + BAD)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "docpkg", raising=False)
    found = problems(("docpkg",))
    codes = {(line.split(":")[0], line.split()[1]) for line in found}
    assert codes == {
        ("docpkg.mod.undocumented", "PR01"),
        ("docpkg.mod.undocumented", "RT01"),
        ("docpkg.mod.wrong_name", "PR01"),
        ("docpkg.mod.wrong_name", "PR02"),
    }


def test_a_package_without_all_is_checked_module_by_module(tmp_path, monkeypatch):
    pkg = tmp_path / "modpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('"""Modules are imported one by one."""\n')
    (pkg / "good.py").write_text("__all__ = ['documented']\n" + GOOD)
    (pkg / "bad.py").write_text("__all__ = ['undocumented']\n" + BAD)
    (pkg / "_private.py").write_text("__all__ = ['wrong_name']\n" + BAD)
    monkeypatch.syspath_prepend(str(tmp_path))
    found = problems(("modpkg",))
    assert sorted(line.split()[1] for line in found) == ["PR01", "RT01"]
    assert all(line.startswith("modpkg.bad.undocumented:") for line in found)


def test_modules_a_package_lists_in_all_are_checked(tmp_path, monkeypatch):
    pkg = tmp_path / "listpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from . import bad\n__all__ = ['bad']\n")
    (pkg / "bad.py").write_text("__all__ = ['undocumented']\n" + BAD)
    monkeypatch.syspath_prepend(str(tmp_path))
    found = problems(("listpkg",))
    assert [line.split()[1] for line in found] == ["PR01", "RT01"]


CLASSES = '''
import dataclasses


class Client:
    """Talk to a server."""

    def __init__(self, url, *, timeout=30):
        self.url = url

    def get(self, path):
        """Get ``path``."""
        return self.url + path

    def _private(self, x):
        return x


@dataclasses.dataclass
class Record:
    """A row; its fields are documented where they are declared."""

    #: The key.
    key: str
    value: float = 0.0


@dataclasses.dataclass
class Documented:
    """A row.

    Attributes
    ----------
    key, value : str
        Documented in the class docstring.
    """

    key: str
    value: str
    _cache: dict = dataclasses.field(default_factory=dict)
'''


def test_module_all_classes_and_their_methods_are_checked(tmp_path, monkeypatch):
    """A module's ``__all__`` counts even when its package's ``__all__`` does not list it."""
    pkg = tmp_path / "clspkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("__all__ = []\n")
    (pkg / "api.py").write_text(
        "__all__ = ['Client', 'Record', 'Documented', 'undocumented']\n" + CLASSES + BAD
    )
    # a module without __all__ is never imported (Streamlit pages run when imported)
    (pkg / "page.py").write_text("raise RuntimeError('a page must not be imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = problems(("clspkg",))
    codes = {(line.split(":")[0], line.split()[1]) for line in found}
    assert "clspkg.api.Record: PR01 fields value not documented" in found
    assert codes == {
        ("clspkg.api.Client", "PR01"),  # url and timeout of the hand-written __init__
        ("clspkg.api.Client.get", "PR01"),
        ("clspkg.api.Client.get", "RT01"),
        ("clspkg.api.Record", "PR01"),  # value: neither in the docstring nor with #:
        ("clspkg.api.undocumented", "PR01"),
        ("clspkg.api.undocumented", "RT01"),
    }

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

"""Defaults the command line shows in ``--help``: plain constants, nothing imported.

They live here, not in :mod:`wijkradar.pipeline` or :mod:`wijkradar.profiles` (which
re-export them), so that ``wijkradar score --help`` builds its parser without loading
pandas, geopandas or YAML (``tests/test_imports.py``).
"""

from __future__ import annotations

__all__ = ["DEFAULT_JAAR", "DEFAULT_PROFILE"]

#: Indeling year used when none is given (CLI ``--jaar``, the app's first view).
DEFAULT_JAAR = 2024
#: Shipped profile used when none is given (CLI ``--profiel``).
DEFAULT_PROFILE = "kansrijke-wijk"

"""The one front door of every method table: ``{id: implementation}``, looked up by id.

Normalisations, missing-value policies, aggregations, weightings (here), map classifications
(:data:`wijkradar.render.maps.SCHEMES`) and distance decays (the 2SFCA) are all tables of the same
shape: a string id, as in the profile YAML and the URL, mapped to what it does. The labels
people read live in the app (``ui/labels.py``), never here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

__all__ = ["pick_method"]

T = TypeVar("T")


def pick_method(
    table: Mapping[str, T], name: str, what: str, *, error: type[Exception] = ValueError
) -> T:
    """The implementation of method ``name`` in ``table``.

    Parameters
    ----------
    table : mapping
        A method table, id -> implementation.
    name : str
        The id asked for.
    what : str
        What kind of method, for the message (``"normalisatie"``; Dutch, it reaches users).
    error : type of Exception
        The exception to raise for an unknown id (:class:`ValueError` or a subclass).

    Returns
    -------
    object
        ``table[name]``.

    Raises
    ------
    ValueError
        (or ``error``) For an unknown id; the message lists the known ones.

    Examples
    --------
    >>> pick_method({"step": abs}, "step", "afstandsverval")
    <built-in function abs>
    >>> pick_method({"step": abs}, "stap", "afstandsverval")
    Traceback (most recent call last):
    ...
    ValueError: afstandsverval 'stap' is onbekend; kies uit: step
    """
    try:
        return table[name]
    except KeyError:
        raise error(f"{what} {name!r} is onbekend; kies uit: {', '.join(table)}") from None

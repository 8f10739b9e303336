"""Errors of the scoring package: part of the one Wijkradar error hierarchy (:mod:`geo.errors`)."""

from __future__ import annotations

from geo.errors import WijkradarError

__all__ = ["ProfileError"]


class ProfileError(WijkradarError, ValueError):
    """A scoring profile is invalid for the data it is applied to; the message says why.

    It is a :class:`~geo.errors.WijkradarError`, so the command line and the app show its
    (Dutch) message instead of a traceback, and a :class:`ValueError` for callers that
    catch bad arguments generically.
    """

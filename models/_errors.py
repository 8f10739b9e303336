"""Errors of the scoring package."""

from __future__ import annotations

__all__ = ["ProfileError"]


class ProfileError(ValueError):
    """A scoring profile is invalid for the data it is applied to; the message says why."""

"""Who may write, the audit trail of app writes, and the one way pages save something.

With a login configured (``[auth]`` in ``secrets.toml``) only signed-in users may write;
without one anyone may, under the name typed in the sidebar (:func:`identity_widget`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from geo.errors import WijkradarError
from geo.registry import ImportRejected
from models import ProfileError
from ui.cached import registry
from ui.state import settings
from wijkradar.escape import markdown_text as md

T = TypeVar("T")

LOGIN_NEEDED = "Log in om dit te doen; zonder inloggen kunt u alleen kijken."
NAME_NEEDED = "Vul links uw naam in (of log in) om dit op te slaan."
# what a save may fail with: the project's errors (conflicts, rejected rows, bad profiles,
# an unreachable registry) and the file system
SAVE_ERRORS: tuple[type[Exception], ...] = (WijkradarError, ProfileError, OSError)


def login_configured() -> bool:
    """Whether ``secrets.toml`` configures a login (``[auth]``, for ``st.login``)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return False


def _signed_in() -> bool:
    return bool(getattr(st.user, "is_logged_in", False))


def _account() -> str:
    return str(st.user.get("email") or st.user.get("name") or "")


def identity_widget() -> None:
    """The sidebar's login buttons, or the name field for the audit trail (drawn once)."""
    if login_configured():
        if not _signed_in():
            st.caption("Log in om het register te bewerken.")
            if st.button("Inloggen"):
                st.login()
            return
        st.caption(f"Ingelogd als {md(_account())}")
        if st.button("Uitloggen"):
            st.logout()
        return
    st.text_input("Uw naam (voor het logboek)", key="editor_name", help="Wie wijzigt wat, wanneer.")


def editor_name() -> str:
    """Who edits the registry (for the audit trail); empty when editing is not allowed.

    With a login configured only signed-in users may edit, under their account name;
    otherwise the name typed in the sidebar.
    """
    if login_configured():
        return _account() if _signed_in() else ""
    return str(st.session_state.get("editor_name") or "").strip()[:100]


def writer() -> str | None:
    """Who may change data or profiles, for the audit trail; None when that is not allowed.

    With a login configured only signed-in users may write (profile save/upload, file
    import, fetching again, registry edits). Without one anyone may, under the name typed in
    the sidebar (or "app (geen naam)").
    """
    if login_configured():
        if not _signed_in():
            return None
        return (_account() or "ingelogd")[:100]
    return editor_name() or "app (geen naam)"


def log_write(action: str, entity: str, key: str | None, after: dict | None = None) -> None:
    """Add an app write to the registry's audit trail (who, what, when)."""
    from wijkradar.registry import audit

    audit(
        settings(),
        user=writer() or "onbekend",
        action=action,
        entity=entity,
        key=key,
        after=after,
        registry=registry(),
    )


def try_save(
    save: Callable[[], T], *, failed: str, errors: tuple[type[Exception], ...] = SAVE_ERRORS
) -> tuple[bool, T | None]:
    """Run one write; a known failure shows ``failed: <reason>`` in Dutch, never a traceback.

    A rejected record (:class:`ImportRejected`) shows its problems as a table.

    Parameters
    ----------
    save
        The write, without arguments (a lambda around the service call).
    failed
        The start of the message on failure, e.g. ``"Profiel niet opgeslagen"``.
    errors
        The exceptions that mean "not saved" (others are bugs and propagate).

    Returns
    -------
    tuple of (bool, object)
        Whether it was saved, and what ``save`` returned (None when not saved).
    """
    try:
        return True, save()
    except errors as exc:
        if isinstance(exc, ImportRejected):  # every problem, as a table (rij, veld, ...)
            st.error(f"{failed}:")
            st.dataframe(exc.report(), hide_index=True)
        else:
            st.error(f"{failed}: {md(exc)}")
        return False, None

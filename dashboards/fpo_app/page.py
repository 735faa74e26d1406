"""What every page of the FPO app is drawn for: the reader's words, the published version and the FPO.

The shell (app.py) decides them on each run (the FPO from the signed-in principal, never from the page's
inputs) and hands them to the page script st.navigation runs next, through this session's state."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboards.fpo_app.present import Words
from serving.api.db import Version

_KEY = "_hasiru_page"


@dataclass(frozen=True)
class Page:
    words: Words
    v: Version
    fpo_id: str

    @property
    def L(self) -> dict:  # noqa: N802 - the pages' short name for their labels
        return self.words.L


def set_current(page: Page) -> None:
    st.session_state[_KEY] = page


def clear() -> None:
    """Signed out: no page keeps the last manager's FPO."""
    st.session_state.pop(_KEY, None)


def current() -> Page:
    """The page's context; a page script run without the shell (no sign-in) stops here."""
    page = st.session_state.get(_KEY)
    if page is None:
        st.stop()
    return page

"""Hasiru Mitra for FPO managers (Streamlit): `hasiru fpo-app`, or `streamlit run dashboards/fpo_app/app.py`.

Sign in with an app user id and password (`hasiru fpo-app-user --user-id ...`). An FPO admin sees only
their FPO; a platform admin may switch FPOs. The FPO shown is decided here from the principal, never
taken from the page's inputs, and every query filters by it (dashboards/fpo_app/data.py).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, when run by `streamlit run`

import streamlit as st  # noqa: E402

from dashboards.fpo_app import auth, data  # noqa: E402
from dashboards.fpo_app.labels import LANGUAGES  # noqa: E402
from dashboards.fpo_app.page import Page, clear, set_current  # noqa: E402
from dashboards.fpo_app.present import Words  # noqa: E402
from serving.api.db import NotPublished, ServingDB  # noqa: E402
from serving.limits import SignInGuard  # noqa: E402
from serving.publish import api_path  # noqa: E402

# each page a script of its own under views/, at its own URL (/overview, /members, ...)
PAGES = ("overview", "members", "prices", "alerts", "certification", "sms")
VIEWS = Path(__file__).resolve().parent / "views"


@st.cache_resource
def serving_db(path: str) -> ServingDB:
    return ServingDB(Path(path))


@st.cache_resource
def guard() -> SignInGuard:
    """One per server process, shared by every browser session (a new session is no way around it)."""
    return SignInGuard()


def client_address() -> str:
    return st.context.ip_address or "unknown"


def sign_in(L: dict, db: ServingDB) -> None:
    st.title(L["title"])
    if st.session_state.pop("session_ended", False):
        st.warning(L["session_ended"])
    with st.form("sign_in"):
        user_id = st.text_input(L["user_id"], key="login_user")
        password = st.text_input(L["password"], type="password", key="login_password")
        submitted = st.form_submit_button(L["sign_in"])
    if submitted:
        user_id, address = user_id.strip(), client_address()
        wait = guard().wait(user_id, address)
        if wait:  # locked out: the password is not even checked
            st.error(L["locked"].format(minutes=max(1, round(wait / 60))))
            return
        who = db.current().principals.get(user_id)
        if who and who[0] in auth.ROLES and auth.verify(user_id, password) and (who[0] == "platform_admin" or who[2]):
            guard().succeeded(user_id)
            st.session_state["user"] = {"user_id": user_id, "role": who[0], "fpo_id": who[2],
                                        "credential": auth.credential_id(user_id)}
            st.rerun()
        guard().failed(user_id, address)
        st.error(L["bad_login"])



def main() -> None:
    st.set_page_config(page_title="Hasiru Mitra FPO", page_icon="🌱", layout="wide")
    lang = LANGUAGES[st.sidebar.radio("Language / ಭಾಷೆ", list(LANGUAGES), key="language")]
    words = Words(lang)
    L = words.L
    db = serving_db(str(api_path()))
    try:
        v = db.current()
    except NotPublished as e:
        st.error(str(e))
        return
    user = st.session_state.get("user")
    if user is not None and not auth.still_allowed(user, v.principals):
        del st.session_state["user"]
        st.session_state["session_ended"] = True
        user = None
    if user is None:  # the only page there is until someone signs in (every other URL lands here)
        clear()
        st.navigation([st.Page(lambda: sign_in(L, db), title=L["sign_in"], url_path="sign-in")], position="hidden").run()
        return
    if user["role"] == "platform_admin":
        options = data.fpos(v)
        labels_ = [f"{r.fpo_id} · {r.fpo_name}" for r in options.itertuples()]
        fpo_id = options["fpo_id"].iloc[labels_.index(st.sidebar.selectbox(L["fpo"], labels_, key="fpo_choice"))]
    else:
        fpo_id = user["fpo_id"]  # an FPO admin: their own FPO, whatever the inputs say
        st.sidebar.write(f"{L['fpo']}: {fpo_id}")
    if st.sidebar.button(L["sign_out"]):
        del st.session_state["user"]
        st.rerun()
    set_current(Page(words, v, fpo_id))
    st.navigation([st.Page(VIEWS / f"{name}.py", title=L[name], url_path=name, default=name == PAGES[0])
                   for name in PAGES]).run()


main()

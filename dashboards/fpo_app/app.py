"""Hasiru Mitra for FPO managers (Streamlit): `hasiru fpo-app`, or `streamlit run dashboards/fpo_app/app.py`.

Sign in with an app user id and password (`hasiru fpo-app-user --user-id ...`). An FPO admin sees only
their FPO; a platform admin may switch FPOs. The FPO shown is decided here from the principal, never
taken from the page's inputs, and every query filters by it (dashboards/fpo_app/data.py).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, when run by `streamlit run`

import altair as alt  # noqa: E402
import streamlit as st  # noqa: E402

from dashboards.fpo_app import auth, data  # noqa: E402
from dashboards.fpo_app.labels import LANGUAGES, labels  # noqa: E402
from serving.api.db import NotPublished, ServingDB  # noqa: E402
from serving.limits import SignInGuard  # noqa: E402
from serving.publish import api_path  # noqa: E402

PAGES = ("overview", "members", "prices", "alerts", "certification", "sms")


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



def page_overview(L, v, fpo_id):
    o = data.overview(v, fpo_id)
    st.header(f"{o['name']} · {o['district']}")
    c = st.columns(4)
    c[0].metric(L["members_active"], f"{o['members_active']:,}")
    c[1].metric(L["farms"], f"{o['farms']:,}")
    c[2].metric(L["area_acres"], f"{o['area_acres']:,.1f}")
    c[3].metric(L["harvest_30d"], f"{o['harvest_30d_acres']:,.1f}")
    st.subheader(L["area_by_crop"])
    if len(o["by_crop"]):
        st.altair_chart(alt.Chart(o["by_crop"]).mark_bar().encode(
            x=alt.X("area_acres:Q", title=L["area_acres"]), y=alt.Y("crop:N", sort="-x", title=L["crop"]),
            color=alt.Color("season:N", title=L["season"])), width="stretch")
    st.subheader(L["harvests_ahead"])
    if len(o["harvests"]):
        st.altair_chart(alt.Chart(o["harvests"]).mark_bar().encode(
            x=alt.X("week:T", title=L["week"]), y=alt.Y("area_acres:Q", title=L["area_acres"]),
            color=alt.Color("crop:N", title=L["crop"])), width="stretch")
    else:
        st.info(L["nothing"])


def page_members(L, v, fpo_id):
    st.header(L["members"])
    points = data.farm_points(v, fpo_id)
    st.subheader(L["map"])
    if len(points):
        st.map(points, latitude="lat", longitude="lon", size=60)
    m = data.members(v, fpo_id)
    st.dataframe(m.rename(columns={"name": L["name"], "village": L["village"], "farms": L["farms"],
                                   "area_acres": L["area_acres"], "current_crop": L["current_crop"]}),
                 hide_index=True, width="stretch")


def page_prices(L, v, fpo_id):
    st.header(L["prices"])
    crops = data.commodities(v, fpo_id)
    if not crops:
        st.info(L["nothing"])
        return
    crop = st.selectbox(L["commodity"], crops, key="price_commodity")
    mandis = data.nearby_mandis(v, fpo_id, crop)
    if not len(mandis):
        st.info(L["no_forecast"])
        return
    choice = st.selectbox(L["mandi"], [f"{r.mandi_name} ({r.distance_km:g} km)" for r in mandis.itertuples()], key="price_mandi")
    mandi = mandis.iloc[[f"{r.mandi_name} ({r.distance_km:g} km)" for r in mandis.itertuples()].index(choice)]
    series = data.price_series(v, mandi["mandi_code"], crop)
    series["kind"] = series["kind"].map({"actual": L["actual"], "forecast": L["forecast"]})
    st.subheader(L["price_chart"])
    band = alt.Chart(series.dropna(subset=["lo80"])).mark_area(opacity=0.25).encode(x="date:T", y="lo80:Q", y2="hi80:Q")
    line = alt.Chart(series).mark_line().encode(x=alt.X("date:T"), y=alt.Y("price:Q", title="Rs/quintal"), color="kind:N")
    st.altair_chart(band + line, width="stretch")
    acc = data.forecast_accuracy(v, mandi["mandi_code"], crop)
    if acc:
        st.caption(forecast_caption(L, acc))


def forecast_caption(L, acc: dict) -> str:
    """Which model made the forecast and how accurate it was on this series, in the reader's language."""
    model = L["models"].get(acc["model"], acc["model"])
    rel, cov = acc["backtest_rel_mae_naive"], acc["backtest_coverage80"]
    if rel is None or rel != rel or not acc["backtest_days"]:
        accuracy = L["accuracy_unknown"]
    else:
        accuracy = L["accuracy"].format(err=round(100 * (1 - rel)), cov=round(100 * (cov or 0)), days=acc["backtest_days"])
    band = L["band_conformal"] if acc["interval_basis"] == "conformal" else L["band_random_walk"]
    return f"{L['forecast_by'].format(model=model)} {accuracy} {band}"


def page_alerts(L, v, fpo_id):
    st.header(L["alerts"])
    for title, frame in ((L["sensor_alerts"], data.sensor_alerts(v, fpo_id)), (L["advice_alerts"], data.advice_alerts(v, fpo_id)),
                         (L["weather_alerts"], data.weather_alerts(v, fpo_id))):
        st.subheader(f"{title}: {len(frame):,}")
        if len(frame):
            st.dataframe(frame, hide_index=True, width="stretch")
        else:
            st.caption(L["nothing"])
    st.subheader(L["verification"])
    checks = data.advice_verification(v, fpo_id)
    if len(checks):
        st.caption(L["verification_help"])
        st.dataframe(checks.assign(check=checks["check"].map(lambda c: L["checks"].get(c, c))), hide_index=True, width="stretch")
    else:
        st.caption(L["nothing"])


def page_certification(L, v, fpo_id):
    st.header(L["certification"])
    apps = data.certification(v, fpo_id)
    c = st.columns(2)
    c[0].metric(L["applications"], f"{len(apps):,}")
    c[1].metric(L["overdue"], f"{int(apps['is_overdue'].sum()) if len(apps) else 0:,}")
    if len(apps):
        counts = apps.groupby("step", as_index=False).size()
        st.altair_chart(alt.Chart(counts).mark_bar().encode(x=alt.X("size:Q", title=L["applications"]),
                                                             y=alt.Y("step:N", title=L["step"])), width="stretch")
        st.dataframe(apps, hide_index=True, width="stretch")


def page_sms(L, v, fpo_id):
    st.header(L["sms"])
    msgs = data.sms(v, fpo_id)
    total = int(msgs["messages"].sum()) if len(msgs) else 0
    delivered = int(msgs.loc[msgs["status"] == "delivered", "messages"].sum()) if len(msgs) else 0
    sent = int(msgs.loc[msgs["status"].isin(["sent", "delivered", "undelivered"]), "messages"].sum()) if len(msgs) else 0
    c = st.columns(4)
    c[0].metric(L["queued"], f"{total - sent:,}")
    c[1].metric(L["sent"], f"{sent:,}")
    c[2].metric(L["delivered"], f"{delivered:,}")
    c[3].metric(L["delivery_rate"], f"{delivered / sent:.0%}" if sent else "-")
    if len(msgs):
        st.subheader(L["by_day"])
        st.altair_chart(alt.Chart(msgs).mark_bar().encode(x=alt.X("digest_date:T", title=""), y=alt.Y("sum(messages):Q", title=""),
                                                           color=alt.Color("status:N", title=L["status"])), width="stretch")


RENDER = {"overview": page_overview, "members": page_members, "prices": page_prices, "alerts": page_alerts,
          "certification": page_certification, "sms": page_sms}


def main() -> None:
    st.set_page_config(page_title="Hasiru Mitra FPO", page_icon="🌱", layout="wide")
    lang = LANGUAGES[st.sidebar.radio("Language / ಭಾಷೆ", list(LANGUAGES), key="language")]
    L = labels(lang)
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
    if user is None:
        sign_in(L, db)
        return
    if user["role"] == "platform_admin":
        options = data.fpos(v)
        labels_ = [f"{r.fpo_id} · {r.fpo_name}" for r in options.itertuples()]
        fpo_id = options["fpo_id"].iloc[labels_.index(st.sidebar.selectbox(L["fpo"], labels_, key="fpo_choice"))]
    else:
        fpo_id = user["fpo_id"]  # an FPO admin: their own FPO, whatever the inputs say
        st.sidebar.write(f"{L['fpo']}: {fpo_id}")
    page = st.sidebar.radio(L["page"], PAGES, format_func=lambda p: L[p], key="page")
    if st.sidebar.button(L["sign_out"]):
        del st.session_state["user"]
        st.rerun()
    RENDER[page](L, v, fpo_id)


main()

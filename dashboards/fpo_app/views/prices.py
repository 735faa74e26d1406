"""Prices: the last 90 days and the champion's forecast with its 80 % band at the mandis nearest the FPO,
and which model made it and how right it was on this series."""

import altair as alt
import streamlit as st

from dashboards.fpo_app import data
from dashboards.fpo_app.page import current

p = current()
L, w = p.L, p.words


def forecast_caption(acc: dict) -> str:
    """Which model made the forecast and how accurate it was on this series, in the reader's language."""
    model = L["models"].get(acc["model"], acc["model"])
    rel, cov = acc["backtest_rel_mae_naive"], acc["backtest_coverage80"]
    if rel is None or rel != rel or not acc["backtest_days"]:
        accuracy = L["accuracy_unknown"]
    else:
        accuracy = L["accuracy"].format(err=round(100 * (1 - rel)), cov=round(100 * (cov or 0)), days=acc["backtest_days"])
    band = L["band_conformal"] if acc["interval_basis"] == "conformal" else L["band_random_walk"]
    return f"{L['forecast_by'].format(model=model)} {accuracy} {band}"


st.header(L["prices"])
crops = data.commodities(p.v, p.fpo_id)
if not crops:
    st.info(L["nothing"])
    st.stop()
crop = st.selectbox(L["commodity"], crops, key="price_commodity", format_func=w.crop)
mandis = data.nearby_mandis(p.v, p.fpo_id, crop)
if not len(mandis):
    st.info(L["no_forecast"])
    st.stop()
choices = [f"{r.mandi_name} ({r.distance_km:g} km)" for r in mandis.itertuples()]
mandi = mandis.iloc[choices.index(st.selectbox(L["mandi"], choices, key="price_mandi"))]
series = data.price_series(p.v, mandi["mandi_code"], crop)
series["kind"] = series["kind"].map({"actual": L["actual"], "forecast": L["forecast"]})
st.subheader(L["price_chart"])
x = alt.X("date:T", title=L["date"], axis=alt.Axis(format="%d/%m"))
band = alt.Chart(series.dropna(subset=["lo80"])).mark_area(opacity=0.25).encode(x=x, y="lo80:Q", y2="hi80:Q")
line = alt.Chart(series).mark_line(point=True).encode(
    x=x, y=alt.Y("price:Q", title=L["price_axis"], axis=alt.Axis(format=",.0f"), scale=alt.Scale(zero=False)),
    color=alt.Color("kind:N", title=""),
    tooltip=[alt.Tooltip("date:T", title=L["date"], format="%d/%m/%Y"), alt.Tooltip("kind:N", title=""),
             alt.Tooltip("price:Q", title=L["price_axis"], format=",.0f")])
st.altair_chart(band + line, width="stretch")
acc = data.forecast_accuracy(p.v, mandi["mandi_code"], crop)
if acc:
    st.caption(forecast_caption(acc))

"""The FPO app's maps without a tile server: Karnataka's district boundaries (static/karnataka_districts.geojson,
DataMeet's Census 2011 layer, simplified; static/SOURCE.txt) drawn by Vega-Lite in the browser, which fetches
the file once from the app's own static route, district names in the reader's language, and the points on top
coloured by what the manager looks for (crop, sensor status)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import altair as alt
import pandas as pd

GEOJSON = Path(__file__).with_name("static") / "karnataka_districts.geojson"
GEOJSON_URL = "app/static/karnataka_districts.geojson"  # relative: right under any base path
PAD_DEG = 0.15  # margin around the points, degrees (~15 km)
MIN_SPAN_DEG = 0.6  # a view at least this wide, so a few farms close together still show their district


@functools.lru_cache(maxsize=1)
def district_labels() -> list[dict]:
    """One label point per district, with its English and Kannada name."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    return [{"lon": f["properties"]["label_lon"], "lat": f["properties"]["label_lat"],
             "en": f["properties"]["name_en"], "kn": f["properties"]["name_kn"]} for f in features]


@functools.lru_cache(maxsize=None)
def _base(language: str) -> tuple[alt.Chart, alt.Chart]:
    """The district layers, built once per language."""
    geojson = alt.Data(url=GEOJSON_URL, format=alt.DataFormat(type="json", property="features"))
    shapes = alt.Chart(geojson).mark_geoshape(fill="#eef3e6", stroke="#7d8f6a", strokeWidth=1, clip=True)
    names = alt.Chart(alt.Data(values=district_labels())).mark_text(fontSize=13, color="#56624a", clip=True).encode(
        longitude="lon:Q", latitude="lat:Q", text=f"{language}:N")
    return shapes, names


def _frame(points: pd.DataFrame) -> dict:
    """The part of the map to show: the points' extent with a margin, as a GeoJSON box for the projection's fit."""
    lon0, lon1, lat0, lat1 = points["lon"].min(), points["lon"].max(), points["lat"].min(), points["lat"].max()
    grow_lon, grow_lat = max(0.0, MIN_SPAN_DEG - (lon1 - lon0)) / 2, max(0.0, MIN_SPAN_DEG - (lat1 - lat0)) / 2
    w, e = lon0 - PAD_DEG - grow_lon, lon1 + PAD_DEG + grow_lon
    s, n = lat0 - PAD_DEG - grow_lat, lat1 + PAD_DEG + grow_lat
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [[[w, s], [w, n], [e, n], [e, s], [w, s]]]}}


def point_map(points: pd.DataFrame, colour: str, legend: str, language: str, tooltip: list,
              height: int = 460) -> alt.LayerChart:
    """`points` (lat, lon and the `colour` column, already in the reader's words) on the district map."""
    shapes, names = _base(language)
    box = _frame(points)
    dots = alt.Chart(points).mark_circle(size=110, opacity=0.9, stroke="white", strokeWidth=1).encode(
        longitude="lon:Q", latitude="lat:Q", color=alt.Color(f"{colour}:N", title=legend), tooltip=tooltip)
    return alt.layer(shapes, names, dots).project(type="mercator", fit=box).properties(height=height)

"""Karnataka master data (reference/*.csv, also dbt's seeds), read by production code and by the
simulator (never the other way round): districts with their headquarters' coordinates, elevation and
agro-climatic region; blocks; mandis; commodities; the agricultural calendar."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import zlib
from dataclasses import dataclass
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Karnataka's agricultural seasons (the agriculture department's crop calendars)
SEASON_MONTHS = {"kharif": (6, 7, 8, 9, 10), "rabi": (11, 12, 1, 2), "summer": (3, 4, 5)}


def season_of(day: dt.date) -> str:
    return next(s for s, months in SEASON_MONTHS.items() if day.month in months)


@functools.lru_cache(maxsize=None)
def rows(name: str) -> tuple[dict[str, str], ...]:
    with (REFERENCE_DIR / name).open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def district_climate() -> dict[str, tuple[float, bool]]:
    """district -> (headquarters elevation in m, coastal?) for ET0 (the block's district stands for the block)."""
    return {r["district"]: (float(r["hq_elevation_m"]), r["agro_region"] == "coastal") for r in rows("karnataka_districts.csv")}


@dataclass(frozen=True)
class Geography:
    districts: list[dict]
    blocks: list[dict]  # district, block, block_code, lat, lon, agro_region
    mandis: list[dict]  # mandi_code, mandi_name, lat, lon, district


@functools.lru_cache(maxsize=1)
def geography() -> Geography:
    """Districts, blocks and mandis. Block centres are not in the public data: each block is placed near its
    district's headquarters, stably per block (within 0.3 degrees), until real block centroids are loaded."""
    districts = [dict(r) for r in rows("karnataka_districts.csv")]
    by_name = {d["district"]: d for d in districts}
    blocks = []
    for b in rows("karnataka_blocks.csv"):
        d = by_name[b["district"]]
        h = zlib.crc32(b["block_code"].encode())
        dlat = ((h & 0xFFFF) / 0xFFFF - 0.5) * 0.6
        dlon = (((h >> 16) & 0xFFFF) / 0xFFFF - 0.5) * 0.6
        blocks.append({**b, "lat": float(d["hq_lat"]) + dlat, "lon": float(d["hq_lon"]) + dlon, "agro_region": d["agro_region"]})
    mandis = [{**m, "lat": float(m["lat"]), "lon": float(m["lon"])} for m in rows("karnataka_mandis.csv")]
    return Geography(districts, blocks, mandis)


def commodities() -> list[str]:
    """The commodities the platform tracks (reference/commodities.csv)."""
    return sorted(r["commodity"] for r in rows("commodities.csv"))


# --- places as farmers read them -----------------------------------------------------------------

@dataclass(frozen=True)
class _Lgd:
    district_kn: dict[str, str]  # LGD district name (upper case) -> Kannada
    taluk: dict[tuple[str, str], tuple[str, str]]  # (district, taluk) upper case -> (LGD English name, Kannada or "")
    taluk_by_name: dict[str, list[tuple[str, str, str]]]  # taluk (upper) -> [(district, English, Kannada)]


@functools.lru_cache(maxsize=1)
def _lgd() -> _Lgd:
    district_kn, taluk, by_name = {}, {}, {}
    for r in rows("karnataka_admin_names.csv"):
        if r["level"] == "district":
            district_kn[r["name_en"].upper()] = r["name_kn"]
        elif r["level"] == "subdistrict":
            key = (r["district_name_en"].upper(), r["name_en"].upper())
            taluk[key] = (r["name_en"], r["name_kn"])
            by_name.setdefault(key[1], []).append((key[0], r["name_en"], r["name_kn"]))
    return _Lgd(district_kn, taluk, by_name)


def _title(name: str) -> str:
    return name if not name.isupper() else name.title()


def _district_kn(district: str) -> str | None:
    return _lgd().district_kn.get(district.upper()) or None


def district_name(district: str, language: str) -> str:
    """A district as a reader of `language` writes it: LGD's Kannada name for Kannada, else LGD's English one
    (MANDYA -> Mandya); a district LGD does not know keeps its own name."""
    return (_district_kn(district) if language == "kn" else None) or _title(district)


@functools.lru_cache(maxsize=None)
def block_place(district: str, block: str, language: str) -> str:
    """A block as an SMS names it. Kannada: the Local Government Directory's Kannada name of the taluk of that
    name in that district, else of the district (reference/karnataka_admin_names.csv; never a Latin name
    with Kannada endings glued to it, where LGD has a name); English and Hindi (LGD has no Devanagari
    names): the block's own name."""
    if language == "kn":
        found = _lgd().taluk.get((district.upper(), block.upper()))
        kn = (found[1] if found else "") or _district_kn(district)
        if kn:
            return kn
    return _title(block)


@functools.lru_cache(maxsize=1)
def _mandi_aliases() -> dict[str, dict[str, str]]:
    return {a["mandi_name"]: a for a in rows("mandi_lgd_places.csv")}


@functools.lru_cache(maxsize=None)  # a digest batch asks once per farmer, for a few hundred mandis
def mandi_place(mandi_name: str, district: str, language: str) -> str:
    """A mandi as an SMS names it: its town as the Local Government Directory spells it (the taluk of that
    name, through reference/mandi_lgd_places.csv for Agmarknet's old spellings: Belgaum is Belagavi), in
    Kannada for Kannada readers, else the mandi's district in Kannada; in English and Hindi the modern
    English name where LGD has the town, else Agmarknet's."""
    lgd = _lgd()
    alias = _mandi_aliases().get(mandi_name)
    english, kn = None, None
    if alias and alias["lgd_level"] == "district":
        english, kn = alias["lgd_name_en"], lgd.district_kn.get(alias["lgd_name_en"].upper())
    else:
        name = (alias["lgd_name_en"] if alias else mandi_name.split("(")[0].strip()).upper()
        found = lgd.taluk.get((district.upper(), name))
        if found is None and len(lgd.taluk_by_name.get(name, [])) == 1:
            found = lgd.taluk_by_name[name][0][1:]
        if found:
            english, kn = found
    if language == "kn":
        return kn or _district_kn(district) or mandi_name
    if alias and alias["english"]:
        return alias["english"]
    return _title(english) if english else mandi_name

"""FAO-56 reference evapotranspiration (Allen et al. 1998, FAO Irrigation and Drainage Paper 56), daily.

Penman-Monteith (eq. 6) with every input taken from the best data a source gives, in FAO-56's order
of preference, and recorded per value so an advisory can say what it rested on:
  vapour pressure ea   dew point (eq. 14) > RHmax and RHmin (eq. 17) > RHmax alone (eq. 18) >
                       mean RH (eq. 19) > Tmin as the dew point (eq. 48, chapter 3 "missing data");
  solar radiation Rs   measured > sunshine hours (Angstrom, eq. 35, as = 0.25, bs = 0.50) >
                       temperature range (Hargreaves' radiation formula, eq. 50: kRs 0.16 interior, 0.19 coastal);
  wind u2              measured at height z (eq. 47) > 2 m/s (chapter 3: the global average when missing);
  pressure             from the elevation (eq. 7).
Hargreaves (eq. 52) only when temperature is all there is (no humidity, no wind, no radiation).
Tested against FAO-56's worked examples 17 (monthly, Bangkok) and 18 (daily, Uccle) and against the
refet library (tests/test_advisories.py). Vectorised over farms (numpy arrays); G = 0 for days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GSC = 0.0820  # solar constant, MJ m-2 min-1
SIGMA = 4.903e-9  # Stefan-Boltzmann, MJ K-4 m-2 day-1
ANGSTROM_AS, ANGSTROM_BS = 0.25, 0.50
KRS_INTERIOR, KRS_COASTAL = 0.16, 0.19
DEFAULT_U2 = 2.0


def _arr(x, n: int) -> np.ndarray:
    if x is None:
        return np.full(n, np.nan)
    return np.broadcast_to(np.asarray(x, dtype=float), (n,)).copy()


def extraterrestrial_radiation(lat_deg: np.ndarray, doy) -> np.ndarray:
    """Ra, MJ m-2 day-1 (eq. 21-25)."""
    phi = np.radians(lat_deg)
    j = np.asarray(doy, dtype=float)
    dr = 1 + 0.033 * np.cos(2 * np.pi * j / 365)
    delta = 0.409 * np.sin(2 * np.pi * j / 365 - 1.39)
    ws = np.arccos(np.clip(-np.tan(phi) * np.tan(delta), -1, 1))
    return 24 * 60 / np.pi * GSC * dr * (ws * np.sin(phi) * np.sin(delta) + np.cos(phi) * np.cos(delta) * np.sin(ws))


def daylight_hours(lat_deg: np.ndarray, doy) -> np.ndarray:
    """N, hours (eq. 34)."""
    phi = np.radians(lat_deg)
    delta = 0.409 * np.sin(2 * np.pi * np.asarray(doy, dtype=float) / 365 - 1.39)
    return 24 / np.pi * np.arccos(np.clip(-np.tan(phi) * np.tan(delta), -1, 1))


def hargreaves(tmin: np.ndarray, tmax: np.ndarray, ra: np.ndarray) -> np.ndarray:
    """ET0, mm/day (eq. 52)."""
    tmean = (tmin + tmax) / 2
    return np.maximum(0.0, 0.0023 * (tmean + 17.8) * np.sqrt(np.maximum(tmax - tmin, 0)) * 0.408 * ra)


def es_kpa(t: np.ndarray) -> np.ndarray:
    """Saturation vapour pressure (eq. 11)."""
    return 0.6108 * np.exp(17.27 * t / (t + 237.3))


def wind_at_2m(u: np.ndarray, height_m) -> np.ndarray:
    """Wind speed at 2 m from a measurement at `height_m` (eq. 47)."""
    return u * 4.87 / np.log(67.8 * np.asarray(height_m, dtype=float) - 5.42)


@dataclass
class Et0:
    et0_mm: np.ndarray
    method: np.ndarray  # penman_monteith | hargreaves
    ea_source: np.ndarray  # dew_point | rh_max_min | rh_max | rh_mean | tmin | none
    rs_source: np.ndarray  # measured | sunshine | temperature_range | none
    wind_source: np.ndarray  # measured | default_2m_s | none


def reference_et0(tmin, tmax, lat_deg, doy, elevation_m, *, tdew=None, rh_max=None, rh_min=None, rh_mean=None,
                  rs_mj=None, sunshine_h=None, wind_m_s=None, wind_height_m=2.0, coastal=False, g_mj=0.0) -> Et0:
    """Daily ET0 per element from whatever each element has (NaN = not measured)."""
    tmin = np.asarray(tmin, dtype=float)
    tmax = np.asarray(tmax, dtype=float)
    n = tmin.shape[0] if tmin.ndim else 1
    tmin, tmax = _arr(tmin, n), _arr(tmax, n)
    lat, elev = _arr(lat_deg, n), _arr(elevation_m, n)
    tdew, rh_max, rh_min, rh_mean = (_arr(x, n) for x in (tdew, rh_max, rh_min, rh_mean))
    rs_in, sun, wind = _arr(rs_mj, n), _arr(sunshine_h, n), _arr(wind_m_s, n)
    coastal = np.broadcast_to(np.asarray(coastal, dtype=bool), (n,))

    tmean = (tmin + tmax) / 2
    pressure = 101.3 * ((293 - 0.0065 * elev) / 293) ** 5.26
    gamma = 0.000665 * pressure
    delta = 4098 * es_kpa(tmean) / (tmean + 237.3) ** 2
    es = (es_kpa(tmax) + es_kpa(tmin)) / 2

    has = {"dew_point": ~np.isnan(tdew), "rh_max_min": ~np.isnan(rh_max) & ~np.isnan(rh_min),
           "rh_max": ~np.isnan(rh_max), "rh_mean": ~np.isnan(rh_mean)}
    ea = np.select([has["dew_point"], has["rh_max_min"], has["rh_max"], has["rh_mean"]],
                   [es_kpa(tdew), (es_kpa(tmin) * rh_max / 100 + es_kpa(tmax) * rh_min / 100) / 2,
                    es_kpa(tmin) * rh_max / 100, rh_mean / 100 * es], es_kpa(tmin))
    ea_source = np.select(list(has.values()), list(has), "tmin")
    ea = np.minimum(ea, es)

    ra = extraterrestrial_radiation(lat, doy)
    big_n = daylight_hours(lat, doy)
    krs = np.where(coastal, KRS_COASTAL, KRS_INTERIOR)
    rs = np.select([~np.isnan(rs_in), ~np.isnan(sun)],
                   [rs_in, (ANGSTROM_AS + ANGSTROM_BS * np.clip(sun / big_n, 0, 1)) * ra],
                   krs * np.sqrt(np.maximum(tmax - tmin, 0)) * ra)
    rs_source = np.select([~np.isnan(rs_in), ~np.isnan(sun)], ["measured", "sunshine"], "temperature_range")
    rso = (0.75 + 2e-5 * elev) * ra
    rns = (1 - 0.23) * rs
    rnl = SIGMA * (((tmax + 273.16) ** 4 + (tmin + 273.16) ** 4) / 2) * (0.34 - 0.14 * np.sqrt(np.maximum(ea, 0))) \
        * (1.35 * np.clip(rs / np.maximum(rso, 1e-6), 0.3, 1.0) - 0.35)
    rn = rns - rnl
    u2 = np.where(np.isnan(wind), DEFAULT_U2, wind_at_2m(wind, wind_height_m))
    wind_source = np.where(np.isnan(wind), "default_2m_s", "measured")
    pm = (0.408 * delta * (rn - g_mj) + gamma * 900 / (tmean + 273) * u2 * (es - ea)) / (delta + gamma * (1 + 0.34 * u2))

    temperature_only = ~has["dew_point"] & ~has["rh_max"] & np.isnan(rh_min) & ~has["rh_mean"] & np.isnan(rs_in) \
        & np.isnan(sun) & np.isnan(wind)
    missing = np.isnan(tmin) | np.isnan(tmax)
    et0 = np.where(temperature_only, hargreaves(tmin, tmax, ra), np.maximum(0.0, pm))
    method = np.where(missing, "none", np.where(temperature_only, "hargreaves", "penman_monteith"))
    none = np.where(missing | temperature_only, "none", "")
    return Et0(np.where(missing, np.nan, et0), method,
               np.where(none != "", "none", ea_source), np.where(none != "", "none", rs_source),
               np.where(missing, "none", np.where(temperature_only, "none", wind_source)))

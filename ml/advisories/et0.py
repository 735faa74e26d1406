"""FAO-56 reference evapotranspiration (Allen et al. 1998, FAO Irrigation and Drainage Paper 56).

Penman-Monteith (eq. 6) where the weather has temperature, humidity and wind; solar radiation is not
observed here, so it is estimated from the temperature range (eq. 50, Hargreaves' radiation formula).
Hargreaves (eq. 52) from temperatures alone otherwise. Vectorised over farms (numpy arrays)."""

from __future__ import annotations

import numpy as np

GSC = 0.0820  # solar constant, MJ m-2 min-1
SIGMA = 4.903e-9  # Stefan-Boltzmann, MJ K-4 m-2 day-1


def extraterrestrial_radiation(lat_deg: np.ndarray, doy: int) -> np.ndarray:
    """Ra, MJ m-2 day-1 (eq. 21-25)."""
    phi = np.radians(lat_deg)
    dr = 1 + 0.033 * np.cos(2 * np.pi * doy / 365)
    delta = 0.409 * np.sin(2 * np.pi * doy / 365 - 1.39)
    ws = np.arccos(np.clip(-np.tan(phi) * np.tan(delta), -1, 1))
    return 24 * 60 / np.pi * GSC * dr * (ws * np.sin(phi) * np.sin(delta) + np.cos(phi) * np.cos(delta) * np.sin(ws))


def hargreaves(tmin: np.ndarray, tmax: np.ndarray, ra: np.ndarray) -> np.ndarray:
    """ET0, mm/day (eq. 52)."""
    tmean = (tmin + tmax) / 2
    return np.maximum(0.0, 0.0023 * (tmean + 17.8) * np.sqrt(np.maximum(tmax - tmin, 0)) * 0.408 * ra)


def _es(t: np.ndarray) -> np.ndarray:
    return 0.6108 * np.exp(17.27 * t / (t + 237.3))


def penman_monteith(tmin, tmax, rh_pct, wind10_m_s, ra, elevation_m: float = 600.0, coastal=None) -> np.ndarray:
    """ET0, mm/day (eq. 6), with Rs from the temperature range (eq. 50) and wind measured at 10 m (eq. 47)."""
    tmean = (tmin + tmax) / 2
    pressure = 101.3 * ((293 - 0.0065 * elevation_m) / 293) ** 5.26
    gamma = 0.000665 * pressure
    delta = 4098 * _es(tmean) / (tmean + 237.3) ** 2
    es = (_es(tmax) + _es(tmin)) / 2
    ea = np.clip(rh_pct, 1, 100) / 100 * es  # mean relative humidity (eq. 19 with one RH value)
    krs = np.where(coastal, 0.19, 0.16) if coastal is not None else 0.16
    rs = krs * np.sqrt(np.maximum(tmax - tmin, 0)) * ra
    rso = (0.75 + 2e-5 * elevation_m) * ra
    rns = (1 - 0.23) * rs
    rnl = SIGMA * (((tmax + 273.16) ** 4 + (tmin + 273.16) ** 4) / 2) * (0.34 - 0.14 * np.sqrt(np.maximum(ea, 0))) \
        * (1.35 * np.clip(rs / np.maximum(rso, 1e-6), 0.3, 1.0) - 0.35)
    rn = rns - rnl
    u2 = wind10_m_s * 4.87 / np.log(67.8 * 10 - 5.42)
    et0 = (0.408 * delta * rn + gamma * 900 / (tmean + 273) * u2 * (es - ea)) / (delta + gamma * (1 + 0.34 * u2))
    return np.maximum(0.0, et0)

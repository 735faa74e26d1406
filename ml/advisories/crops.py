"""Crop coefficients by growth stage and rooting depth (FAO-56 Tables 11, 12 and 22), and soil water
holding by soil type (FAO-56 Table 19 ranges, midpoints)."""

from __future__ import annotations

import numpy as np

# crop: (Kc ini, Kc mid, Kc end, maximum root depth m, depletion fraction p)
CROPS: dict[str, tuple[float, float, float, float, float]] = {
    "paddy": (1.05, 1.20, 0.90, 0.5, 0.20), "ragi": (0.30, 1.00, 0.30, 1.0, 0.55), "maize": (0.30, 1.20, 0.60, 1.0, 0.55),
    "jowar": (0.30, 1.00, 0.55, 1.0, 0.55), "tur": (0.40, 1.15, 0.35, 0.8, 0.45), "bengal_gram": (0.40, 1.00, 0.35, 0.8, 0.50),
    "green_gram": (0.40, 1.05, 0.35, 0.7, 0.45), "horse_gram": (0.40, 1.00, 0.35, 0.7, 0.50),
    "groundnut": (0.40, 1.15, 0.60, 0.6, 0.50), "sunflower": (0.35, 1.10, 0.35, 1.0, 0.45), "cotton": (0.35, 1.15, 0.70, 1.2, 0.65),
    "sugarcane": (0.40, 1.25, 0.75, 1.2, 0.65), "onion": (0.70, 1.05, 0.75, 0.4, 0.30), "tomato": (0.60, 1.15, 0.80, 0.9, 0.40),
    "potato": (0.50, 1.15, 0.75, 0.5, 0.35), "vegetables": (0.60, 1.05, 0.90, 0.5, 0.45), "ginger": (0.50, 1.00, 0.80, 0.4, 0.40),
    "wheat": (0.30, 1.15, 0.25, 1.2, 0.55), "coconut": (1.00, 1.00, 1.00, 1.0, 0.65), "arecanut": (1.00, 1.00, 1.00, 1.0, 0.65),
    "coffee": (0.95, 0.95, 0.95, 1.0, 0.40),
}
# soil: (volumetric water content at field capacity, at wilting point)
SOILS: dict[str, tuple[float, float]] = {
    "black_cotton": (0.40, 0.23), "alluvial": (0.31, 0.13), "laterite": (0.30, 0.17), "red_loam": (0.25, 0.12),
    "red_sandy": (0.17, 0.07),
}
DEFAULT_SOIL = "red_loam"  # most Karnataka blocks' soil (red loams and sandy loams of the plateau)
STAGES = (0.15, 0.25, 0.40, 0.20)  # initial, development, mid-season, late: shares of the season (FAO-56 Table 11, typical)


def kc(crop: np.ndarray, season_fraction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kc and stage name for each farm, from how far into its season it is (0 = sowing, 1 = harvest)."""
    ini = np.array([CROPS[c][0] for c in crop])
    mid = np.array([CROPS[c][1] for c in crop])
    end = np.array([CROPS[c][2] for c in crop])
    f = np.clip(season_fraction, 0, 1)
    a, b, c_ = STAGES[0], STAGES[0] + STAGES[1], STAGES[0] + STAGES[1] + STAGES[2]
    value = np.where(f < a, ini,
             np.where(f < b, ini + (mid - ini) * (f - a) / (b - a),
             np.where(f < c_, mid, mid + (end - mid) * (f - c_) / (1 - c_))))
    stage = np.where(f < a, "initial", np.where(f < b, "development", np.where(f < c_, "mid_season", "late_season")))
    return value, stage

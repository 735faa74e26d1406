"""Independent, reproducible random streams: one per (seed, component, day)."""

from __future__ import annotations

import zlib

import numpy as np


def rng_for(seed: int, component: str, *parts: int) -> np.random.Generator:
    # Each component draws from its own stream, so changing one never shifts another's numbers.
    return np.random.default_rng([seed, zlib.crc32(component.encode()), *parts])

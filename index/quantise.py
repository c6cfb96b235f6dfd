"""Unit vectors in 8 bits a coordinate, for the sentence vectors a version stores.

Each row keeps its own scale (its largest coordinate maps to 127), so a cosine
moves by about 0.002 at most: a quarter of the float32 bytes for ranks that do not
change on our question sets (docs/decisions.md, "Costs that grow gently").
"""

from __future__ import annotations

import numpy as np

LEVELS = 127


def quantise(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` as int8 codes and one float32 scale per row (``rows ≈ codes * scales[:, None]``)."""
    rows = np.asarray(rows, dtype=np.float32)
    peak = np.abs(rows).max(axis=1) if len(rows) else np.zeros(0, dtype=np.float32)
    scales = np.where(peak > 0, peak / LEVELS, 1.0).astype(np.float32)
    codes = np.rint(rows / scales[:, None]).astype(np.int8)
    return codes, scales


def dequantise(codes: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """The float32 rows ``quantise`` coded."""
    return np.asarray(codes, dtype=np.float32) * np.asarray(scales, dtype=np.float32)[:, None]

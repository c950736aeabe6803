"""How pattern scale, texel size and upscale turn into pixel sizes.

One place for the arithmetic so the engine, the metrics and the panel agree on
what "scale 2" or "0.01 mm per texel" means and where the detail band starts.
"""

from __future__ import annotations

from typing import Optional

# The detail band is what a Gaussian of this many crease-cell diameters removes:
# half a cell keeps whole cells (their furrows and pores) inside the detail band
# while the input's broad forms stay in the structure band.
STRUCTURE_SIGMA_PER_FEATURE = 0.5
MIN_STRUCTURE_SIGMA_PX = 2.0


def pattern_multiplier(scale: float, texel_mm: Optional[float], pattern_mm_per_px: float) -> float:
    """Output pixels per pattern pixel.

    ``texel_mm`` (mm per output pixel), when given, wins over ``scale``: a pattern
    pixel covers ``pattern_mm_per_px`` mm, so it spans that many output texels.
    """
    if texel_mm is not None:
        return float(pattern_mm_per_px) / float(texel_mm)
    return float(scale)


def structure_sigma_px(feature_px: float, multiplier: float) -> float:
    """Gaussian sigma (output pixels) that splits structure from detail."""
    return max(MIN_STRUCTURE_SIGMA_PX, STRUCTURE_SIGMA_PER_FEATURE * float(feature_px) * float(multiplier))

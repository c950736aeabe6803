"""Did the output keep the input's broad forms, and is its detail as strong as asked?"""

from __future__ import annotations

import math
from typing import Union

import numpy as np

from .bands import _as_map, lowpass

# Identical low-passes have an infinite PSNR; report this instead so tables and
# JSON stay finite (it is far above any target).
MAX_PSNR_DB = 120.0


def structure_psnr(output: np.ndarray, input_upsampled: np.ndarray, sigma: float, wrap: bool = False) -> float:
    """PSNR (dB) between the Gaussian low-passes (``sigma`` px) of output and input.

    Both maps are H x W in the same units and size (upsample the input first).
    The peak is the input low-pass's value range (max - min): a sculpt's broad
    forms span that range, so 40 dB means the structure moved by 1 % of it.
    """
    out = _as_map(output, "output")
    inp = _as_map(input_upsampled, "input")
    if out.shape != inp.shape:
        raise ValueError(f"output {out.shape} and input {inp.shape} must have the same size; upsample the input first.")
    lo_in = lowpass(inp, sigma, wrap).astype(np.float64)
    lo_out = lowpass(out, sigma, wrap).astype(np.float64)
    peak = float(lo_in.max() - lo_in.min())
    mse = float(np.mean((lo_out - lo_in) ** 2))
    if mse <= 0.0:
        return MAX_PSNR_DB
    if peak <= 0.0:
        return 0.0  # a flat input: any change in the low-pass is total
    return float(min(MAX_PSNR_DB, 10.0 * math.log10(peak * peak / mse)))


def detail_std_ratio(out_detail: np.ndarray, target: Union[float, np.ndarray]) -> float:
    """std of the output's detail band over the target std (1.0 = exactly as strong as asked).

    ``target`` is the expected std (a number, in the output's units) or a
    reference detail band already resampled and scaled, whose std is taken.
    """
    ref = float(np.std(np.asarray(target, dtype=np.float64))) if np.ndim(target) else float(target)
    if not ref > 0:
        raise ValueError(f"the target detail std must be positive; got {ref}.")
    return float(np.std(np.asarray(out_detail, dtype=np.float64)) / ref)

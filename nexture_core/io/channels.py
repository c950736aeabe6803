"""Which channel(s) of a part to read.

A displacement map arrives as one grey channel (``Y``), as grey saved as RGB,
as a truly coloured RGB image, or as one named channel of a multi-channel EXR
(``displacement.R``). The choice here is made from names only; the grey-as-RGB
test needs the pixels and happens while reading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, Tuple

from ..errors import InputError

_GREY_NAMES = ("Y", "y", "L", "gray", "grey", "luminance", "I")


def _listing(channels: Sequence[str]) -> str:
    return ", ".join(channels) if channels else "(none)"


def resolve_channels(path: Path, channels: Sequence[str], channel: Optional[str]) -> Tuple[int, ...]:
    """Indices of the channels ``channel`` names, all of them when it is None.

    ``channel`` is an exact channel name (``"R"``, ``"displacement.R"``), a layer
    name (``"displacement"`` -> every ``displacement.*`` channel), or a channel
    index as text (``"0"``). Matching is exact first, then case-insensitive.
    """
    if channel is None or channel == "":
        return tuple(range(len(channels)))
    if channel in channels:
        return (list(channels).index(channel),)
    layer = tuple(i for i, name in enumerate(channels) if name.startswith(channel + "."))
    if layer:
        return layer
    folded = [name.lower() for name in channels]
    if channel.lower() in folded:
        return (folded.index(channel.lower()),)
    if channel.isdigit() and int(channel) < len(channels):
        return (int(channel),)
    raise InputError(f"{path}: has no channel {channel!r}; its channels are {_listing(channels)}.")


def short_name(name: str) -> str:
    """'displacement.R' -> 'R' (the part after the last dot)."""
    return name.rsplit(".", 1)[-1]


def map_channels(channels: Sequence[str], candidates: Tuple[int, ...]) -> Tuple[Tuple[int, ...], str]:
    """Pick the channel of a single-channel map among ``candidates``.

    Returns (indices to read, mode): mode ``"one"`` reads ``indices[0]``;
    mode ``"rgb"`` reads R, G, B to test for grey-as-RGB and keeps R.
    """
    if len(candidates) == 1:
        return candidates, "one"
    names = [channels[i] for i in candidates]
    layers = {n.rsplit(".", 1)[0] if "." in n else "" for n in names}
    if len(layers) == 1:  # one layer (or none): judge by 'R', 'Y', ... inside it
        names = [short_name(n) for n in names]
    for grey in _GREY_NAMES:
        if grey in names:
            return (candidates[names.index(grey)],), "one"
    upper = [n.upper() for n in names]
    if all(c in upper for c in "RGB"):
        return tuple(candidates[upper.index(c)] for c in "RGB"), "rgb"
    return (candidates[0],), "first"

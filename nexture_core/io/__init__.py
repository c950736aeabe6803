"""Image files in and out: OpenImageIO readers/writers with artist-readable errors.

``read_image`` / ``read_map`` give float32 pixels in the display window plus an
:class:`ImageInfo`; ``write_image`` writes atomically, never over an input, in
the format of the extension and (with ``like=info``) the input's bit depth.
"""

from .formats import needs_bigtiff
from .info import ImageInfo, PartInfo
from .reading import DEFAULT_MIN_SIZE, inspect_image, read_image, read_map
from .writing import write_image

__all__ = [
    "DEFAULT_MIN_SIZE",
    "ImageInfo",
    "PartInfo",
    "inspect_image",
    "needs_bigtiff",
    "read_image",
    "read_map",
    "write_image",
]

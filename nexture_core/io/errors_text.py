"""Turn OpenImageIO's error text into one readable clause.

OIIO messages can span lines and repeat the file name; an artist needs one
sentence, so keep the first meaningful line and drop what we already say.
"""

from __future__ import annotations


def oiio_reason(text: str, fallback: str = "unknown reason") -> str:
    """First non-empty line of an OIIO error, trimmed; ``fallback`` when empty."""
    for line in (text or "").splitlines():
        line = line.strip().rstrip(".")
        if line:
            return line[:300]
    return fallback


def last_oiio_error(obj=None) -> str:
    """The pending error of ``obj`` (an ImageInput/ImageOutput) or the global one.

    Reading the error also clears it, so a later message is not polluted.
    """
    import OpenImageIO as oiio

    text = ""
    if obj is not None:
        try:
            text = obj.geterror()
        except Exception:  # noqa: BLE001 - a closed handle must not hide the real error
            text = ""
    return text or oiio.geterror()

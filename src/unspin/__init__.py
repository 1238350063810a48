"""unspin: detect, restore and trace automatically spun text, explaining every fix.

    >>> import unspin
    >>> r = unspin.restore("The head of state signed the invoice.")
    >>> r.text, [(f.spun, f.original) for f in r.fixes]
    >>> unspin.apply_fixes(spun_text, r.fixes) == r.text   # fixes are replayable data
    >>> unspin.detect(text).score                          # calibrated probability of spinning

Public API: :func:`restore`, :func:`apply_fixes`, :func:`detect`, :func:`is_spun`,
:func:`spin`, :func:`learn`, :class:`Profile`, :class:`Index` (trace).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import DataFileError, InputError, UnspinError
from .fixes import Evidence, Fix, Restoration, apply_fixes

try:
    __version__ = version("unspin")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "DataFileError",
    "Evidence",
    "Fix",
    "InputError",
    "Restoration",
    "UnspinError",
    "__version__",
    "apply_fixes",
    "detect",
    "is_spun",
    "restore",
]

# The heavy parts (context model, lexicons) load on first use, not on import.
from .detect import Detection, detect, is_spun  # noqa: E402
from .restore import restore  # noqa: E402

__all__ += ["Detection"]

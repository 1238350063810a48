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

__all__ += ["Detection", "Profile", "learn", "spin"]

# Submodules (named apart from the functions they define) load on first use, so that
# ``import unspin`` stays cheap for the CLI and workers.
_LAZY = {
    "restore": "restorer",
    "detect": "detector",
    "is_spun": "detector",
    "Detection": "detector",
    "learn": "learner",
    "Profile": "profile",
    "spin": "spinner",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'unspin' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)

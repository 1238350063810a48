"""Every error unspin raises on purpose, with a message meant for a person.

The CLI turns these into a one-line message and a non-zero exit code; nothing else
should reach the user as a traceback.
"""

from __future__ import annotations


class UnspinError(Exception):
    """Base class: a problem with the input or the setup, explained in words."""

    exit_code = 2


class InputError(UnspinError):
    """The input cannot be read as text (binary, wrong encoding, missing file)."""


class DataFileError(UnspinError):
    """A data, profile or index file is missing, corrupt, or of another format or version."""


class MissingDependencyError(UnspinError):
    """An optional feature needs a package that is not installed."""

    def __init__(self, feature: str, package: str, extra: str) -> None:
        super().__init__(f"{feature} needs the '{package}' package: pip install 'unspin[{extra}]'")

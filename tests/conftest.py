"""Test-wide settings.

Most tests pin the behaviour of the fast trigram path, so the suite runs with
``UNSPIN_MODEL=trigram`` (the library default would otherwise switch to the neural model when
its extra is installed); the neural tests (``test_neural.py``) name their model explicitly and
one of them checks the 'auto' default with the variable removed.
"""

from __future__ import annotations

import os

os.environ.setdefault("UNSPIN_MODEL", "trigram")

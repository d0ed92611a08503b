"""The project's compiled kernels (plain C, built by ``setup.py``), found and loaded with ctypes.

ctypes, not the Python C API: the kernels stay plain C that any compiler builds, and a call
through ``ctypes.CDLL`` releases the GIL, so searches in several threads run in parallel. A
kernel that was not built (a source checkout without ``pip install``) is None, and its caller
falls back to a library (scipy, shapely) and says so through its own ``available`` check.
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import os
from pathlib import Path

import numpy as np


def load(name: str, unless_search: tuple[str, ...] = ()) -> ctypes.CDLL | None:
    """The built kernel ``name`` (``_hierarchy``: the file ``_hierarchy.cpython-….so`` here), or
    None when it was not built or ``LOTSE_SEARCH`` names one of ``unless_search``."""
    if os.environ.get("LOTSE_SEARCH") in unless_search:
        return None
    here = Path(__file__).parent
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = here / f"{name}{suffix}"
        if path.is_file():
            return ctypes.CDLL(str(path))
    return None


def address(array: np.ndarray) -> int:
    """Where an array's data starts, to hand to a kernel (the array must outlive the call)."""
    return array.ctypes.data

"""Scratch folders for the benchmarks, removed when the benchmark ends (they left a settings folder each run)."""

from __future__ import annotations

import atexit
import shutil
import tempfile


def scratch_folder(prefix: str) -> str:
    """A new temporary folder, deleted with what it holds when the process exits."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder

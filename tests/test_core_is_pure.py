"""The math core must import no GUI library."""

import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "gradviz" / "core"
GUI_MODULES = ("PySide6", "pyqtgraph", "OpenGL", "shiboken6")

BLOCKER = f"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {GUI_MODULES!r}:
            raise ImportError('GUI module imported by the core: ' + name)
sys.meta_path.insert(0, Block())
import pkgutil, importlib, gradviz.core
for module in pkgutil.iter_modules(gradviz.core.__path__):
    importlib.import_module('gradviz.core.' + module.name)
print('ok')
"""


def test_every_core_module_imports_with_gui_libraries_blocked() -> None:
    result = subprocess.run([sys.executable, "-c", BLOCKER], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_core_sources_do_not_mention_gui_imports() -> None:
    for path in CORE.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert not any(name in stripped.split()[1] for name in GUI_MODULES), f"{path.name}: {stripped}"

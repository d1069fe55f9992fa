"""The guard against PySide6 6.12's leaked references to None is in place wherever gradviz makes its QApplication."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gradviz"
GUARDS = {"configure_qt", "keep_singletons_alive"}


def called_name(call: ast.Call) -> str:
    """The name a call calls: f(…) and module.f(…) alike give 'f'."""
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def test_every_function_that_makes_a_qapplication_guards_first() -> None:
    """Without the guard an animation crashes after some seconds ("none_dealloc"): only long runs would show it."""
    makers = []
    for source in sorted(PACKAGE.rglob("*.py")):
        text = source.read_text(encoding="utf-8")
        if "QApplication(" not in text and "QGuiApplication(" not in text:
            continue
        tree = ast.parse(text)
        for function in (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)):
            calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
            made = [call.lineno for call in calls if called_name(call) in ("QApplication", "QGuiApplication")]
            if made:
                guarded = [call.lineno for call in calls if called_name(call) in GUARDS]
                maker = f"{source.name}:{function.name}"
                makers.append(maker)
                assert guarded and min(guarded) < min(made), f"{maker} makes a QApplication before the guard"
    assert len(makers) >= 2, makers  # the window's start and the command line's export


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None, True and False are immortal from Python 3.12")
def test_the_guard_puts_the_singletons_out_of_reach_of_leaks() -> None:
    """configure_qt adds a count to None, True and False that no run of leaks can use up."""
    script = ("import sys; from gradviz.app.launch import configure_qt; before = sys.getrefcount(None); "
              "configure_qt(); configure_qt(); print(sys.getrefcount(None) - before, sys.getrefcount(True) > 1 << 39)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120,
                            cwd=PACKAGE.parent)
    added, true_guarded = result.stdout.split()
    assert int(added) >= 1 << 40 and int(added) < 1 << 41, "added once, however often it is asked"
    assert true_guarded == "True"

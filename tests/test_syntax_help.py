"""Help → Writing formulas: every function the parser knows is explained, every example is a formula it takes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl

from gradviz.core.formula import FUNCTION_NAMES, MAX_TEXT_LENGTH, MAX_TOKENS, MAX_VARIABLES, parse_formula
from gradviz.core.syntax_help import EXAMPLES, FUNCTION_MEANINGS, function_rows, limits_text


def test_every_function_is_explained_and_nothing_else() -> None:
    assert set(FUNCTION_MEANINGS) == set(FUNCTION_NAMES)
    assert [call.split("(")[0] for call, _ in function_rows()] == list(FUNCTION_NAMES)


@pytest.mark.parametrize(("text", "what"), EXAMPLES)
def test_every_example_is_a_formula(text: str, what: str) -> None:
    formula = parse_formula(text)
    if "one variable" in what:
        assert len(formula.variables) == 1
    if "three variables" in what:
        assert len(formula.variables) == 3


def test_the_limits_are_the_parsers() -> None:
    assert f"{MAX_TEXT_LENGTH} characters" in limits_text() and f"{MAX_VARIABLES} variables" in limits_text()
    assert f"{MAX_TOKENS} numbers, names, operators and brackets" in limits_text()  # as the refusal words it


def test_help_lists_every_function_and_an_example_clicked_is_used(make_main_window, activate, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window)
    qtbot.keyClick(window, Qt.Key.Key_F1, Qt.KeyboardModifier.ShiftModifier)
    dialog = window.syntax_help
    assert dialog is not None and dialog.isVisible()
    page = dialog.browser.toPlainText()
    assert all(f"{name}(x" in page for name in FUNCTION_NAMES)
    index = next(index for index, (_, what) in enumerate(EXAMPLES) if "one variable" in what)
    dialog.browser.anchorClicked.emit(QUrl(f"example:{index}"))
    window.controller.wait()
    assert window.session.analysis.formula.text == EXAMPLES[index][0]
    assert window.formula_panel.formula_edit.text() == EXAMPLES[index][0]
    assert window.session.variables == ("x",)


def test_a_formula_error_says_where_to_read_what_can_be_typed(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    box = window.formula_panel.formula_edit
    assert "Shift+F1" in box.placeholderText() and "Shift+F1" in box.toolTip(), "so does the empty box"
    window.controller.submit("floor(x) + y", immediately=True)
    window.controller.wait()
    assert "unknown function &#x27;floor&#x27;" in window.formula_panel.error_label.text()
    assert "the functions are sin, cos, tan" in window.formula_panel.error_label.text()  # it told none
    assert "Shift+F1: what can be typed" in window.formula_panel.error_label.text()

"""The window without a mouse: Tab reaches the controls, and a control reached with Tab keeps the keys it acts on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget
from window_keys import tab_to, type_over, whole_lines

from gradviz.core.notation import format_number


def tab_stops(window) -> list[QWidget]:
    """Every widget Tab gives the focus to, once round from the formula box back to it."""
    reached = []
    for _ in range(80):
        QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is window.formula_panel.formula_edit:
            return reached
        reached.append(widget)
    raise AssertionError("Tab did not come back to the formula box")


def keyboard_window(make_main_window, activate, preset: str = "bowl"):
    """A shown, active window with nothing playing."""
    window = make_main_window(preset)
    activate(window)
    window.formula_panel.formula_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    return window


def race_button(window):
    """The Runs panel's Race optimizers button, its panel brought to the front."""
    window.teaching_docks.show_panel("runs_dock")
    return window.teaching_docks.runs_panel.quick_buttons["Race optimizers"]


def race_button_tabbed_to(make_main_window, activate):
    """A window, and its Race optimizers button reached with Tab."""
    window = keyboard_window(make_main_window, activate)
    button = race_button(window)
    tab_to(button)
    return window, button


def test_space_and_enter_press_a_button_reached_with_tab(make_main_window, activate, qtbot) -> None:
    """Space started playback, and Enter did nothing, on the Runs panel's buttons: no comparison without a mouse."""
    window, button = race_button_tabbed_to(make_main_window, activate)
    QTest.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(window.session.run_specs) > 1)
    assert not window.stepper.playing
    window.session.set_runs(window.session.run_specs[:1])
    QTest.keyClick(button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.session.run_specs) > 1)
    assert not window.stepper.playing


def test_a_button_the_mouse_pressed_leaves_space_to_the_window(make_main_window, activate, qtbot) -> None:
    """A lecturer who clicked a button and then presses Space (or the clicker's key) plays the run."""
    window = keyboard_window(make_main_window, activate)
    button = race_button(window)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.session.run_specs) > 1)
    assert button.hasFocus()
    QTest.keyClick(button, Qt.Key.Key_Space)
    assert window.stepper.playing


def test_arrows_pick_the_update_sign_reached_with_tab_instead_of_stepping(make_main_window, activate) -> None:
    """→ on the focused 'correct' radio button stepped the run: the sign could not be chosen by keys."""
    window = keyboard_window(make_main_window, activate)
    tab_to(window.stepper.correct_button)
    QTest.keyClick(window.stepper.correct_button, Qt.Key.Key_Right)
    assert window.stepper.wrong_button.isChecked()
    assert window.session.step == 0 and window.session.run_specs[0].sign == "wrong"


def test_a_letter_typed_in_the_optimizer_list_finds_an_optimizer(make_main_window, activate) -> None:
    """Typing 'a' in the optimizer box hid the gradient arrows (the window's A) instead of finding AdaGrad."""
    window = keyboard_window(make_main_window, activate)
    box = window.stepper.optimizer_box
    tab_to(box)
    QTest.keyClick(box, Qt.Key.Key_A)
    assert box.currentText().startswith("Ada")
    assert window.session.view.show_arrows


def test_tab_after_enter_goes_on_from_the_field_left(make_main_window, activate) -> None:
    """After Enter in the η field the next Tab started again at the Gallery box, ten presses away."""
    window = keyboard_window(make_main_window, activate)
    edit = window.stepper.lr_edit
    tab_to(edit)
    edit.selectAll()
    QTest.keyClicks(edit, "0.05")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert window.session.run_specs[0].lr == 0.05
    assert QApplication.focusWidget() is None  # the window has the keys: Space plays, a clicker steps
    QTest.keyClick(window, Qt.Key.Key_Tab)
    after = QApplication.focusWidget()
    assert after is not None and after is not window.formula_panel.preset_box
    QTest.keyClick(after, Qt.Key.Key_Backtab)
    assert edit.hasFocus()


def test_a_letter_in_the_gallery_box_opens_its_list_and_chooses_nothing(make_main_window, activate, qtbot) -> None:
    """'h' in the Gallery box, which has the focus at start-up, opened Himmelblau over what was shown."""
    window = keyboard_window(make_main_window, activate)
    box = window.formula_panel.preset_box
    formula = window.session.analysis.formula.text
    box.setFocus(Qt.FocusReason.OtherFocusReason)
    QTest.keyClick(box, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: box.view().isVisible())
    assert window.session.analysis.formula.text == formula
    box.hidePopup()


def menu_action(window, menu_title: str, text: str):
    """The action of a menu (or a submenu of it) whose text, without its '&', is this."""
    menus = [action.menu() for action in window.menuBar().actions() if action.text().replace("&", "") == menu_title]
    while menus:
        menu = menus.pop()
        for action in menu.actions():
            if action.menu() is not None:
                menus.append(action.menu())
            elif action.text().replace("&", "") == text:
                return action
    raise AssertionError(f"no {text!r} in {menu_title}")


def test_the_start_point_and_the_probe_can_be_typed(make_main_window, activate, answer_modal) -> None:
    """Only a click on the map set the start, and only Ctrl+click moved the probe: nothing for the keyboard."""
    from gradviz.app.point_dialog import PointDialog

    window = keyboard_window(make_main_window, activate, "three-variables")
    session = window.session

    def type_point(values: dict[str, str]):
        def act(dialog: PointDialog) -> None:
            assert list(dialog.boxes) == ["x", "y"], "z is held: shown, not asked for"
            assert dialog.held == {"z": session.fixed["z"]}
            for name, text in values.items():
                box = dialog.boxes[name]
                box.selectAll()
                QTest.keyClicks(box, text)
            QTest.keyClick(dialog, Qt.Key.Key_Return)
        return act

    answer_modal(PointDialog, type_point({"x": "-1.5", "y": "0.25"}))
    menu_action(window, "Run", "Set the start point…").trigger()
    session.wait_for_runs()
    start = session.runs[0].spec.start
    assert (start["x"], start["y"]) == (-1.5, 0.25) and start["z"] == session.fixed["z"]
    assert session.runs[0].points[0][:2].tolist() == [-1.5, 0.25]

    answer_modal(PointDialog, type_point({"x": "0.5", "y": "-0.75"}))
    menu_action(window, "View", "Pin the probe at…").trigger()
    assert session.probe is not None and (session.probe["x"], session.probe["y"]) == (0.5, -0.75)
    assert session.probe["z"] == session.fixed["z"], "on the slice drawn"
    assert window.teaching_docks.probe_control.pinned_action.isChecked()

    answer_modal(PointDialog, lambda dialog: dialog.reject())
    menu_action(window, "Run", "Set the start point…").trigger()
    assert session.run_specs[0].start["x"] == -1.5


@pytest.mark.parametrize(("typed", "why"), [("1e13", "the box takes numbers from −1e12 to 1e12"),
                                           ("nan", "nan is not a number")])
def test_a_coordinate_the_point_dialog_cannot_take_is_put_back_saying_why(make_main_window, activate, answer_modal,
                                                                          typed: str, why: str) -> None:
    """x = 1e13 typed for the start: the box put the old x back without a word; then Enter closed the dialog."""
    from gradviz.app.point_dialog import PointDialog

    window = keyboard_window(make_main_window, activate, "bowl")
    session = window.session
    start = dict(session.run_specs[0].start)
    said = f"x = {typed} was not used: {why} (it stays {format_number(start['x'])})."
    stayed_open: list[bool] = []

    def type_beyond_the_limits(dialog: PointDialog) -> None:
        box = dialog.boxes["x"]
        box.selectAll()
        QApplication.clipboard().setText(typed)  # pasted: nan cannot be typed key by key
        QTest.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(box, Qt.Key.Key_Return)  # it closed the dialog, and the start was set with x as it was
        stayed_open.append(dialog.isVisible() and dialog.refusal_label.isVisible()
                           and dialog.refusal_label.text() == said and whole_lines(dialog.refusal_label))
        if dialog.isVisible():
            dialog.reject()

    answer_modal(PointDialog, type_beyond_the_limits)
    menu_action(window, "Run", "Set the start point…").trigger()
    session.wait_for_runs()
    assert stayed_open == [True], "open, saying why, to put the number right"

    def click_ok_on_it(dialog: PointDialog) -> None:
        box = dialog.boxes["x"]
        box.selectAll()
        QApplication.clipboard().setText(typed)
        QTest.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        ok.click()  # as a click does, first the keys leave the box (as its focus does): it puts x back, saying why
        stayed_open.append(dialog.isVisible() and dialog.refusal_label.text() == said)
        ok.click()  # read: the numbers as they are now
        stayed_open.append(dialog.isVisible())

    answer_modal(PointDialog, click_ok_on_it)
    menu_action(window, "Run", "Set the start point…").trigger()
    session.wait_for_runs()
    assert stayed_open == [True, True, False], "open once, saying why; OK again takes the numbers as they are"
    assert session.run_specs[0].start == start
    assert window.statusBar().full_message() == said


def test_the_point_dialog_refuses_a_decimal_comma_asking_for_a_point(make_main_window, activate, answer_modal) -> None:
    """x = 2,5 typed for the start was refused, and then taken as 25 (the comma dropped as a thousands separator)."""
    from gradviz.app.point_dialog import PointDialog

    window = keyboard_window(make_main_window, activate, "bowl")
    session = window.session
    x = session.run_specs[0].start["x"]
    said = f"x = 2,5 was not used: write the decimal point as a point (2.5) (it stays {format_number(x)})."
    seen: list[tuple[bool, float, str]] = []

    def type_with_a_comma(dialog: PointDialog) -> None:
        box = dialog.boxes["x"]
        box.selectAll()
        QTest.keyClicks(box, "2,5")
        QTest.keyClick(box, Qt.Key.Key_Return)
        seen.append((dialog.isVisible(), box.value(), dialog.refusal_label.text()))
        box.selectAll()
        QTest.keyClicks(box, "1.25")
        QTest.keyClick(box, Qt.Key.Key_Return)

    answer_modal(PointDialog, type_with_a_comma)
    menu_action(window, "Run", "Set the start point…").trigger()
    session.wait_for_runs()
    assert seen == [(True, x, said)], "open, x as it was, saying why"
    assert session.run_specs[0].start["x"] == 1.25, "written with a point, it is taken"


def test_a_coordinate_typed_with_a_letter_is_said_refused_whole_and_then_put_right(make_main_window, activate,
                                                                                   answer_modal) -> None:
    """A letter typed into the point dialog was refused as a key, and the keys around it made another number (0.5q1:
    x = 0.51). Now the box shows it, saying why; Enter refuses it whole, the dialog staying open to put it right; once
    a number is typed, one Enter takes it and closes the dialog, the refusal taken back."""
    from gradviz.app.point_dialog import PointDialog

    window = keyboard_window(make_main_window, activate, "bowl")
    session = window.session
    kept = format_number(session.run_specs[0].start["x"])
    seen: list[tuple[str, str, bool, bool]] = []

    def type_a_letter(dialog: PointDialog) -> None:
        box = dialog.boxes["x"]
        box.selectAll()
        QTest.keyClicks(box, "0.5q1")
        seen.append((box.text(), dialog.refusal_label.text(), whole_lines(dialog.refusal_label), dialog.isVisible()))
        QTest.keyClick(box, Qt.Key.Key_Return)
        seen.append((box.text(), dialog.refusal_label.text(), whole_lines(dialog.refusal_label), dialog.isVisible()))
        box.selectAll()
        QTest.keyClicks(box, "0.5")
        QTest.keyClick(box, Qt.Key.Key_Return)
        seen.append((box.text(), dialog.refusal_label.text(), dialog.refusal_label.isVisible(), dialog.isVisible()))
        if dialog.isVisible():
            dialog.reject()

    answer_modal(PointDialog, type_a_letter)
    menu_action(window, "Run", "Set the start point…").trigger()
    session.wait_for_runs()
    assert seen == [("0.5q1", f"x = 0.5q1 cannot be used: it is not a number; Enter keeps {kept}.", True, True),
                    (kept, f"x = 0.5q1 was not used: it is not a number (it stays {kept}).", True, True),
                    ("0.5", "", False, False)]
    assert session.run_specs[0].start["x"] == 0.5, "one Enter took the number typed and closed the dialog"
    assert window.statusBar().full_message() == "", "the refusal said in the status bar is taken back too"


def test_ok_after_a_coordinate_refused_on_enter_closes_the_point_dialog(make_main_window, activate,
                                                                       answer_modal) -> None:
    """Enter refused x = 0.5q1 and said why; OK, clicked then to keep x as it was, did nothing the first time."""
    from gradviz.app.point_dialog import PointDialog

    window = keyboard_window(make_main_window, activate, "bowl")
    session = window.session
    start = dict(session.run_specs[0].start)
    seen: list[object] = []

    def refuse_then_click_ok(dialog: PointDialog) -> None:
        type_over(dialog.boxes["x"], "0.5q1")
        QTest.keyClick(dialog.boxes["x"], Qt.Key.Key_Return)
        seen.append((dialog.refusal_label.text(), dialog.isVisible()))
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
        seen.append(dialog.isVisible())
        if dialog.isVisible():
            dialog.reject()

    answer_modal(PointDialog, refuse_then_click_ok)
    menu_action(window, "Run", "Set the start point…").trigger()
    session.wait_for_runs()
    kept = format_number(start["x"])
    assert seen == [(f"x = 0.5q1 was not used: it is not a number (it stays {kept}).", True), False], (
        "the reason read, one click on OK closes the dialog")
    assert session.run_specs[0].start == start


def test_tab_passes_by_panels_behind_a_tab_and_controls_that_take_no_keys(make_main_window, activate) -> None:
    """Focus went into docks hidden behind another's tab, and stopped on scroll areas, plots and the map."""
    from PySide6.QtWidgets import QScrollArea

    from gradviz.app.formula_panel import EquationsArea
    from gradviz.app.main_window import behind_a_tab

    window = keyboard_window(make_main_window, activate)
    docks = window.teaching_docks
    docks.show_panel("probe_dock")
    docks.show_panel("loss_dock")
    QApplication.processEvents()
    reached = tab_stops(window)
    assert reached and not any(behind_a_tab(widget) for widget in reached)
    assert window.contour_view not in reached
    frames_and_plots = [widget for widget in reached
                        if type(widget) in (QScrollArea, EquationsArea) or "Plot" in type(widget).__name__]
    assert not frames_and_plots
    assert window.stepper.lr_edit in reached and window.stepper.optimizer_box in reached


def test_every_menu_entry_has_its_own_underlined_letter(make_main_window) -> None:
    """Run, View and Help had no underlined letters: on Linux a menu then moves only by arrows."""
    window = make_main_window("bowl")
    for title in ("Run", "View", "Help"):
        menu = next(action.menu() for action in window.menuBar().actions() if action.text().replace("&", "") == title)
        letters = []
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            text = action.text()
            assert "&" in text, f"{title} → {text} has no letter"
            letters.append(text[text.index("&") + 1].lower())
        assert len(letters) == len(set(letters)), f"{title} shares letters: {sorted(letters)}"
    for title in ("Gallery", "Lessons"):  # the examples and lessons numbered 1 … 9, then a, b, …
        menu = next(action.menu() for action in window.menuBar().actions() if action.text().replace("&", "") == title)
        texts = [action.text() for action in menu.actions() if "&" in action.text()]
        letters = [text[text.index("&") + 1].lower() for text in texts]
        assert len(texts) >= 9 and texts[0].startswith("&1  ") and len(letters) == len(set(letters)), texts


def test_a_dark_desktop_theme_gets_the_light_colours_the_pictures_are_drawn_for(qapp) -> None:
    """Under a dark theme the refused formula's pink field kept its light text: the formula could not be read."""
    from PySide6.QtGui import QColor, QPalette

    from gradviz.app.launch import keep_light_colours

    kept = qapp.palette()
    dark = QPalette(kept)
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#eeeeee"),
                         (QPalette.ColorRole.Base, "#202020"), (QPalette.ColorRole.Text, "#eeeeee")):
        dark.setColor(role, QColor(colour))
    qapp.setPalette(dark)
    try:
        keep_light_colours(qapp)
        palette = qapp.palette()
        assert palette.color(QPalette.ColorRole.Window).lightness() > 200
        assert palette.color(QPalette.ColorRole.Text).lightness() < 60
    finally:
        qapp.setPalette(kept)


def test_a_slider_shows_when_it_has_the_keys(make_main_window, activate) -> None:
    """The η slider looked the same with and without the focus: no sign the arrows would move it."""
    window = keyboard_window(make_main_window, activate)
    slider = window.stepper.lr_slider
    unfocused = slider.grab().toImage()
    tab_to(slider)
    QApplication.processEvents()
    focused = slider.grab().toImage()
    assert unfocused.size() == focused.size()
    differing = sum(unfocused.pixel(x, y) != focused.pixel(x, y)
                    for x in range(focused.width()) for y in range(focused.height()))
    assert differing > focused.width()  # a frame around it, at least


def test_tab_reaches_an_optimizers_parameters_right_after_the_optimizer(make_main_window, activate) -> None:
    """Adam's β₁ and β₂ boxes came after every dock's tab bar in the Tab order."""
    window = keyboard_window(make_main_window, activate)
    stepper = window.stepper
    window.session.update_run(0, optimizer="adam")
    window.session.wait_for_runs()
    QApplication.processEvents()
    boxes = list(stepper._parameter_boxes.values())
    assert len(boxes) >= 2
    tab_to(stepper.optimizer_box)
    for box in boxes:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert box.hasFocus()
        assert box.accessibleName().startswith("Adam")


def test_the_shortcuts_window_takes_the_keys_so_esc_closes_it(make_main_window, activate, qtbot) -> None:
    """F1 showed the keys without activating their window: Esc then went to the main window."""
    window = keyboard_window(make_main_window, activate)
    QTest.keyClick(window, Qt.Key.Key_F1)
    dialog = window.shortcuts_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    QTest.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_every_control_tab_reaches_has_a_name_for_screen_readers(make_main_window, activate) -> None:
    """The formula box, the range boxes, η, speed, budget and the optimizer were read out without names."""
    from PySide6.QtWidgets import QAbstractButton, QTabBar

    window = keyboard_window(make_main_window, activate, "three-variables")
    window.teaching_docks.show_panel("runs_dock")
    unnamed = [type(widget).__name__ for widget in tab_stops(window)
               if not (widget.accessibleName() or isinstance(widget, QTabBar)
                       or (isinstance(widget, QAbstractButton) and widget.text().strip()))]
    assert not unnamed
    assert window.formula_panel.formula_edit.accessibleName() == "Formula"
    assert window.formula_panel.low_boxes[0].accessibleName() == "x from"
    assert window.surface_view.accessibleName() == "3D surface"


def test_the_clicker_steps_after_presenting_hides_the_control_that_had_the_keys(make_main_window, activate,
                                                                              qtbot) -> None:
    """F11 hid the Gallery box, which had the focus; Qt gave it to a dock's tab bar, taken for one Tab reached,
    and the clicker's → and ← moved its tabs instead of the run."""
    window = keyboard_window(make_main_window, activate, "rosenbrock")
    window.formula_panel.preset_box.setFocus(Qt.FocusReason.ActiveWindowFocusReason)  # as at start-up
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.presentation.active)
    for _ in range(3):
        QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Right)  # where a clicker's key goes
    assert window.session.step == 3
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Left)
    assert window.session.step == 2
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F11)


def test_a_control_tabbed_to_and_then_clicked_leaves_space_to_the_window(make_main_window, activate, qtbot) -> None:
    """Tabbed to, then clicked, the Race button kept Space: the lecturer's Space ran the race again."""
    window, button = race_button_tabbed_to(make_main_window, activate)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.session.run_specs) > 1)
    QTest.keyClick(button, Qt.Key.Key_Space)
    assert window.stepper.playing


def scroll_the_map(view, notches: int = 1) -> None:
    """Turn the mouse wheel over the middle of the map (negative: away from the person, zooming out)."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    centre = QPointF(view.data_to_widget(0.0, 0.0))
    wheel = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)


def test_the_map_scrolled_takes_arrows_plus_minus_and_0_and_a_click_on_it_gives_them_back(
        make_main_window, activate, qtbot) -> None:
    """The map took no keys: arrows, + and − pan and zoom it as the mouse does (both views follow), 0 shows the
    ranges as opened; → still steps the run after a click that set its start there."""
    window = keyboard_window(make_main_window, activate)
    session, view = window.session, window.contour_view
    opened = dict(session.plot.ranges)
    scroll_the_map(view, -1)
    qtbot.waitUntil(lambda: session.plot.ranges != opened, timeout=3000)
    assert view.hasFocus() and view.has_keys
    (x_lo, x_hi), (y_lo, y_hi) = session.plot.ranges["x"], session.plot.ranges["y"]
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Up):
        QTest.keyClick(QApplication.focusWidget(), key)
    qtbot.waitUntil(lambda: session.plot.ranges["y"][0] != y_lo, timeout=3000)
    assert session.step == 0, "→ panned the map, it did not step the run"
    assert session.plot.ranges["x"] == pytest.approx((x_lo + 0.1 * (x_hi - x_lo), x_hi + 0.1 * (x_hi - x_lo)))
    assert session.plot.ranges["y"] == pytest.approx((y_lo + 0.1 * (y_hi - y_lo), y_hi + 0.1 * (y_hi - y_lo)))
    assert window.surface_view.scene_mapping.x_range == pytest.approx(session.plot.ranges["x"]), "the 3D view follows"
    (x_lo, x_hi), lr = session.plot.ranges["x"], session.run_specs[0].lr
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Plus)
    qtbot.waitUntil(lambda: session.plot.ranges["x"][0] != x_lo, timeout=3000)
    middle, half = (x_lo + x_hi) / 2, (x_hi - x_lo) / 2 / 1.25
    assert session.plot.ranges["x"] == pytest.approx((middle - half, middle + half)) and session.run_specs[0].lr == lr
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_0)
    assert session.plot.ranges == opened
    target = view.data_to_widget(1.0, 1.0)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=target.toPoint())
    session.wait_for_runs()
    assert session.run_specs[0].start["x"] == pytest.approx(1.0, abs=0.05) and not view.has_keys
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Right)
    assert session.step == 1 and session.plot.ranges == opened


def test_the_map_with_its_keys_is_framed_says_so_and_esc_gives_them_back(make_main_window, activate, qtbot) -> None:
    """Nothing showed that the arrows now panned the map: a lecturer pressing → to step saw the map move."""
    from gradviz.app.contour_view import KEYS_FRAME_WIDTH

    window = keyboard_window(make_main_window, activate)
    session, view = window.session, window.contour_view
    highlight = view.palette().color(QPalette.ColorRole.Highlight)

    def corner_is_framed() -> bool:
        image = view.grab().toImage()
        inside = image.pixelColor(KEYS_FRAME_WIDTH // 2, image.height() // 2)
        return inside.rgb() == highlight.rgb()

    assert not corner_is_framed()
    opened = dict(session.plot.ranges)
    scroll_the_map(view, -1)
    qtbot.waitUntil(lambda: session.plot.ranges != opened, timeout=3000)
    assert view.has_keys and corner_is_framed()
    assert window.statusBar().currentMessage().startswith("The map has the keys")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not view.has_keys and not corner_is_framed() and window.statusBar().currentMessage() == ""
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Right)
    assert session.step == 1, "→ steps the run again"


def test_while_presenting_the_map_leaves_the_arrows_to_the_run(make_main_window, activate, qtbot) -> None:
    """A lecturer who dragged the map while presenting, then pressed the clicker's →, saw the map pan."""
    window = keyboard_window(make_main_window, activate)
    session, view = window.session, window.contour_view
    window.presentation.enter()
    qtbot.wait(100)
    view.setFocus()
    opened = dict(session.plot.ranges)
    scroll_the_map(view, -1)
    qtbot.waitUntil(lambda: session.plot.ranges != opened, timeout=3000)
    assert not view.has_keys
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Right)
    assert session.step == 1, "→ stepped the run"
    window.presentation.leave()
    qtbot.wait(100)
    view.setFocus()
    scroll_the_map(view, -1)
    qtbot.waitUntil(lambda: view.has_keys, timeout=3000)


def test_the_shortcuts_window_lists_the_maps_keys(make_main_window, activate) -> None:
    window = keyboard_window(make_main_window, activate)
    QTest.keyClick(window, Qt.Key.Key_F1)
    text = window.shortcuts_dialog.label.text()
    assert "Contour map" in text and "Pan the map" in text and "Zoom the map in / out about its centre" in text


def test_ctrl_shift_l_shows_the_lessons_scenes_and_the_list_reached_with_tab_keeps_its_keys(make_main_window,
                                                                                          activate) -> None:
    """The scenes of a lesson could not be seen or chosen at all; by keys too, the list must not lose its keys."""
    from gradviz.core.lessons import shipped_lessons

    window = keyboard_window(make_main_window, activate)
    player = window.lesson_player
    window.document.open_lesson(shipped_lessons()[0])
    window.controller.wait()
    assert menu_action(window, "Lessons", "Scenes…").shortcut().toString() == "Ctrl+Shift+L"
    control_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window, Qt.Key.Key_L, control_shift)
    dock = window.scenes_dock
    assert dock.isVisible()
    rows = dock.panel.list
    tab_to(rows)
    QTest.keyClick(rows, Qt.Key.Key_End)
    assert rows.currentRow() == 5 and player.index == 0, "End chose the last row, not the last scene"
    QTest.keyClick(rows, Qt.Key.Key_Return)
    window.controller.wait()
    assert player.index == 5 and rows.currentRow() == 5
    for key, row in ((Qt.Key.Key_Home, 0), (Qt.Key.Key_PageDown, 5), (Qt.Key.Key_End, 5), (Qt.Key.Key_Up, 4)):
        QTest.keyClick(QApplication.focusWidget(), key)  # a clicker's keys browse the list, the scene stays
        assert QApplication.focusWidget() is rows and rows.currentRow() == row and player.index == 5, key
    QTest.keyClick(rows, Qt.Key.Key_Down)
    QTest.keyClick(rows, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert player.index == 4 and rows.currentRow() == 4 and window.isWindowModified()
    QTest.keyClick(rows, Qt.Key.Key_L, control_shift)
    assert not dock.isVisible()
    QTest.keyClick(window, Qt.Key.Key_L, control_shift)
    assert dock.isVisible() and QApplication.focusWidget() is rows, "the shortcut gives the list the keys"
    mnemonics = {button.text() for button in (dock.panel.edit_button, dock.panel.remove_button)}
    assert not any("&E" in text or "&R" in text for text in mnemonics), "Alt+E and Alt+R open the menus"


def test_tab_reaches_the_stepper_buttons_whose_space_presses_them_and_a_click_leaves_the_focus(make_main_window,
                                                                                              activate, qtbot) -> None:
    """Reset, Back, Play and Step were never reached with Tab: the run could only be driven by shortcuts."""
    window = keyboard_window(make_main_window, activate, "rosenbrock")
    stepper, session = window.stepper, window.session
    tab_to(stepper.step_button)
    QTest.keyClick(stepper.step_button, Qt.Key.Key_Space)
    assert session.step == 1 and not stepper.playing, "Space steps on Step"
    QTest.keyClick(stepper.step_button, Qt.Key.Key_Right)
    assert session.step == 2 and stepper.step_button.hasFocus(), "→ still steps the run"
    tab_to(stepper.reset_button, backwards=True)
    QTest.keyClick(stepper.reset_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.step == 0)  # Enter presses it as a click shows
    tab_to(stepper.play_button)
    QTest.keyClick(stepper.play_button, Qt.Key.Key_Space)
    assert stepper.playing
    QTest.keyClick(stepper.play_button, Qt.Key.Key_Space)
    assert not stepper.playing
    window.formula_panel.formula_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    QTest.mouseClick(stepper.back_button, Qt.MouseButton.LeftButton)
    assert window.formula_panel.formula_edit.hasFocus(), "a click leaves the focus where it was"


def test_tab_reaches_the_caption_bars_buttons_which_move_through_and_close_the_lesson(make_main_window,
                                                                                      activate, qtbot) -> None:
    """The caption bar's ◀ ▶ Notes ✕ were never reached with Tab."""
    from gradviz.core.lessons import shipped_lessons

    window = keyboard_window(make_main_window, activate)
    player = window.lesson_player
    window.document.open_lesson(shipped_lessons()[0])
    window.controller.wait()
    bar = player.caption_bar
    tab_to(bar.next_button)
    QTest.keyClick(bar.next_button, Qt.Key.Key_Space)
    window.controller.wait()
    assert player.index == 1
    tab_to(bar.notes_button)
    QTest.keyClick(bar.notes_button, Qt.Key.Key_Space)
    assert bar.notes_shown
    tab_to(bar.previous_button, backwards=True)
    QTest.keyClick(bar.previous_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: player.index == 0)
    window.controller.wait()
    tab_to(bar.close_button)
    QTest.keyClick(bar.close_button, Qt.Key.Key_Space)
    assert player.lesson is None and not bar.isVisible()


def frame_pixels(rect) -> list[tuple[int, int]]:
    """The pixels of a two-pixel frame just inside rect."""
    rows = [(x, y) for y in (rect.top(), rect.top() + 1, rect.bottom() - 1, rect.bottom())
            for x in range(rect.left(), rect.right() + 1)]
    columns = [(x, y) for x in (rect.left(), rect.left() + 1, rect.right() - 1, rect.right())
               for y in range(rect.top(), rect.bottom() + 1)]
    return rows + columns


@pytest.mark.parametrize("theme", ["default", "projector"])
def test_a_combo_box_and_a_tab_bar_reached_with_tab_are_framed_in_the_accent_colour(make_main_window, activate,
                                                                                   theme) -> None:
    """Focus on a tab bar was a pale tint, on a combo box a one-pixel light-blue line: hard to see, projected most."""
    from PySide6.QtWidgets import QTabBar

    window = keyboard_window(make_main_window, activate)
    window.session.set_theme(theme)
    window.teaching_docks.show_panel("probe_dock")
    QApplication.processEvents()
    box = window.stepper.optimizer_box
    bar = next(bar for bar in window.findChildren(QTabBar)
               if bar.isVisible() and "Probe" in [bar.tabText(index) for index in range(bar.count())])
    for control, framed in ((box, box.rect), (bar, lambda: bar.tabRect(bar.currentIndex()))):
        unfocused = control.grab().toImage()
        tab_to(control)
        QApplication.processEvents()
        focused = control.grab().toImage()
        accent = control.palette().color(QPalette.ColorRole.Highlight).rgb()
        off_colour = [(x, y) for x, y in frame_pixels(framed()) if focused.pixel(x, y) != accent]
        assert not off_colour, f"{type(control).__name__}: {len(off_colour)} pixels of the frame are not the accent"
        QTest.keyClick(control, Qt.Key.Key_Tab)
        QApplication.processEvents()
        assert not control.hasFocus() and control.grab().toImage() == unfocused, "unfocused, it looks as it did"

"""The runs panel: every run side by side with its outcome, selection, removal, and quick comparisons."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradviz.app.lr_guidance import guidance_for
from gradviz.app.panel_base import (
    MAX_RUNS,
    WRONG_SIGN_COLOUR,
    LazyPanel,
    RunSelection,
    muted,
    no_run_text,
    outcome_colour,
    run_swatch,
)
from gradviz.app.wrapping_row import WrappingRow
from gradviz.core.comparisons import (
    around_stability_limit,
    compare_learning_rates,
    different_starts,
    race_optimizers,
    wrong_sign_twin,
)
from gradviz.core.compiled import CompiledFormula
from gradviz.core.notation import format_number
from gradviz.core.runs import optimizer_text
from gradviz.core.scenario import RunSpec
from gradviz.core.session import Session

LR_FACTORS = (1.0, 0.1, 10.0)  # the run itself first, so run 1 keeps the stepper's η
PLANE_SPREAD = ((0.15, 0.15), (0.85, 0.15), (0.15, 0.85), (0.85, 0.85))  # fractions of the plotted ranges
LINE_SPREAD = ((0.1,), (0.35,), (0.65,), (0.9,))
SAME_LR = 0.02  # learning rates this close (relatively) would draw the same run twice
COLUMNS = ("Run", "Optimizer", "η", "Sign")
CLOCK_NOTE = ("All runs share one clock: each step moves every run one update; a run that has ended stays at its "
              "last point.")
COMPACT_SPACING = 4
OUTCOME_INDENT = 24  # pixels a run's outcome is set in under its title
OUTCOME_PADDING = 4  # pixels above and below an outcome's lines


class OutcomeDelegate(QStyledItemDelegate):
    """Draws a run's outcome (a row under the run's) wrapped at the list's width, as tall as its lines need.

    On one line, "reached the step budget (60 steps); zig-zagging across a kink of f: a fixed step cannot settle
    there" was cut off at the panel's edge with "…", and its tooltip was the only way to read the rest.
    """

    def __init__(self, tree: QTreeWidget) -> None:
        """Draw the outcomes of this list, laid out again as its width changes."""
        super().__init__(tree)
        self._tree = tree
        tree.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A new width wraps the outcomes anew: the rows' heights change (laid out when in sight).

        Laid out at every resize, behind the Loss panel's tab too, the list asked the window for a second repaint
        after each new formula's.
        """
        kind = event.type()
        if kind == QEvent.Type.Resize and watched.isVisible():
            if event.size().width() != event.oldSize().width():  # type: ignore[attr-defined]
                self._tree.doItemsLayout()
        elif kind == QEvent.Type.Show:
            self._tree.doItemsLayout()
        return False

    def _text_rect(self, index: QModelIndex | QPersistentModelIndex) -> QRect:
        """Where the outcome's lines go, at the list's width, from the top of its row."""
        width = self._tree.viewport().width() - OUTCOME_INDENT - OUTCOME_PADDING
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        flags = int(Qt.TextFlag.TextWordWrap)
        bounds = self._tree.fontMetrics().boundingRect(QRect(0, 0, max(width, 1), 100_000), flags, text)
        return QRect(OUTCOME_INDENT, OUTCOME_PADDING, max(width, 1), bounds.height())

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        """A run's row as usual; an outcome's as tall as its lines wrapped at the list's width."""
        if not index.parent().isValid() or index.column():
            return super().sizeHint(option, index)
        rect = self._text_rect(index)
        return QSize(rect.right(), rect.height() + 2 * OUTCOME_PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """A run's row as usual; an outcome's lines wrapped, in its colour."""
        if not index.parent().isValid():
            super().paint(painter, option, index)
            return
        rect = self._text_rect(index).translated(option.rect.left(), option.rect.top())
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        painter.save()
        painter.setPen(colour.color() if colour is not None else option.palette.color(QPalette.ColorRole.Text))
        painter.drawText(rect, int(Qt.TextFlag.TextWordWrap), str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        painter.restore()


def learning_rate_specs(session: Session, index: int) -> tuple[RunSpec, ...]:
    """Run `index` at η, η/10 and 10η, and just below and above 2/λmax where the start has that limit.

    The limit is plain gradient descent's with the correct sign: for another optimizer, or uphill, there is none
    to show either side of.
    """
    spec = session.runs[index].spec
    specs = compare_learning_rates(spec, LR_FACTORS)
    if spec.optimizer != "gd" or spec.sign != "correct":
        return specs
    guidance = guidance_for(session, index)
    if guidance is None or not guidance.available:
        return specs
    new = [extra for extra in around_stability_limit(spec, guidance)
           if not any(math.isclose(extra.lr, other.lr, rel_tol=SAME_LR) for other in specs)]
    return (*specs, *new)


def _defined_at(compiled: CompiledFormula, point: dict[str, float]) -> bool:
    """Whether f and its gradient are finite at a point."""
    try:
        value, gradient = compiled.value_and_gradient(np.array([point[name] for name in compiled.variables]))
    except ArithmeticError:
        return False
    return math.isfinite(value) and bool(np.isfinite(gradient).all())


def spread_starts(session: Session, spec: RunSpec) -> list[dict[str, float]]:
    """The run's start and four more spread over the plotted ranges, keeping those where f is defined."""
    if session.analysis is None:
        return []
    axes = session.plot.axes
    ranges = [session.plot.ranges[axis] for axis in axes]
    candidates = [{axis: spec.start[axis] for axis in axes}]
    for fractions in PLANE_SPREAD if len(axes) == 2 else LINE_SPREAD:
        candidates.append({axis: low + fraction * (high - low)
                           for axis, fraction, (low, high) in zip(axes, fractions, ranges, strict=True)})
    return [start for start in candidates if _defined_at(session.analysis.compiled, {**spec.start, **start})]


def with_wrong_sign_twin(session: Session, index: int) -> tuple[RunSpec, ...]:
    """Every run, then run `index` with the other update sign."""
    return (*(result.spec for result in session.runs), wrong_sign_twin(session.runs[index].spec))


def optimizer_race(session: Session, index: int) -> tuple[RunSpec, ...]:
    """Run `index` with gradient descent, momentum and Adam, each at a learning rate that suits it."""
    return race_optimizers(session.runs[index].spec)


def start_point_specs(session: Session, index: int) -> tuple[RunSpec, ...]:
    """Run `index` from its start and from points spread over the plotted ranges."""
    spec = session.runs[index].spec
    return different_starts(spec, spread_starts(session, spec))


SpecsMaker = Callable[[Session, int], tuple[RunSpec, ...]]
TWIN_ACTION = "Add the wrong-sign twin"
# Each quick comparison: its button's name, its short name (in a narrow dock, two buttons a line), what it does
QUICK_ACTIONS: tuple[tuple[str, str, str, SpecsMaker], ...] = (
    (TWIN_ACTION, "Wrong-sign twin", "Add the selected run with the other update sign (w + η∇f climbs)",
     with_wrong_sign_twin),
    ("Compare learning rates", "Learning rates",
     "The selected run at η, η/10 and 10η, and just below and above the stability limit", learning_rate_specs),
    ("Race optimizers", "Race optimizers",
     "Gradient descent, momentum and Adam from the selected run's start, each with an η that suits it", optimizer_race),
    ("Different start points", "Start points",
     "The selected run from its start and from four points spread over the map", start_point_specs),
)


class RunsPanel(LazyPanel):
    """Lists the runs (colour, label, optimizer, η, sign, outcome); select, remove, and compare quickly.

    Listed anew only while seen: behind the Loss panel's tab, its list's delayed layout after each new formula
    asked the window for a second repaint.
    """

    def __init__(self, session: Session, selection: RunSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self._filling = False

        quick = WrappingRow(spacing=COMPACT_SPACING)  # two a line, one in a dock narrower than both (a small window)
        self.quick_buttons: dict[str, QPushButton] = {}  # by their full names
        for text, _short, _tip, make_specs in QUICK_ACTIONS:
            button = QPushButton()
            button.clicked.connect(lambda _checked=False, make=make_specs: self.apply(make))
            quick.add_group(button)
            self.quick_buttons[text] = button
        self.name_buttons(False)

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Runs")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setIndentation(0)
        self.tree.setItemDelegate(OutcomeDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(self._current_item_changed)
        self.tree.setToolTip(CLOCK_NOTE)
        self.tree.setMinimumHeight(self._one_run_height())

        self.remove_button = QPushButton("Remove run")
        self.remove_button.setToolTip("Remove the selected run")
        self.remove_button.clicked.connect(self.remove_selected)
        self.keep_button = QPushButton("Keep only this run")
        self.keep_button.setToolTip("Remove every run but the selected one")
        self.keep_button.clicked.connect(self.keep_selected)
        self.count_label = QLabel()
        self._count_tip = f"At most {MAX_RUNS} runs side by side. {CLOCK_NOTE}"
        self.count_label.setToolTip(self._count_tip)
        actions = WrappingRow(spacing=COMPACT_SPACING)  # the count above the buttons in a narrow dock
        actions.add_group(self.count_label)
        actions.add_group(self.remove_button, self.keep_button)

        # No heading and tight spacing: at 1280×720 the dock shares its column with the probe and has about
        # 165 pixels, which must hold the comparisons, one run with its outcome, and the remove buttons.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(COMPACT_SPACING)
        layout.addWidget(quick)
        layout.addWidget(self.tree, 1)
        layout.addWidget(actions)

        session.runs_changed.connect(self._runs_changed)
        session.theme_changed.connect(self.refresh_with_the_views)
        selection.changed.connect(self._show_selection)
        self.refresh()

    def name_buttons(self, short: bool) -> None:
        """Name the quick comparisons' buttons shortly (their tooltips then start with the full names) or in full."""
        for text, short_text, tip, _make in QUICK_ACTIONS:
            button = self.quick_buttons[text]
            button.setText(short_text if short else text)
            button.setToolTip(f"{text}: {tip[0].lower()}{tip[1:]}" if short else tip)

    def _one_run_height(self) -> int:
        """The list's height showing its header and one run with its outcome line."""
        row = max(self.tree.fontMetrics().height(), self.tree.iconSize().height()) + 4
        return self.tree.header().sizeHint().height() + 2 * row + 2 * self.tree.frameWidth()

    def _runs_changed(self, *_: object) -> None:
        """The buttons and the count follow at once, hidden or not; the list when seen."""
        self.refresh_with_the_views()
        if self._stale:  # not listed now (not seen, or playing): the count and buttons at least
            self._show_count()

    def refresh(self) -> None:
        """List every run with its outcome."""
        self._filling = True
        self.tree.clear()
        for index, result in enumerate(self._session.runs):
            spec = result.spec
            optimizer = optimizer_text(spec)
            item = QTreeWidgetItem([spec.label or f"run {index + 1}", optimizer, format_number(spec.lr), spec.sign])
            item.setIcon(0, run_swatch(index, self._session.theme))
            item.setToolTip(0, spec.label or f"run {index + 1}")
            item.setToolTip(1, optimizer)
            if spec.sign == "wrong":
                item.setForeground(3, QColor(WRONG_SIGN_COLOUR))
            message = self._session.stop_message(index)
            outcome = QTreeWidgetItem(item, [message])
            outcome.setForeground(0, QColor(outcome_colour(result.run)))
            outcome.setToolTip(0, message)
            outcome.setFlags(Qt.ItemFlag.ItemIsEnabled)  # part of its run's entry, not a run to select
            self.tree.addTopLevelItem(item)
            outcome.setFirstColumnSpanned(True)
            item.setExpanded(True)
        self._filling = False
        self._show_count()
        self._show_selection(self._selection.index)

    def _show_count(self) -> None:
        """The number of runs, and the buttons that act on them enabled as they apply."""
        count = len(self._session.runs)
        self.count_label.setText(muted(f"{count} / {MAX_RUNS} runs"))  # short: the dock may be narrow
        self.count_label.setToolTip(no_run_text(self._session, "to list") if count == 0 else self._count_tip)
        self.remove_button.setEnabled(count > 1)
        self.keep_button.setEnabled(count > 1)
        for text, button in self.quick_buttons.items():
            button.setEnabled(0 < count < MAX_RUNS if text == TWIN_ACTION else count > 0)

    def apply(self, make_specs: SpecsMaker) -> None:
        """Replace the runs by those built from the selected run, select run 1 and start the clock again."""
        if not self._session.runs:
            return
        specs = make_specs(self._session, self._selection.index)[:MAX_RUNS]
        self._session.set_runs(specs)
        self._selection.select(0)
        self._session.reset()

    def remove_selected(self) -> None:
        """Remove the selected run (the last one cannot go)."""
        specs = [result.spec for result in self._session.runs]
        if len(specs) > 1:
            del specs[self._selection.index]
            self._session.set_runs(specs)

    def keep_selected(self) -> None:
        """Remove every run but the selected one, which becomes run 1 (the one the stepper controls)."""
        if self._session.runs:
            self._session.set_runs([replace(self._session.runs[self._selection.index].spec, label="")])
            self._selection.select(0)

    def _current_item_changed(self, item: QTreeWidgetItem | None) -> None:
        if item is not None and not self._filling:
            self._selection.select(self.tree.indexOfTopLevelItem(item))

    def _show_selection(self, index: int) -> None:
        item = self.tree.topLevelItem(index)
        if item is not None and self.tree.currentItem() is not item:
            self._filling = True
            self.tree.setCurrentItem(item)
            self._filling = False

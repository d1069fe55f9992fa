"""The step table of the selected run: one row per step, the current one highlighted; copy and save it."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QIODevice,
    QModelIndex,
    QPersistentModelIndex,
    QSaveFile,
    Qt,
)
from PySide6.QtGui import QAction, QColor, QFont, QFontMetricsF, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gradviz.app.panel_base import ALIGN_RIGHT, LazyPanel, RunChooser, RunSelection, muted, no_run_text
from gradviz.core.errors import GradvizError
from gradviz.core.grid import NO_NOISE_FLOOR, NoiseFloor
from gradviz.core.notation import format_number, held_text, partial_label, unicode_name
from gradviz.core.runs import RunResult
from gradviz.core.session import Session
from gradviz.core.step_table import (
    StepTable,
    held_values,
    step_numbers,
    step_table,
    to_csv,
    to_latex,
    to_markdown,
)

EXPORTS: dict[str, tuple[str, Callable[[StepTable], str]]] = {
    ".csv": ("CSV", to_csv),
    ".md": ("Markdown", to_markdown),
    ".tex": ("LaTeX table", to_latex),
}
EXPORT_FILTERS = {f"{title} (*{suffix})": suffix for suffix, (title, _write) in EXPORTS.items()}
CURRENT_ROW_COLOUR = QColor(255, 226, 140)
# Rows measured when sizing the columns (besides each column's extremes): enough for the widths, cheap for
# 10 000 rows.
SAMPLED_FIRST_ROWS = 30
SAMPLED_LAST_ROWS = 10
AnyIndex = QModelIndex | QPersistentModelIndex
DISPLAY_ROLE, ALIGNMENT_ROLE, BACKGROUND_ROLE, FONT_ROLE = (
    int(role) for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
                           Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole)
)
ANSWERED_ROLES = frozenset((DISPLAY_ROLE, ALIGNMENT_ROLE, BACKGROUND_ROLE, FONT_ROLE))


def column_headings(variables: tuple[str, ...], function: str) -> list[str]:
    """k, the variables, f, ∂f/∂ each, Δ each, next each."""
    return ["k", *map(unicode_name, variables), function, *(partial_label(function, name) for name in variables),
            *("Δ" + unicode_name(name) for name in variables),
            *("next " + unicode_name(name) for name in variables)]


def sampled_rows(numbers: np.ndarray) -> np.ndarray:
    """Rows likely to hold each column's widest text: the first and last ones, and each column's extremes.

    The extremes: the lowest and highest value, the smallest magnitude and the negative value nearest zero
    (tiny numbers print with an exponent, negative ones with a minus sign).
    """
    if len(numbers) <= SAMPLED_FIRST_ROWS + SAMPLED_LAST_ROWS:
        return np.arange(len(numbers))
    missing = np.isnan(numbers)
    extremes = (
        np.where(missing, np.inf, numbers).argmin(axis=0),
        np.where(missing, -np.inf, numbers).argmax(axis=0),
        np.where(missing | (numbers == 0), np.inf, np.abs(numbers)).argmin(axis=0),
        np.where(missing | (numbers >= 0), -np.inf, numbers).argmax(axis=0),
    )
    ends = (np.arange(SAMPLED_FIRST_ROWS), np.arange(len(numbers) - SAMPLED_LAST_ROWS, len(numbers)))
    return np.unique(np.concatenate([*ends, *extremes]))


def write_text_atomically(path: Path, text: str) -> None:
    """Write UTF-8 text so the file is either the old one or the complete new one; GradvizError says why not."""
    target = QSaveFile(str(path))
    if not target.open(QIODevice.OpenModeFlag.WriteOnly):
        raise GradvizError(f"cannot write {path}: {target.errorString()}")
    target.write(text.encode("utf-8"))
    if not target.commit():
        raise GradvizError(f"cannot save {path}: {target.errorString()}")


class StepTableModel(QAbstractTableModel):
    """A run's step table for a QTableView, cells formatted only when drawn (fast for long runs)."""

    def __init__(self) -> None:
        super().__init__()
        self.numbers = np.zeros((0, 0))
        self._run: RunResult | None = None
        self._function_name = "f"
        self._table: StepTable | None = StepTable((), ())
        self._headings: list[str] = []
        self.current_row = -1
        self.current_row_font = QFont()
        self.current_row_font.setBold(True)

    def set_run(self, run: RunResult | None, function_name: str, noise: NoiseFloor = NO_NOISE_FLOOR) -> None:
        """Show another run's steps (None: an empty table), f and its partials 0 where they are rounding (noise)."""
        self.beginResetModel()
        self._run, self._function_name = run, function_name
        self._table = None if run is not None else StepTable((), ())  # made when first asked for
        self.numbers = step_numbers(run) if run is not None else np.zeros((0, 0))
        if run is not None:
            count = len(run.run.variables)  # the columns: k, the point, f, ∇f, …
            gradient = slice(count + 2, 2 * count + 2)
            self.numbers[:, count + 1] = noise.shown_values(self.numbers[:, count + 1])
            self.numbers[:, gradient] = noise.of(run.run.variables).shown_partials(self.numbers[:, gradient])
        self._headings = column_headings(run.run.variables, function_name) if run is not None else []
        self.current_row = -1
        self.endResetModel()

    @property
    def table(self) -> StepTable:
        """The shown steps as a StepTable (for copying and saving)."""
        if self._table is None:
            assert self._run is not None
            self._table = step_table(self._run, self._function_name)
        return self._table

    def set_current_row(self, row: int) -> None:
        """Highlight the row of the current step."""
        previous, self.current_row = self.current_row, row
        for changed in {previous, row}:
            if 0 <= changed < self.rowCount():
                self.dataChanged.emit(self.index(changed, 0), self.index(changed, self.columnCount() - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """One row per step."""
        return 0 if parent.isValid() else len(self.numbers)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """k, point, f, gradient, update, next point."""
        return 0 if parent.isValid() else len(self._headings)

    def data(self, index: AnyIndex, role: int = DISPLAY_ROLE) -> object:
        """A cell's text (6 significant digits), alignment and the current row's highlight.

        Drawing a cell asks for about ten roles; the ones not answered return at the first test.
        """
        if role not in ANSWERED_ROLES or not index.isValid():
            return None
        if role == DISPLAY_ROLE:
            return self.cell_text(index.row(), index.column())
        if role == ALIGNMENT_ROLE:
            return ALIGN_RIGHT
        if index.row() != self.current_row:
            return None
        return CURRENT_ROW_COLOUR if role == BACKGROUND_ROLE else self.current_row_font

    def cell_text(self, row: int, column: int) -> str:
        """A cell's text: k as a whole number, the others to 6 significant digits, empty where none."""
        value = self.numbers[row, column]
        return "" if np.isnan(value) else str(int(value)) if column == 0 else format_number(value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Column titles in math notation."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headings[section] if section < len(self._headings) else None
        return None

    def rows_table(self, rows: list[int]) -> StepTable:
        """The table restricted to some rows (in table order)."""
        return self.table.with_rows([self.table.rows[row] for row in sorted(rows)])


class StepTablePanel(LazyPanel):
    """The selected run's steps; the clock's row highlighted and kept in view; copy and save."""

    def __init__(self, session: Session, selection: RunSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self._shown_run: RunResult | None = None
        self.model = StepTableModel()
        self.view = QTableView()
        self.view.setAccessibleName("Step table")
        self.view.setTabKeyNavigation(False)  # Tab goes on to the next control; the arrow keys move between cells
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)

        self.copy_action = QAction("Copy", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.setToolTip("Copy the selected rows (or the whole table) as CSV (Ctrl+C)")
        self.copy_action.triggered.connect(self.copy)
        self.addAction(self.copy_action)

        self.summary = QLabel()
        self.summary.setWordWrap(True)  # the reason a run could not start is long
        top = QHBoxLayout()
        top.addWidget(QLabel("Run:"))
        top.addWidget(RunChooser(session, selection), 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        copy_button = QPushButton("Copy")
        copy_button.setToolTip(self.copy_action.toolTip())
        copy_button.clicked.connect(self.copy)
        save_button = QPushButton("Save…")
        save_button.setToolTip("Save the table as CSV, Markdown or LaTeX")
        save_button.clicked.connect(self.save_dialog)
        bottom.addWidget(copy_button)
        bottom.addWidget(save_button)
        self.export_controls = (self.copy_action, copy_button, save_button)  # enabled while there is a table
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        session.runs_changed.connect(self.schedule_refresh)
        session.step_changed.connect(self.refresh_with_the_views)
        selection.changed.connect(self.schedule_refresh)

    def refresh(self) -> None:
        """Rebuild the table when the selected run changed; highlight the clock's row and scroll to it."""
        result, session = self._selection.result(), self._session
        if result is not self._shown_run:
            self._shown_run = result
            noise = session.noise_floor_at(session.variables, result.points) if result is not None else NO_NOISE_FLOOR
            self.model.set_run(result, session.analysis.formula.name if session.analysis else "f", noise)
            self.fit_columns()
        for control in self.export_controls:
            control.setEnabled(result is not None)
        if result is None:
            self.summary.setText(muted(no_run_text(session, "to tabulate")))
            return
        row = session.step_state(self._selection.index).step_index
        self.model.set_current_row(row)
        self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        held = held_text(held_values(result))
        self.summary.setText(f"{self.model.rowCount()} rows; step {row} highlighted" + (f"; {held}" if held else ""))

    def fit_columns(self) -> None:
        """Make each column as wide as its heading and its widest text in the sampled rows, measured in bold.

        Qt's own measuring (resizeColumnsToContents) asks the model for each cell's data a dozen times over;
        with the table showing, it took most of the time a new formula needs to appear.
        """
        header, model = self.view.horizontalHeader(), self.model
        rows = sampled_rows(model.numbers).tolist()
        metrics = QFontMetricsF(model.current_row_font)  # Qt lays text out at fractional widths
        margins = 2 * (self.view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.view) + 1)
        grid_line = 1 if self.view.showGrid() else 0
        was_blocked = header.blockSignals(True)  # the view would repaint the resized columns once more, later
        try:
            for column in range(model.columnCount()):
                texts = {model.cell_text(row, column) for row in rows}
                longest = max(map(len, texts), default=0)  # a text two characters shorter is never wider
                widest = math.ceil(max((metrics.horizontalAdvance(text) for text in texts
                                        if len(text) >= longest - 2), default=0.0))
                header.resizeSection(column, max(widest + margins + grid_line, header.sectionSizeHint(column)))
        finally:
            header.blockSignals(was_blocked)
        self.view.doItemsLayout()  # the scroll ranges for the new widths, and one repaint of the table
        # Qt shows or hides the scroll bars for the new ranges in a queued call; made now, it is in the same repaint
        QCoreApplication.sendPostedEvents(self.view, QEvent.Type.MetaCall)

    def copied_table(self) -> StepTable:
        """What Copy puts on the clipboard: the selected rows, or the whole table when none are selected."""
        rows = [index.row() for index in self.view.selectionModel().selectedRows()]
        return self.model.rows_table(rows) if rows else self.model.table

    def copy(self) -> None:
        """Copy the selected rows (or every row) as CSV."""
        QApplication.clipboard().setText(to_csv(self.copied_table()))

    def save(self, path: str | Path) -> None:
        """Save the whole table; the file's suffix (.csv, .md, .tex) picks the format. GradvizError if it can't."""
        path = Path(path)
        if path.suffix.lower() not in EXPORTS:
            raise GradvizError(f"save the table as {', '.join(EXPORTS)}; '{path.name}' has none of these suffixes")
        _title, write = EXPORTS[path.suffix.lower()]
        write_text_atomically(path, write(self.model.table))

    def save_dialog(self) -> None:
        """Ask where to save the table, then save it (the chosen type's suffix is added when missing)."""
        path, chosen_filter = QFileDialog.getSaveFileName(self, "Save step table", "steps.csv",
                                                          ";;".join(EXPORT_FILTERS))
        if not path:
            return
        if Path(path).suffix.lower() not in EXPORTS:
            path += EXPORT_FILTERS.get(chosen_filter, ".csv")
        try:
            self.save(path)
        except GradvizError as error:
            QMessageBox.warning(self, "Cannot save the step table", str(error))

"""The step table of the selected run: one row per step, the current one highlighted; copy and save it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import sympy
from PySide6.QtCore import QAbstractTableModel, QIODevice, QModelIndex, QPersistentModelIndex, QSaveFile, Qt
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gradviz.app.panel_base import ALIGN_RIGHT, LazyPanel, RunChooser, RunSelection
from gradviz.core.errors import GradvizError
from gradviz.core.notation import format_number, partial_label, unicode_math
from gradviz.core.runs import RunResult
from gradviz.core.session import Session
from gradviz.core.step_table import StepRow, StepTable, step_table, to_csv, to_latex, to_markdown

EXPORTS: dict[str, tuple[str, Callable[[StepTable], str]]] = {
    ".csv": ("CSV", to_csv),
    ".md": ("Markdown", to_markdown),
    ".tex": ("LaTeX table", to_latex),
}
EXPORT_FILTERS = {f"{title} (*{suffix})": suffix for suffix, (title, _write) in EXPORTS.items()}
CURRENT_ROW_COLOUR = QColor(255, 226, 140)
MEASURED_ROWS = 200  # rows measured when sizing columns: enough for the widths, cheap for 10 000 rows
AnyIndex = QModelIndex | QPersistentModelIndex


def _symbol(name: str) -> str:
    """A variable name as Unicode math: w1 → w₁."""
    return unicode_math(sympy.Symbol(name))


def column_headings(table: StepTable) -> list[str]:
    """k, the variables, f, ∂f/∂ each, Δ each, next each."""
    names, function = table.variables, table.function_name
    return ["k", *map(_symbol, names), function, *(partial_label(function, name) for name in names),
            *("Δ" + _symbol(name) for name in names), *("next " + _symbol(name) for name in names)]


def _row_numbers(row: StepRow, count: int) -> list[float]:
    """A row's numbers in column order, NaN where the last row has no update and no next point."""
    blank = [np.nan] * count
    return [row.k, *row.point, row.value, *row.gradient, *(row.update or blank), *(row.next_point or blank)]


def write_text_atomically(path: Path, text: str) -> None:
    """Write UTF-8 text so the file is either the old one or the complete new one; GradvizError says why not."""
    target = QSaveFile(str(path))
    if not target.open(QIODevice.OpenModeFlag.WriteOnly):
        raise GradvizError(f"cannot write {path}: {target.errorString()}")
    target.write(text.encode("utf-8"))
    if not target.commit():
        raise GradvizError(f"cannot save {path}: {target.errorString()}")


class StepTableModel(QAbstractTableModel):
    """A step table for a QTableView, cells formatted only when drawn (fast for long runs)."""

    def __init__(self) -> None:
        super().__init__()
        self.table = StepTable((), ())
        self._numbers = np.zeros((0, 0))
        self._headings: list[str] = []
        self.current_row = -1

    def set_table(self, table: StepTable) -> None:
        """Show another table."""
        self.beginResetModel()
        self.table = table
        count = len(table.variables)
        self._numbers = np.array([_row_numbers(row, count) for row in table.rows], dtype=float)
        self._headings = column_headings(table)
        self.current_row = -1
        self.endResetModel()

    def set_current_row(self, row: int) -> None:
        """Highlight the row of the current step."""
        previous, self.current_row = self.current_row, row
        for changed in {previous, row}:
            if 0 <= changed < self.rowCount():
                self.dataChanged.emit(self.index(changed, 0), self.index(changed, self.columnCount() - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """One row per step."""
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """k, point, f, gradient, update, next point."""
        return 0 if parent.isValid() else len(self._headings)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """A cell's text (6 significant digits), alignment and the current row's highlight."""
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._numbers[index.row(), index.column()]
            return "" if np.isnan(value) else str(int(value)) if index.column() == 0 else format_number(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGN_RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and index.row() == self.current_row:
            return CURRENT_ROW_COLOUR
        if role == Qt.ItemDataRole.FontRole and index.row() == self.current_row:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Column titles in math notation."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headings[section] if section < len(self._headings) else None
        return None

    def rows_table(self, rows: list[int]) -> StepTable:
        """The table restricted to some rows (in table order)."""
        return StepTable(self.table.variables, tuple(self.table.rows[row] for row in sorted(rows)),
                         self.table.function_name)


class StepTablePanel(LazyPanel):
    """The selected run's steps; the clock's row highlighted and kept in view; copy and save."""

    def __init__(self, session: Session, selection: RunSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self._shown_run: RunResult | None = None
        self.model = StepTableModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.horizontalHeader().setResizeContentsPrecision(MEASURED_ROWS)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)

        self.copy_action = QAction("Copy", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.setToolTip("Copy the selected rows (or the whole table) as CSV (Ctrl+C)")
        self.copy_action.triggered.connect(self.copy)
        self.addAction(self.copy_action)

        self.summary = QLabel()
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
            name = session.analysis.formula.name if session.analysis else "f"
            self.model.set_table(step_table(result, name) if result is not None else StepTable((), ()))
            self.view.resizeColumnsToContents()
        if result is None:
            self.summary.setText("")
            return
        row = session.step_state(self._selection.index).step_index
        self.model.set_current_row(row)
        self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        self.summary.setText(f"{self.model.rowCount()} rows; step {row} highlighted")

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

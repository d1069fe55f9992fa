"""Export from the window: a dialog for the options (remembered between uses), then saving with progress.

Video frames are drawn on the GUI thread (OpenGL lives there) in short batches from a timer, so the window
stays live and Cancel works; ffmpeg encodes in its own process, and the last step of a GIF (its palette
passes) runs in a worker thread. Cancelling or a failure leaves nothing at the target name.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import fields, replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from gradviz.app.exporter import (
    MAX_FPS,
    MAX_HOLD_SECONDS,
    MAX_ORBIT_DEGREES,
    MAX_SIDE,
    MAX_SPEED,
    MAX_STEPS_PER_FRAME,
    MIN_FPS,
    MIN_SIDE,
    MIN_SPEED,
    ExportOptions,
    ImageExport,
    VideoExport,
    check_target,
    frame_count,
    frame_layout,
    frame_steps,
)
from gradviz.app.number_box import NumberBox
from gradviz.app.presentation import REFERENCE_SCREEN
from gradviz.app.refusal_label import RefusalLabel
from gradviz.app.settings import app_settings, remember_all
from gradviz.core.errors import GradvizError
from gradviz.core.presets import all_presets
from gradviz.core.scenario import PLAY_SPEED
from gradviz.core.session import Session
from gradviz.export.writers import ExportCancelled

SIZE_PRESETS = (("1280 × 720 (HD)", (1280, 720)), ("1920 × 1080 (Full HD)", (1920, 1080)),
                ("1024 × 768 (4:3 projector)", (1024, 768)),
                ("3840 × 2160 (4K)", (3840, 2160)), ("Custom", None))
PANEL_CHOICES = (("both", "3D and contour side by side"), ("3d", "3D surface"), ("contour", "Contour map"))
# the options remembered between exports as they are (the size is kept as width and height; the speed is the window's)
REMEMBERED_OPTIONS = tuple(field.name for field in fields(ExportOptions)
                           if field.name not in ("kind", "size", "steps_per_second", "scene_caption", "scene_changes",
                                                 "screen_height"))
PACE_CHOICES = (("speed", "Steps per second, as the window plays"), ("frames", "A frame for each shown step"))
LOSS_CHOICES = (("none", ""), ("under the panels", "linear"), ("under the panels, logarithmic scale", "log"))
# (key, title, suffix): a suffix of "/" means a folder.
VIDEO_FORMATS = (("mp4", "MP4 video (H.264)", ".mp4"), ("gif", "GIF animation", ".gif"),
                 ("png", "PNG frames in a new folder", "/"))
IMAGE_FORMATS = (("png", "PNG image", ".png"), ("svg", "SVG drawing (contour map only)", ".svg"))
BATCH_SECONDS = 0.05
ENCODER_POLL_MS = 50
ENCODER_STOP_SECONDS = 5.0  # a window closing waits this long at most for a stopped encoder to end
DEFAULT_NAME = "gradviz-descent"  # the name proposed for what no file names (an untitled scenario, an example)
NOT_IN_A_NAME = re.compile(r"[^\w]+")  # runs of what a proposed file name leaves out of a lesson's title


def with_suffix(path: str, suffix: str) -> str:
    """The path with its extension replaced; a suffix '/' makes it a folder path."""
    stem = Path(path.rstrip("/" + os.sep))
    if stem.suffix.lower() in {".mp4", ".gif", ".png", ".svg"}:
        stem = stem.with_suffix("")
    return str(stem) + ("/" if suffix == "/" else suffix)


class ExportDialog(QDialog):
    """The options of an image or video export and where to save it; remembers the last choices."""

    def __init__(self, kind: str, session: Session, parent: QWidget | None = None,
                 loss_log: bool | None = None, steps_per_second: float = PLAY_SPEED, scene_caption: str = "",
                 screen_height: int = REFERENCE_SCREEN.height(), scene_changes: tuple[str, ...] = (),
                 name: str = DEFAULT_NAME) -> None:
        """A dialog for an 'image' or 'video'; a loss strip takes the scale loss_log gives (the window's), if given;
        a video plays at first at steps_per_second (the window's speed); scene_caption heads the caption, struck
        through with scene_changes (how the views differ from what it was written for); screen_height is the window's
        screen's, which the session's presentation scale is for; name: the file's name proposed, without suffix."""
        super().__init__(parent)
        self.name = name
        self.kind = kind
        self.session = session
        self.loss_log = loss_log
        self.steps_per_second = steps_per_second
        self.scene_caption, self.scene_changes = scene_caption, scene_changes
        self.screen_height = screen_height
        self._replace_agreed = ""  # a file the file dialog has asked about replacing
        self.formats = VIDEO_FORMATS if kind == "video" else IMAGE_FORMATS
        self.setWindowTitle("Export video" if kind == "video" else "Export image")
        self.path_edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.format_box = QComboBox()
        for key, title, _suffix in self.formats:
            self.format_box.addItem(title, key)
        self.size_box = QComboBox()
        for title, size in SIZE_PRESETS:
            self.size_box.addItem(title, size)
        # why a number typed was put back (2,5 frames per second), here: the status bar is behind the dialog
        self.refusal_label = RefusalLabel()
        self.width_box = self._number_box("width", MIN_SIDE, MAX_SIDE, whole=True)
        self.height_box = self._number_box("height", MIN_SIDE, MAX_SIDE, whole=True)
        size_row = QHBoxLayout()
        size_row.addWidget(self.size_box)
        size_row.addWidget(self.width_box)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_box)
        self.panels_box = QComboBox()
        for key, title in PANEL_CHOICES:
            self.panels_box.addItem(title, key)
        self.overlay_check = QCheckBox("Caption: formula, step, η, update rule and f")
        self.loss_box = QComboBox()  # f at each step for every run, in a strip under the panels
        for title, scale in LOSS_CHOICES:
            self.loss_box.addItem(title, scale)
        self.fps_box = self._number_box("frame rate", MIN_FPS, MAX_FPS, " fps", whole=True)
        self.pace_box = QComboBox()
        for key, title in PACE_CHOICES:
            self.pace_box.addItem(title, key)
        self.speed_box = self._number_box("speed", MIN_SPEED, MAX_SPEED, " steps/s")
        self.steps_box = self._number_box("steps per frame", 1, MAX_STEPS_PER_FRAME, " step per frame", whole=True)
        self.steps_box.valueChanged.connect(
            lambda count: self.steps_box.setSuffix(" step per frame" if count == 1 else " steps per frame"))
        pace_row = QHBoxLayout()
        pace_row.addWidget(self.pace_box)
        pace_row.addWidget(self.speed_box)
        pace_row.addWidget(self.steps_box)
        self.hold_box = self._number_box("hold", 0.0, MAX_HOLD_SECONDS, " s at the end")
        self.orbit_box = self._number_box("orbit", -MAX_ORBIT_DEGREES, MAX_ORBIT_DEGREES, "° over the video")
        self.summary = QLabel()

        form = QFormLayout()
        form.addRow("Save to", path_row)
        form.addRow("Format", self.format_box)
        form.addRow("Size", size_row)
        form.addRow("Panels", self.panels_box)
        form.addRow("", self.overlay_check)
        form.addRow("Loss curve", self.loss_box)
        if kind == "video":
            form.addRow("Speed", pace_row)
            form.addRow("Frame rate", self.fps_box)
            form.addRow("Hold last frame", self.hold_box)
            form.addRow("Orbit 3D camera", self.orbit_box)
            form.addRow("", self.summary)
        form.addRow(self.refusal_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setLayout(form)

        self._restore()
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.size_box.currentIndexChanged.connect(self._size_preset_chosen)
        for box in (self.width_box, self.height_box):
            box.valueChanged.connect(self._size_typed)
        for box in (self.fps_box, self.speed_box, self.steps_box, self.hold_box, self.orbit_box):
            box.valueChanged.connect(self._show_summary)
        self.pace_box.currentIndexChanged.connect(self._show_summary)
        self._format_changed()
        self._size_typed()

    def _number_box(self, name: str, low: float, high: float, suffix: str = "", whole: bool = False) -> NumberBox:
        """A box for numbers from low to high (whole ones, with whole), saying in the dialog why one typed as `name`
        was put back.

        A spin box of Qt's dropped a letter typed without a word, and a decimal comma: 2,5 frames per second became 25.
        """
        box = NumberBox(low, high, whole=whole)
        box.setSuffix(suffix)
        self.refusal_label.watch(box, name)
        return box

    def _number_boxes(self) -> tuple[NumberBox, ...]:
        """The dialog's number boxes (the video's timing too, unused in an image's)."""
        return (self.width_box, self.height_box, self.fps_box, self.speed_box, self.steps_box, self.hold_box,
                self.orbit_box)

    # ----- remembered choices ----------------------------------------------------------------------------------
    def _key(self, name: str) -> str:
        return f"export/{self.kind}/{name}"

    def _restore(self) -> None:
        settings = app_settings()
        remembered = remembered_options(self.kind, self.loss_log)
        folder = settings.value("export/folder", str(Path.home()))
        format_key = settings.value(self._key("format"), self.formats[0][0])
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(format_key)))
        self.path_edit.setText(with_suffix(str(Path(folder) / self.name), self.suffix()))
        self.width_box.setValue(remembered.size[0])
        self.height_box.setValue(remembered.size[1])
        self.panels_box.setCurrentIndex(max(0, self.panels_box.findData(remembered.panels)))
        self.overlay_check.setChecked(remembered.overlay)
        self.loss_box.setCurrentIndex(max(0, self.loss_box.findData(remembered.loss_scale)))
        self.fps_box.setValue(round(remembered.fps))
        self.pace_box.setCurrentIndex(max(0, self.pace_box.findData(remembered.pace)))
        self.speed_box.setValue(self.steps_per_second)
        self.steps_box.setValue(remembered.steps_per_frame)
        self.hold_box.setValue(remembered.hold_seconds)
        self.orbit_box.setValue(remembered.orbit_degrees)

    def remember(self) -> None:
        """Store the current choices for the next export of this kind."""
        options = self.options()
        width, height = options.size
        chosen = {"format": self.format_box.currentData(), "width": width, "height": height,
                  **{name: getattr(options, name) for name in REMEMBERED_OPTIONS}}
        remember_all({"export/folder": str(Path(self.target().rstrip("/" + os.sep)).parent),
                      **{self._key(name): value for name, value in chosen.items()}})

    # ----- reactions -------------------------------------------------------------------------------------------
    def suffix(self) -> str:
        """The chosen format's file extension, or '/' for a folder of frames."""
        return self.formats[self.format_box.currentIndex()][2]

    def _format_changed(self) -> None:
        self.path_edit.setText(with_suffix(self.path_edit.text() or self.name, self.suffix()))
        svg = self.suffix() == ".svg"
        if svg:
            self.panels_box.setCurrentIndex(self.panels_box.findData("contour"))
        self.panels_box.setEnabled(not svg)
        self.loss_box.setEnabled(not svg)  # a drawing of the contour panel alone
        self._show_summary()  # numbered frames hold no last frame

    def _size_preset_chosen(self) -> None:
        size = self.size_box.currentData()
        if size is not None:
            self.width_box.setValue(size[0])
            self.height_box.setValue(size[1])

    def _size_typed(self) -> None:
        size = (self.width_box.value(), self.height_box.value())
        index = next((i for i, (_title, preset) in enumerate(SIZE_PRESETS) if preset == size), len(SIZE_PRESETS) - 1)
        self.size_box.blockSignals(True)
        self.size_box.setCurrentIndex(index)
        self.size_box.blockSignals(False)
        self._show_summary()

    def _show_summary(self) -> None:
        try:
            options = self.options()
        except GradvizError as error:
            self.summary.setText(str(error))
            return
        plays = self.formats[self.format_box.currentIndex()][2] != "/"
        by_speed = options.pace == "speed"
        self.speed_box.setVisible(by_speed)
        self.steps_box.setVisible(not by_speed)
        frames = frame_count(self.session, options, plays=plays)
        steps = self.session.last_step
        moving = (len(frame_steps(steps, options)) - 1) / options.fps
        self.summary.setText(f"{frames} frames, {frames / options.fps:.1f} s: "
                             f"{steps} step{'' if steps == 1 else 's'} in {moving:.2f} s")
        self.hold_box.setEnabled(plays or options.orbit_degrees != 0)  # numbered frames hold only a turning camera

    def _browse(self) -> None:
        _key, title, suffix = self.formats[self.format_box.currentIndex()]
        pattern = "*" if suffix == "/" else f"*{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), self.path_edit.text().rstrip("/"),
                                              f"{title} ({pattern})")
        if path:
            self.path_edit.setText(with_suffix(path, suffix))
            self._replace_agreed = self.target()  # the file dialog asked before choosing an existing file

    # ----- results ---------------------------------------------------------------------------------------------
    def options(self) -> ExportOptions:
        """The chosen options (an ExportError if they cannot be used)."""
        return ExportOptions(
            kind=self.kind, size=(int(self.width_box.value()), int(self.height_box.value())), fps=self.fps_box.value(),
            pace=self.pace_box.currentData(), steps_per_second=self.speed_box.value(),
            steps_per_frame=int(self.steps_box.value()), panels=self.panels_box.currentData(),
            overlay=self.overlay_check.isChecked(), loss=bool(self.loss_box.currentData()) and self.suffix() != ".svg",
            loss_log=self.loss_box.currentData() == "log",
            hold_seconds=self.hold_box.value(),
            orbit_degrees=self.orbit_box.value(), scene_caption=self.scene_caption, scene_changes=self.scene_changes,
            screen_height=self.screen_height,
        )

    def target(self) -> str:
        """Where to save: a file path (a name without an extension takes the format's), or a folder for PNG frames."""
        text = os.path.expanduser(self.path_edit.text().strip())
        if self.suffix() == "/":
            return with_suffix(text, "/")
        if text and not text.endswith(("/", os.sep)) and not Path(text).suffix and not os.path.isdir(text):
            return text.rstrip(".") + self.suffix()  # "lecture." too: not "lecture..gif"
        return text

    def accept(self) -> None:
        """Close only with options and a target that can be used, and remember them.

        A number typed and put back on the way (Save clicked with 2,5 in a box) keeps the dialog open, saying why.
        """
        if self.refusal_label.holds_open(self._number_boxes()):
            return
        try:
            options = self.options()
            check_target(self.target(), options)
            frame_layout(self.session, options.size, options.panels, options.overlay, options.loss,
                         options.scene_caption, self.session.step if self.kind == "image" else None,
                         options.scene_changes)
        except GradvizError as error:
            QMessageBox.warning(self, self.windowTitle(), str(error))
            return
        if not self._may_replace(self.target()):
            return
        self.remember()
        super().accept()

    def _may_replace(self, target: str) -> bool:
        """Whether to go on: no file is there, the file dialog asked already, or the user agrees to replace it.

        The proposed name is the same each time: accepting it again replaced the last export without a word.
        """
        if not os.path.isfile(target) or target == self._replace_agreed:
            return True
        answer = QMessageBox.question(
            self, self.windowTitle(), f"{os.path.basename(target)} exists already in {os.path.dirname(target)}. "
            "Replace it?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes


def shown_loss_log(window: QMainWindow) -> bool:
    """Whether the window's loss panel shows f on a logarithmic scale."""
    return window.teaching_docks.loss_plot.log_box.isChecked()


def shown_scene_caption(window: QMainWindow) -> str:
    """The lesson scene's caption the window shows above the views ('' without a lesson)."""
    return window.lesson_player.shown_caption()


def shown_scene_changes(window: QMainWindow) -> tuple[str, ...]:
    """How the window's views differ from what the lesson scene's caption was written for (() if they fit it)."""
    return window.lesson_player.shown_changes()


def proposed_name(window: QMainWindow) -> str:
    """The export's file name proposed, without suffix: a lesson's and its scene's (learning-rate-scene-2), the
    scenario file's, a gallery example's while its formula is shown (rosenbrock), else DEFAULT_NAME. Every export
    from a lesson proposed gradviz-descent.mp4, the last one's name."""
    player = window.lesson_player
    if player.lesson is not None:
        lesson = file_stem(player.path) if player.path is not None else player.lesson.title.split(":")[0]
        return f"{NOT_IN_A_NAME.sub('-', lesson.lower()).strip('-') or 'lesson'}-scene-{player.index + 1}"
    if window.current_path is not None:
        return file_stem(window.current_path)
    session = window.session
    shown = session.analysis.formula.text if session.analysis is not None else None
    examples = [preset for preset in all_presets() if preset.scenario.formula == shown]
    runs = [spec.start for spec in session.run_specs]  # the bowl and the bowl from (1, 2) share their formula
    started_alike = [preset for preset in examples if [spec.start for spec in preset.scenario.runs] == runs]
    return next((preset.id for preset in (*started_alike, *examples)), DEFAULT_NAME)


def file_stem(path: Path) -> str:
    """A scenario or lesson file's name without its suffixes: saddle for saddle.gradviz.json."""
    name = path.name
    for suffix in (".json", ".gradviz"):
        name = name.removesuffix(suffix)
    return name or DEFAULT_NAME


def screen_height_of(window: QWidget) -> int:
    """The height of the window's screen, which its session's presentation scale is chosen for."""
    return window.screen().geometry().height()


def remembered_options(kind: str, loss_log: bool | None = None) -> ExportOptions:
    """The options of the last export of this kind ('image' or 'video'), or the defaults if none can be used.

    With loss_log given (the window's loss panel's scale), a loss strip takes that scale, not the remembered one.
    """
    settings = app_settings()
    defaults = ExportOptions(kind=kind)

    def value(name: str, default: object) -> object:
        """The stored value, read as the type of the default."""
        return type(default)(settings.value(f"export/{kind}/{name}", default, type=type(default)))

    try:
        options = ExportOptions(kind=kind, size=(value("width", defaults.size[0]), value("height", defaults.size[1])),
                                **{name: value(name, getattr(defaults, name)) for name in REMEMBERED_OPTIONS})
    except (GradvizError, ValueError, TypeError):
        return defaults
    return options if loss_log is None else replace(options, loss_log=loss_log)


def basins_ready(window: QMainWindow, why: str) -> bool:
    """Whether the basins a picture will show are found (waiting for the window's, with Cancel); says if cancelled."""
    keeper = getattr(window, "basins_keeper", None)
    if keeper is None or keeper.finish(window, why):
        return True
    window.statusBar().showMessage(f"Cancelled {why}: the basins were still being found.", 8000)
    return False


def copy_picture_from(window: QMainWindow) -> None:
    """Put the current step on the clipboard as a picture, drawn as Export image would draw it (its size and panels),
    in pieces behind a progress dialog with Cancel."""
    if not basins_ready(window, "copying the picture"):
        return
    options = replace(remembered_options("image", shown_loss_log(window)), scene_caption=shown_scene_caption(window),
                      scene_changes=shown_scene_changes(window), screen_height=screen_height_of(window))
    try:
        job = ImageExport(window.session, options, None)
    except Exception as error:  # any failure becomes a message, never a crash
        window.statusBar().showMessage(f"Could not copy the picture: {describe_error(error)}", 8000)
        return
    run = VideoExportRun(job, window, drawing_label(options))
    run.finished.connect(lambda outcome, detail: report_copy(window, job, outcome, detail))
    run.start()


def report_copy(window: QMainWindow, job: ImageExport, outcome: str, detail: str) -> None:
    """Put a drawn picture on the clipboard and say so, or say why there is none."""
    if outcome == "saved":
        QApplication.clipboard().setImage(job.picture())
        width, height = job.options.size
        window.statusBar().showMessage(f"Copied step {job.step} as a {width}×{height} picture, "
                                       "drawn as File → Export image draws it.", 6000)
    elif outcome == "cancelled":
        window.statusBar().showMessage("Copy picture cancelled; the clipboard is as it was.", 8000)
    else:
        window.statusBar().showMessage(f"Could not copy the picture: {detail}", 8000)


def drawing_label(options: ExportOptions) -> str:
    """'Drawing the 3840×2160 picture…'."""
    width, height = options.size
    return f"Drawing the {width}×{height} picture…"


class VideoExportRun(QObject):
    """Drives a VideoExport (or an ImageExport) from a timer in short batches behind a progress dialog with Cancel.

    finished(outcome, detail) reports 'saved' with the path, 'cancelled', or 'failed' with the reason.
    """

    finished = Signal(str, str)

    def __init__(self, job: VideoExport | ImageExport, parent: QWidget, drawing: str = "Drawing frames…") -> None:
        """Drive the job, the progress dialog saying `drawing` until it encodes."""
        super().__init__(parent)
        self.job = job
        self.outcome = ""
        self.detail = ""
        self._encoder: threading.Thread | None = None
        self._encoded: tuple[str, str] | None = None
        self.progress = QProgressDialog(drawing, "Cancel", 0, job.total, parent)
        self.progress.setWindowTitle("Exporting")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._render_batch)
        parent.destroyed.connect(lambda *_args: job.abort())  # a window closed mid-export leaves no partial file

    @property
    def running(self) -> bool:
        """Whether the export has not ended yet."""
        return not self.outcome

    def start(self) -> None:
        """Show the progress dialog and start drawing."""
        self.progress.setValue(0)
        self.progress.show()
        self._timer.start()

    def cancel(self) -> None:
        """Stop drawing or encoding and delete the partial output (the encoder reports back when it has stopped)."""
        if not self.running:
            return
        if self._encoder is not None:
            self.job.stop_encoding()
            return
        self._timer.stop()
        self.job.abort()
        self._end("cancelled", "")

    def _render_batch(self) -> None:
        deadline = time.perf_counter() + BATCH_SECONDS
        try:
            while self.running and not self.job.complete and time.perf_counter() < deadline:
                self.job.render_next()
        except Exception as error:  # any failure ends the export with a message, never a crash
            self._fail(error)
            return
        if not self.running:
            return
        self.progress.setValue(self.job.done)
        if self.job.complete:
            self._timer.stop()
            self._start_encoder()

    def stop_for_closing(self) -> None:
        """The window closes: stop the export now, an encoder too (it is waited for a moment, not left running)."""
        self.cancel()
        if self._encoder is not None:
            self._encoder.join(ENCODER_STOP_SECONDS)

    def _start_encoder(self) -> None:
        self.job.close()
        self.progress.setLabelText("Encoding…")
        self.progress.setRange(0, 0)
        self._encoder = threading.Thread(target=self._finish_job, name="gradviz export encoder", daemon=True)
        self._encoder.start()
        self._timer.timeout.disconnect(self._render_batch)
        self._timer.timeout.connect(self._poll_encoder)
        self._timer.setInterval(ENCODER_POLL_MS)
        self._timer.start()

    def _finish_job(self) -> None:
        try:
            written = self.job.finish()
            self._encoded = ("saved", "" if written is None else str(written))
        except ExportCancelled:
            self._encoded = ("cancelled", "")
        except Exception as error:  # reported on the GUI thread by _poll_encoder
            self._encoded = ("failed", describe_error(error))

    def _poll_encoder(self) -> None:
        if self._encoded is None:
            return
        self._timer.stop()
        self._end(*self._encoded)

    def _fail(self, error: Exception) -> None:
        self._timer.stop()
        self.job.abort()
        self._end("failed", describe_error(error))

    def _end(self, outcome: str, detail: str) -> None:
        self.outcome, self.detail = outcome, detail
        self.progress.hide()
        self.progress.deleteLater()
        self.finished.emit(outcome, detail)


def describe_error(error: Exception) -> str:
    """A failure as a sentence for a user."""
    return str(error) if isinstance(error, GradvizError) else f"{type(error).__name__}: {error}"


def start_video_export(window: QMainWindow, options: ExportOptions, target: str) -> VideoExportRun:
    """Start exporting the window's runs; the window reports the outcome in its status bar or a message box."""
    return start_export(window, VideoExport(window.session, options, target), target)


def start_image_export(window: QMainWindow, options: ExportOptions, target: str) -> VideoExportRun:
    """Start saving the current step as a PNG or SVG behind a progress dialog with Cancel; the window stays live."""
    return start_export(window, ImageExport(window.session, options, target), target, drawing_label(options))


def start_export(window: QMainWindow, job: VideoExport | ImageExport, target: str,
                 drawing: str = "Drawing frames…") -> VideoExportRun:
    """Drive the job behind a progress dialog; the window reports the outcome in its status bar or a message box."""
    run = VideoExportRun(job, window, drawing)
    run.finished.connect(lambda outcome, detail: report_outcome(window, outcome, detail, target))
    run.start()
    return run


def report_outcome(window: QMainWindow, outcome: str, detail: str, target: str) -> None:
    """Say how an export ended: saved or cancelled in the status bar, a failure in a message box."""
    if outcome == "saved":
        window.statusBar().showMessage(f"Saved {detail}", 8000)
    elif outcome == "cancelled":
        window.statusBar().showMessage("Export cancelled; nothing was saved.", 8000)
    else:
        QMessageBox.warning(window, "Export failed", f"{detail}\n\nNothing was saved at {target}.")


def ask_export(window: QMainWindow, kind: str) -> tuple[ExportOptions, str] | None:
    """The options and target chosen in the export dialog of this kind (None if cancelled or refused).

    The dialog is deleted once answered: each one opened stayed in memory, half a megabyte each.
    """
    dialog = ExportDialog(kind, window.session, window, shown_loss_log(window), window.stepper.speed_box.value(),
                          shown_scene_caption(window), screen_height_of(window), shown_scene_changes(window),
                          proposed_name(window))
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        target = dialog.target()
        try:
            return dialog.options(), target
        except GradvizError as error:
            report_outcome(window, "failed", describe_error(error), target)
            return None
    finally:
        dialog.deleteLater()


def export_video_from(window: QMainWindow) -> None:
    """Ask for video options and a target, then export with progress."""
    asked = ask_export(window, "video")
    if asked is None or not basins_ready(window, "exporting the video"):
        return
    options, target = asked
    try:
        start_video_export(window, options, target)
    except GradvizError as error:
        report_outcome(window, "failed", describe_error(error), target)


def export_image_from(window: QMainWindow) -> None:
    """Ask for image options and a target, then save the current step with progress and Cancel."""
    asked = ask_export(window, "image")
    if asked is None or not basins_ready(window, "exporting the image"):
        return
    options, target = asked
    try:
        start_image_export(window, options, target)
    except Exception as error:  # any failure becomes a message, never a crash
        report_outcome(window, "failed", describe_error(error), target)

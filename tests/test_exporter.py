"""Exporting from the window: frames equal the window's own rendering, videos read back, cancel and errors clean."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from polylines import blended_pixels
from PySide6.QtCore import QRectF, Qt, QTimer, QtMsgType
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QTransform
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox, QPushButton
from run_marks import marks_in, run_mark_pixels, step_dot_pixels
from window_keys import type_over, whole_lines

from gradviz.app import export_dialog, exporter
from gradviz.app.colormaps import colormap_lut
from gradviz.app.export_dialog import ExportDialog, remembered_options, shown_loss_log, start_video_export
from gradviz.app.exporter import (
    Caption,
    ExportOptions,
    FrameRenderer,
    array_as_image,
    copy_session,
    export_contour_svg,
    export_image,
    export_video,
    frame_layout,
    frame_steps,
    render_image,
)
from gradviz.app.panel_base import OUTCOME_COLOURS
from gradviz.app.presenters import run_colour
from gradviz.core.analysis import analyze_in_process
from gradviz.core.notation import format_number
from gradviz.core.presets import find_preset
from gradviz.export import ExportCancelled, ExportError, probe_video, read_video_frames

SMALL = (320, 180)
CAPTION_STRIP = exporter.CAPTION_BACKGROUND.getRgb()[:3]
FRAMES = 30


@pytest.fixture
def window(make_main_window):
    """The main window showing the bowl preset with a 30-step run (step 0 to 29)."""
    shown = make_main_window("bowl")
    shown.probe_presenter.key_hints = False  # as an export's legend: "scales differ", not "… (E: equal aspect)"
    shown.session.update_run(0, max_steps=FRAMES - 1)
    assert shown.session.last_step == FRAMES - 1
    return shown


def renderer_for(window, size=SMALL, overlay=False) -> FrameRenderer:
    """A renderer on a copy of the window's session (whose camera is the window's)."""
    return FrameRenderer(copy_session(window.session), size, "both", overlay)


def window_frame(window, renderer: FrameRenderer, step: int) -> np.ndarray:
    """The window's own panels at a step, each rendered with render_to_array at the exporter's panel size."""
    window.session.set_step(step)
    views = [window.surface_view if slot.name == "3d" else window.contour_view for slot in renderer.slots]
    for view, slot in zip(views, renderer.slots, strict=True):
        view.setFixedSize(*slot.layout_size)
    QApplication.processEvents()  # the splitter lays the views out at that size, as on screen
    assert [(view.width(), view.height()) for view in views] == [slot.layout_size for slot in renderer.slots]
    return np.concatenate([view.render_to_array(*slot.size) for view, slot in zip(views, renderer.slots, strict=True)],
                          axis=1)


def difference(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Per-pixel absolute RGB difference."""
    return np.abs(first[..., :3].astype(int) - second[..., :3].astype(int))


def eight_pixel_means(image: np.ndarray) -> np.ndarray:
    """The image's RGB averaged over blocks of 8 × 8 pixels: dithering averages out, bands of colour stay."""
    height, width = image.shape[0] // 8 * 8, image.shape[1] // 8 * 8
    blocks = image[:height, :width, :3].astype(float).reshape(height // 8, 8, width // 8, 8, 3)
    return blocks.mean(axis=(1, 3))


def changed_pixels(first: np.ndarray, second: np.ndarray) -> int:
    """How many pixels differ clearly (more than codec noise)."""
    return int((difference(first, second).max(axis=2) > 60).sum())



def cancel_after(qtbot, window, run, pieces: int, folder: Path) -> None:
    """Press the progress dialog's Cancel once the export has drawn this many pieces; it stops there, leaving no
    file in the folder and saying so."""
    render_next = run.job.render_next

    def render_then_press_cancel() -> None:
        render_next()
        if run.job.done == pieces:
            run.progress.findChild(QPushButton).click()

    run.job.render_next = render_then_press_cancel
    qtbot.waitUntil(lambda: not run.running, timeout=30_000)
    assert (run.outcome, run.job.done) == ("cancelled", pieces)
    assert list(folder.iterdir()) == []
    assert "cancelled" in window.statusBar().currentMessage()

def test_a_frame_is_the_window_picture_of_that_step(window) -> None:
    window.camera_link.orbit(2, 1)  # the lecturer turned the 3D view: the export looks from there too
    renderer = renderer_for(window)
    try:
        for step in (0, 17):
            frame = renderer.render_step(step)
            assert frame.shape == (SMALL[1], SMALL[0], 4)
            changed = difference(frame, window_frame(window, renderer, step)).max(axis=2)
            assert (changed > 2).mean() < 0.002, "more than 0.2% of the pixels differ from the window's"
            assert changed.max() <= 48
    finally:
        renderer.close()


def contour_panel(renderer: FrameRenderer, step: int, cached: bool = True) -> np.ndarray:
    """The contour panel of a frame at a step, drawn over its cached static layer or drawn whole."""
    renderer.show_step(step)
    frame = np.zeros((renderer.size[1], renderer.size[0], 4), dtype=np.uint8)
    image = array_as_image(frame)
    painter = QPainter(image)
    renderer.paint_contour_panel(painter, cached)
    painter.end()
    slot = renderer.slot("contour")
    return frame[slot.top :, slot.left : slot.left + slot.size[0]]


@pytest.mark.parametrize("preset", ["bowl", "double-well"])
def test_frames_through_the_static_layer_cache_are_the_panel_drawn_whole(make_main_window, preset) -> None:
    window = make_main_window(preset)
    renderer = renderer_for(window, overlay=True)
    try:
        assert renderer.contour_view.probe_overlay is not None  # the partial derivatives are drawn too
        last = renderer.session.last_step
        panels = []
        for step in (0, 1, last // 2, last):
            panels.append(contour_panel(renderer, step))
            assert np.array_equal(panels[-1], contour_panel(renderer, step, cached=False))
        assert renderer.contour_export.static_draws == 1
        assert changed_pixels(panels[0], panels[-1]) > 20
    finally:
        renderer.close()


@pytest.mark.parametrize("change", ["colour map", "range", "arrows"])
def test_a_change_between_frames_draws_the_static_layer_again(window, change) -> None:
    renderer = renderer_for(window, size=(640, 360))
    try:
        before = contour_panel(renderer, 5)
        if change == "colour map":
            renderer.contour_view.set_colormap(colormap_lut("blue_white_red"))
        elif change == "range":
            renderer.session.set_range("x", -1.0, 4.0)
        else:
            renderer.session.set_view(arrows="downhill")
        after = contour_panel(renderer, 5)
        assert renderer.contour_export.static_draws == 2
        assert np.array_equal(after, contour_panel(renderer, 5, cached=False))
        assert changed_pixels(before, after) > 100
    finally:
        renderer.close()


def test_orbit_turns_the_3d_panel_only(window) -> None:
    renderer = renderer_for(window)
    try:
        still, turned = renderer.render_step(5), renderer.render_step(5, orbit=40.0)
    finally:
        renderer.close()
    left, right = renderer.slots
    assert difference(still, turned)[:, : left.size[0]].mean() > 5
    assert difference(still, turned)[:, right.left :].max() == 0


@pytest.mark.parametrize(("suffix", "codec", "tolerance"), [(".mp4", "h264", 4.0), (".gif", "gif", 3.0)])
def test_video_of_the_window_run_reads_back(window, tmp_path, suffix, codec, tolerance) -> None:
    options = ExportOptions(size=SMALL, fps=15, pace="frames", hold_seconds=0.0, overlay=False)
    reported = []
    path = export_video(window.session, options, tmp_path / f"run{suffix}",
                        lambda done, total: reported.append((done, total)))
    info = probe_video(path)
    assert (info.frame_count, info.width, info.height, info.codec) == (FRAMES, *SMALL, codec)
    assert reported[-1] == (FRAMES, FRAMES)
    frames = read_video_frames(path)
    assert len(frames) == FRAMES
    for later in (frames[1], frames[FRAMES // 2], frames[-1]):
        assert changed_pixels(frames[0], later) > 20
    renderer = renderer_for(window)
    try:
        first = window_frame(window, renderer, 0)
    finally:
        renderer.close()
    assert difference(frames[0], first).mean() < tolerance
    assert np.percentile(difference(frames[0], first), 99) < 40
    blurred = difference(eight_pixel_means(frames[0]), eight_pixel_means(first))
    assert np.percentile(blurred, 99) < 7, "no bands where the window's colours run smoothly"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"run{suffix}"]


def test_export_from_the_window_keeps_it_live_and_saves(window, qtbot, tmp_path) -> None:
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(10)
    run = start_video_export(window, ExportOptions(size=SMALL, hold_seconds=0.5, fps=20, pace="frames"),
                             str(tmp_path / "a.gif"))
    qtbot.waitUntil(lambda: not run.running, timeout=60_000)
    heartbeat.stop()
    assert (run.outcome, run.detail) == ("saved", str(tmp_path / "a.gif"))
    assert probe_video(tmp_path / "a.gif").frame_count == FRAMES + 10
    assert len(ticks) >= 5
    assert "Saved" in window.statusBar().currentMessage()


def test_cancel_halfway_leaves_nothing(window, qtbot, tmp_path) -> None:
    def cancel_halfway(done: int, total: int) -> None:
        if done == total // 2:
            raise ExportCancelled()

    with pytest.raises(ExportCancelled):
        export_video(window.session, ExportOptions(size=SMALL), tmp_path / "a.mp4", cancel_halfway)
    run = start_video_export(window, ExportOptions(size=SMALL), str(tmp_path / "b.mp4"))
    cancel_after(qtbot, window, run, 10, tmp_path)


@pytest.mark.parametrize("where", ["missing/run.mp4", "file.txt/run.mp4", "run.avi"])
def test_an_unusable_target_is_refused_before_drawing(window, tmp_path, monkeypatch, where) -> None:
    (tmp_path / "file.txt").write_text("not a folder")
    monkeypatch.setattr(exporter, "FrameRenderer", lambda *args, **kwargs: pytest.fail("drew before checking"))
    with pytest.raises(ExportError, match=r"does not exist|not a folder|cannot export"):
        export_video(window.session, ExportOptions(size=SMALL), tmp_path / where)


def read_png(path) -> np.ndarray:
    """A PNG file as an (height, width, 4) RGBA array (a copy: the image's pixels go with it)."""
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGBA8888)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4).copy()


def test_png_image_at_full_hd_has_the_caption_above_both_panels(window, tmp_path) -> None:
    window.session.set_step(12)
    pixels = read_png(export_image(window.session, ExportOptions(kind="image", size=(1920, 1080)), tmp_path / "a.png"))
    assert pixels.shape == (1080, 1920, 4)
    strip = Caption(window.session, (1920, 1080)).height
    assert 0.05 * 1080 < strip < 0.15 * 1080
    darkness = pixels[..., :3].min(axis=2)
    assert 0.01 < (darkness[:strip] < 100).mean() < 0.2  # text on a light strip
    for half in (pixels[strip:, :960], pixels[strip:, 960:]):
        assert half[..., :3].std() > 20
        assert (half[..., :3].min(axis=2) < 200).mean() > 0.1


def longest_run(flags: np.ndarray) -> tuple[int, int]:
    """The start and end (exclusive) of the longest run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(int), [0]))))
    starts, ends = edges[::2], edges[1::2]
    longest = int(np.argmax(ends - starts))
    return int(starts[longest]), int(ends[longest])


def map_fill_size(pixels: np.ndarray) -> tuple[int, int]:
    """The width and height of a map panel's colour fill: its widest run of coloured columns (the colour bar is a
    narrower run beside it), and the rows coloured in those columns (from the first to the last: the legend's box
    covers most of some)."""
    coloured = np.ptp(pixels[..., :3].astype(int), axis=2) > 40
    left, right = longest_run(coloured.mean(axis=0) > 0.2)
    rows = np.flatnonzero(coloured[:, left:right].mean(axis=1) > 0.05)
    return right - left, int(rows[-1] - rows[0] + 1)


@pytest.mark.parametrize("panels", ["both", "contour"])
def test_a_square_domain_is_drawn_square_though_the_window_draws_it_at_different_scales(window, tmp_path,
                                                                                        panels) -> None:
    """x and y from −3 to 3 filled 470 × 537 pixels of a 1280 × 720 picture, the bowl's level lines ellipses, unless
    the window had equal aspect (E) on: a picture keeps the domain's shape where its map has room for it."""
    assert not window.session.view.equal_aspect
    window.session.set_step(12)
    options = ExportOptions(kind="image", size=(1280, 720), panels=panels)
    pixels = read_png(export_image(window.session, options, tmp_path / "map.png"))
    (slot,) = (slot for slot in frame_layout(window.session, options.size, panels, True, False, "", 12)[1]
               if slot.name == "contour")
    width, height = map_fill_size(pixels[slot.top : slot.top + slot.size[1], slot.left : slot.left + slot.size[0]])
    assert height > 0.6 * slot.size[1], "the map, drawn large"
    assert abs(width - height) <= 0.02 * height, f"{width} × {height}: the square domain drawn square"
    assert not window.session.view.equal_aspect and not window.contour_view.equal_aspect, "the window's as it was"


def test_the_loss_curve_runs_under_the_panels_with_the_clock_at_the_step(window) -> None:
    options = ExportOptions(kind="image", size=(1280, 720), loss=True)
    renderer = FrameRenderer(copy_session(window.session), options.size, options.panels, options.overlay,
                             options.loss_scale)
    try:
        strip = renderer.slot("loss")
        assert (strip.left, strip.size[0], strip.top + strip.size[1]) == (0, 1280, 720)
        assert all(slot.top + slot.size[1] == strip.top for slot in renderer.slots if slot.name != "loss")
        frames = {step: renderer.render_step(step)[strip.top:, :, :3].astype(int) for step in (5, 25)}
    finally:
        renderer.close()
    orange = np.array(run_colour(0)[:3]) * 255
    for pixels in frames.values():
        assert (np.abs(pixels - orange).max(axis=2) < 40).sum() > 300, "run 1's f, in its colour"

    def clock_column(pixels: np.ndarray) -> int:
        """The darkest dashed column right of the step axis's labels (at about 52 pixels)."""
        dark = (np.abs(pixels - (60, 60, 70)).max(axis=2) < 30).sum(axis=0)
        return 100 + int(np.argmax(dark[100:]))

    assert clock_column(frames[25]) - clock_column(frames[5]) > 0.5 * 1280 * 20 / 29, "the clock moves along the steps"


def test_the_loss_curve_is_drawn_smooth(make_main_window) -> None:
    """Rosenbrock's slow descent at 960×540: the curve was an aliased staircase 2 or 3 pixels thick, no edge blended."""
    window = make_main_window("rosenbrock")
    window.session.update_run(0, max_steps=60, lr=0.001)
    window.session.wait_for_runs()
    renderer = FrameRenderer(copy_session(window.session), (960, 540), "both", True, "linear")
    try:
        strip = renderer.render_step(30)[renderer.slot("loss").top:]
    finally:
        renderer.close()
    assert blended_pixels(strip, np.array(run_colour(0)) * 255) > 300


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768), (641, 361)])
def test_every_pixel_of_a_frame_with_the_loss_curve_is_painted(window, size) -> None:
    """At 1024×768 the loss strip left its last column unpainted: transparent, a GIF played as a blank picture."""
    options = ExportOptions(kind="image", size=size, loss=True)
    renderer = FrameRenderer(copy_session(window.session), options.size, options.panels, options.overlay,
                             options.loss_scale)
    try:
        frame = renderer.render_step(5)
    finally:
        renderer.close()
    assert (frame[..., 3] == 255).all()
    strip = renderer.slot("loss")
    edge = frame[strip.top + 1 : -1, -1, :3].astype(int)
    assert (edge.min(axis=1) > 200).mean() > 0.9  # the plot's white reaches the frame's edge, no dark line


def test_the_loss_curve_needs_room_and_a_picture(tmp_path) -> None:
    with pytest.raises(ExportError, match="at least 240 pixels high"):
        ExportOptions(size=(1280, 200), loss=True)
    with pytest.raises(ExportError, match="leave out the loss curve"):
        exporter.check_image_target(tmp_path / "map.svg", ExportOptions(kind="image", panels="contour", loss=True))


def test_a_frame_too_low_for_its_caption_is_refused_and_the_caption_can_be_left_out(window, tmp_path) -> None:
    """A 64×32 video with its caption failed with a TypeError and a thousand QPainter warnings."""
    options = ExportOptions(size=(64, 32), fps=15, hold_seconds=0.0, pace="frames", steps_per_frame=100)
    with pytest.raises(ExportError, match=r"too low for its caption \(\d+ pixels\).*at least \d+ pixels") as refusal:
        export_video(window.session, options, tmp_path / "small.mp4")
    assert list(tmp_path.iterdir()) == []
    bare = export_video(window.session, replace(options, overlay=False), tmp_path / "bare.mp4")
    assert probe_video(bare).height == 32
    least = int(str(refusal.value).split("at least ")[1].split()[0])
    assert probe_video(export_video(window.session, replace(options, size=(64, least)), tmp_path / "ok.mp4")).height


def test_the_caption_says_why_the_run_stopped_once_it_has(window, tmp_path) -> None:
    window.session.update_run(0, max_steps=500)
    result = window.session.runs[0]
    last = len(result.run.steps) - 1
    assert result.run.stop_reason == "converged" and last < 500
    caption = Caption(window.session, (1280, 720))
    assert [segment.text for segment in caption.run_line(window.session, 0, last - 1)][-1].startswith("f = ")
    outcome = caption.run_line(window.session, 0, last)[-1]
    assert (outcome.text, outcome.colour.name()) == ("converged", OUTCOME_COLOURS["converged"])
    assert caption.line_places(0, 4, [outcome])[-1] == caption.tail_starts[0]  # after f, on the line's first row

    def green_in_caption(step: int) -> int:
        pixels = read_png(export_image(window.session, ExportOptions(kind="image", size=(1280, 720)),
                                       tmp_path / f"{step}.png", step))[:caption.height, :, :3].astype(int)
        return int((np.abs(pixels - (27, 127, 59)).max(axis=2) < 30).sum())

    assert green_in_caption(last - 1) == 0
    assert green_in_caption(last) > 50


def test_the_captions_f_reads_as_the_stepper_writes_it(make_main_window) -> None:
    """Pictures wrote f to 5 digits (f = 6.6807) where the stepper's readout wrote 6.68071."""
    from gradviz.app.stepper_panel import plain_text

    window = make_main_window("rosenbrock")
    session = window.session
    caption = Caption(session, (1280, 720))
    for step in (0, 5, 60):
        session.set_step(step)
        readout = plain_text(window.stepper.readout.text())
        written = caption.run_line(session, 0, step)[-1].text
        assert written.startswith("f = ") and f"   {written}   " in readout.replace("\n", "   "), (written, readout)
    assert caption.run_line(session, 0, 5)[-1].text == "f = 6.68071"


def test_the_caption_names_labelled_runs_as_the_readout_does(window) -> None:
    """A lesson's runs ('small η', 'large η') were told apart in the caption by their colours alone."""
    from dataclasses import replace

    session = window.session
    session.set_runs([replace(session.run_specs[0], label="small η"), replace(session.run_specs[0], lr=0.3)])
    session.wait_for_runs()
    caption = Caption(session, (1280, 720))
    first, second = ([segment.text for segment in caption.run_line(session, index)] for index in (0, 1))
    assert first[:3] == ["●", "small η", "step 0 / 29"]
    assert second[1:3] == ["Gradient descent", f"step 0 / {len(session.runs[1].run.steps) - 1}"]  # as the readout
    assert len({len(first), len(second)}) == 1  # the name's column is kept for both, aligned
    session.set_runs([replace(spec, label="") for spec in session.run_specs])
    session.wait_for_runs()
    assert [segment.text for segment in Caption(session, (1280, 720)).run_line(session, 0)][1].startswith("step")


def test_the_caption_names_each_optimizer_and_its_settings_as_the_window_does(window) -> None:
    """A picture's update rule read 'Nesterov, −∇f' where the window says Nesterov momentum, and Adam at β₁ = 0.8,
    β₂ = 0.99 read 'Adam, −∇f' as Adam at its defaults did."""
    from gradviz.core.scenario import RunSpec

    session = window.session
    start = session.run_specs[0].start
    session.set_runs([RunSpec(start=start, optimizer="nesterov", max_steps=FRAMES - 1),
                      RunSpec(start=start, optimizer="adam", params={"beta1": 0.8, "beta2": 0.99}),
                      RunSpec(start=start, optimizer="adam", sign="wrong")])
    session.wait_for_runs()
    caption = Caption(session, (1280, 720))
    lines = [[segment.text for segment in caption.run_line(session, index, 0)] for index in range(3)]
    assert [line[:4] for line in lines] == [
        ["●", "step 0 / 29", "η = 0.1", "Nesterov momentum step on ∇f"],
        ["■", f"step 0 / {len(session.runs[1].run.steps) - 1}", "η = 0.1", "Adam (β₁ = 0.8, β₂ = 0.99) step on ∇f"],
        ["▲", f"step 0 / {len(session.runs[2].run.steps) - 1}", "η = 0.1", "Adam step on −∇f"]]
    session.set_runs([RunSpec(start=start, optimizer="newton", max_steps=5)])  # was 'Newton's method, −∇f'
    session.wait_for_runs()
    rule = Caption(session, (1280, 720)).run_line(session, 0, 0)[2].text
    assert rule.endswith("− ηH⁻¹∇f") and "←" in rule


def test_the_caption_names_the_held_values_after_a_formula_cut_short(make_main_window) -> None:
    session = make_main_window("three-variables").session
    assert Caption(session, (1280, 720)).title == "f(x, y, z) = x² + 2y² + 3z²   (z = 1 held)"
    session.set_fixed("z", -0.25)
    long_title = Caption(session, (240, 180)).title
    assert long_title.endswith("…   (z = −0.25 held)")  # the formula gives way, the held value stays


def test_an_exported_legend_names_no_keys(make_main_window) -> None:
    shown = make_main_window("exercise-loss")
    axis = shown.session.plot.axes[0]
    low, high = shown.session.plot.ranges[axis]
    shown.session.set_range(axis, low, high + 3 * (high - low))  # x drawn at a quarter of y's scale
    renderer = FrameRenderer(copy_session(shown.session), (1280, 720), "contour", overlay=False)
    try:
        renderer.render_step(0)
        legend = " ".join(renderer.contour_view.probe_text.legend_texts)
    finally:
        renderer.close()
    assert "scales differ" in legend or "right angle looks skewed" in legend
    assert "equal aspect" not in legend, "a picture for slides has no keys to press"


def test_exported_heights_near_a_large_value_count_from_an_offset_as_in_the_window(window, tmp_path) -> None:
    """x² + y² + 1000 over ±0.001: a picture's 3D height axis and colour bars read f − 1000 above short labels, as
    the window's do (they read 1000.0000002, 1000.0000006…), and so does the map's bar in an SVG."""
    window.session.set_analysis(analyze_in_process("x^2 + y^2 + 1000"))
    for axis in ("x", "y"):
        window.session.set_range(axis, -0.001, 0.001)
    renderer = renderer_for(window)
    try:
        renderer.render_step(0)
        drawn = renderer.surface_view.drawn_axis_texts
        assert [text for text, _box in drawn].count("f − 1000") == 2, drawn  # over the height axis and the colour bar
        assert renderer.contour_view.colour_bar.title() == "f − 1000"
        assert all(len(label) <= 6 for label in renderer.contour_view.colour_bar.tick_labels())
    finally:
        renderer.close()
    options = ExportOptions(kind="image", size=(800, 600), panels="contour")
    assert "f − 1000" in export_contour_svg(window.session, options, tmp_path / "map.svg").read_text(encoding="utf-8")


def test_contour_panel_as_svg(window, tmp_path) -> None:
    options = ExportOptions(kind="image", size=(800, 600), panels="contour")
    path = export_contour_svg(window.session, options, tmp_path / "map.svg")
    assert QSvgRenderer(str(path)).isValid()
    assert "f(x, y) = x² + y²" in path.read_text(encoding="utf-8")
    with pytest.raises(ExportError, match="contour panel only"):
        export_contour_svg(window.session, ExportOptions(kind="image", panels="both"), tmp_path / "both.svg")


def test_an_svg_holds_no_empty_path(window, tmp_path, qtlog) -> None:
    """At step 0 the run's path of one point was written as two empty paths (d=""): Qt's reader said the path data
    was invalid."""
    assert window.session.step == 0
    path = export_contour_svg(window.session, ExportOptions(kind="image", size=(800, 600), panels="contour"),
                              tmp_path / "map.svg")
    paths = ElementTree.parse(path).getroot().iter("{http://www.w3.org/2000/svg}path")
    drawn = [element.get("d", "") for element in paths]
    assert drawn and all(d.strip() for d in drawn)
    assert QSvgRenderer(str(path)).isValid()
    assert not [record.message for record in qtlog.records if record.type != QtMsgType.QtDebugMsg]


def test_the_dialog_remembers_the_last_choices(window) -> None:
    dialog = ExportDialog("video", window.session, window)
    dialog.width_box.setValue(640)
    dialog.height_box.setValue(360)
    dialog.panels_box.setCurrentIndex(dialog.panels_box.findData("contour"))
    dialog.orbit_box.setValue(90.0)
    dialog.loss_box.setCurrentIndex(dialog.loss_box.findData("log"))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("gif"))
    assert dialog.target().endswith(".gif")
    dialog.remember()
    again = ExportDialog("video", window.session, window)
    options = again.options()
    assert (options.size, options.panels, options.orbit_degrees, options.loss_scale) == ((640, 360), "contour", 90.0,
                                                                                         "log")
    assert again.target().endswith(".gif")
    assert "frames" in again.summary.text()


def test_numbered_frames_hold_no_copies_of_the_last(window, tmp_path) -> None:
    """A folder of PNG frames got 30 copies of the last frame for the video's one-second hold."""
    dialog = ExportDialog("video", window.session, window)
    dialog.orbit_box.setValue(0.0)
    dialog.pace_box.setCurrentIndex(dialog.pace_box.findData("frames"))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("mp4"))
    assert dialog.summary.text().startswith(f"{FRAMES + 30} frames")
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("png"))
    assert dialog.summary.text().startswith(f"{FRAMES} frames") and not dialog.hold_box.isEnabled()
    dialog.orbit_box.setValue(90.0)  # the count followed the other boxes only
    assert dialog.summary.text().startswith(f"{FRAMES + 30} frames") and dialog.hold_box.isEnabled()
    folder = export_video(window.session, ExportOptions(size=SMALL, overlay=False), f"{tmp_path / 'frames'}/")
    assert len(list(folder.iterdir())) == FRAMES
    turning = export_video(window.session, ExportOptions(size=SMALL, overlay=False, orbit_degrees=30.0, fps=10.0,
                                                         pace="frames"), f"{tmp_path / 'turning'}/")
    assert len(list(turning.iterdir())) == FRAMES + 10  # while the camera turns, each held frame differs


def accepted_with_size(window, monkeypatch, path, width: int, height: int, kind: str = "video",
                       ) -> tuple[ExportDialog, list[str]]:
    """A video (or image) dialog given a target and a size, then OK pressed: the dialog and the warnings it gave."""
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *_rest: warnings.append(text))
    dialog = ExportDialog(kind, window.session, window)
    dialog.path_edit.setText(str(path))
    dialog.width_box.setValue(width)
    dialog.height_box.setValue(height)
    dialog.accept()
    return dialog, warnings


def test_a_name_without_an_extension_takes_the_chosen_formats(window, tmp_path) -> None:
    """"lecture" with MP4 chosen was refused for having no extension; a scenario saved so gets its own."""
    dialog = ExportDialog("video", window.session, window)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("gif"))
    dialog.path_edit.setText(str(tmp_path / "lecture"))
    assert dialog.target() == str(tmp_path / "lecture.gif")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    dialog.path_edit.setText(str(tmp_path / "lecture."))
    assert dialog.target() == str(tmp_path / "lecture.gif")
    dialog.path_edit.setText(str(tmp_path / "lecture.v2"))  # an extension of its own is the user's: still refused
    assert dialog.target() == str(tmp_path / "lecture.v2")
    dialog.path_edit.setText(str(tmp_path))  # an existing folder stays a folder
    assert dialog.target() == str(tmp_path)


def test_the_dialog_stays_open_for_a_frame_too_low_for_its_caption(window, tmp_path, monkeypatch) -> None:
    """100 × 60 passed the dialog in a lesson, then failed once it had closed: its settings had to be entered again."""
    dialog, warnings = accepted_with_size(window, monkeypatch, tmp_path / "tiny.mp4", 100, 40)
    assert len(warnings) == 1 and dialog.result() != QDialog.DialogCode.Accepted
    assert "too low for its caption" in warnings[0] and "pixels high, or leave the caption out" in warnings[0]
    dialog.height_box.setValue(240)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and len(warnings) == 1


def test_a_still_is_checked_with_its_own_caption_not_the_taller_one_of_a_video(window, tmp_path, monkeypatch) -> None:
    """A 320 × 52 PNG of step 5 was refused as too low: the dialog measured the caption of a video, which keeps a row
    from the start for the 'step budget reached' of its last step."""
    window.session.set_step(5)
    still = Caption(window.session, (320, 52), still_step=5).height
    assert Caption(window.session, (320, 52)).height > still, "a video's caption holds a row more"
    height = still + exporter.MIN_SIDE
    dialog, warnings = accepted_with_size(window, monkeypatch, tmp_path / "still.png", 320, height, kind="image")
    assert warnings == [] and dialog.result() == QDialog.DialogCode.Accepted
    pixels = read_png(export_image(window.session, dialog.options(), dialog.target()))
    assert pixels.shape[:2] == (height, 320)
    strip = (np.abs(pixels[..., :3].astype(int) - CAPTION_STRIP).max(axis=2) <= 2).mean(axis=1) > 0.5
    assert strip[: still - 2].all() and not strip[still:].any(), "the caption's rows, then the panels' to the foot"
    video, warnings = accepted_with_size(window, monkeypatch, tmp_path / "clip.gif", 320, height)
    assert video.result() != QDialog.DialogCode.Accepted and "too low for its caption" in warnings[0]


def test_the_dialog_asks_before_replacing_a_file(window, tmp_path, monkeypatch) -> None:
    """Accepting the proposed name again replaced the last export without a word."""
    answers: list[QMessageBox.StandardButton] = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_parent, _title, text, *_rest) -> QMessageBox.StandardButton:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    existing = tmp_path / "lecture.mp4"
    dialog = ExportDialog("video", window.session, window)
    dialog.path_edit.setText(str(tmp_path / "new.mp4"))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and asked == [], "nothing there: nothing to ask"
    existing.write_bytes(b"last week's export")
    dialog = ExportDialog("video", window.session, window)
    dialog.path_edit.setText(str(existing))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and asked == [f"lecture.mp4 exists already in {tmp_path}. "
                                                                         "Replace it?"]
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and len(asked) == 2


def test_the_dialog_refuses_an_odd_size_for_an_mp4(window, tmp_path, monkeypatch) -> None:
    """101 × 77 was saved as a 102 × 78 MP4 without a word."""
    dialog, warnings = accepted_with_size(window, monkeypatch, tmp_path / "odd.mp4", 401, 301)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert warnings == ["an MP4 needs an even width and height (H.264 stores colour per 2×2 pixels); 401×301 would "
                        "come out as 402×302, so choose 400×300 or 402×302"]


def test_a_loss_strip_takes_the_scale_the_window_shows(window) -> None:
    """Ticking "log scale" in the loss panel makes the next export's loss strip logarithmic, and unticking linear."""
    dialog = ExportDialog("image", window.session, window)
    dialog.loss_box.setCurrentIndex(dialog.loss_box.findData("linear"))
    dialog.remember()
    log_box = window.teaching_docks.loss_plot.log_box
    for shown, scale in ((True, "log"), (False, "linear")):
        log_box.setChecked(shown)
        assert shown_loss_log(window) is shown
        assert ExportDialog("image", window.session, window, shown_loss_log(window)).options().loss_scale == scale
        assert remembered_options("image", shown_loss_log(window)).loss_scale == scale
    dialog.loss_box.setCurrentIndex(dialog.loss_box.findData(""))
    dialog.remember()
    log_box.setChecked(True)
    assert remembered_options("image", shown_loss_log(window)).loss_scale == ""  # no strip asked for: none


def copied_picture(window, qtbot, size: tuple[int, int]) -> np.ndarray:
    """The window's Copy picture at this size (remembered as Export image's), read back from the clipboard as RGBA."""
    dialog = ExportDialog("image", window.session, window)
    dialog.width_box.setValue(size[0])
    dialog.height_box.setValue(size[1])
    dialog.remember()
    dialog.deleteLater()
    QApplication.clipboard().clear()
    export_dialog.copy_picture_from(window)
    run = window.findChildren(export_dialog.VideoExportRun)[-1]
    qtbot.waitUntil(lambda: not run.running, timeout=60_000)
    image = QApplication.clipboard().image().convertToFormat(QImage.Format.Format_RGBA8888)
    return np.frombuffer(image.constBits(), np.uint8).reshape(size[1], size[0], 4).copy()


def test_a_picture_made_presenting_on_a_4k_screen_is_drawn_for_its_own_pixels(make_main_window, qtbot, monkeypatch,
                                                                             answer_modal) -> None:
    """Presenting on a 3840 × 2160 screen (scale 3.2), a 1920 × 1080 picture's views drew their text at 3.2 on a
    layout 720 pixels high: three times the share of the picture it took of the screen, the 3D panel squeezed to a
    third of its room. It is now the picture made presenting at 1080, and a 4K one that picture drawn sharper."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QScreen

    window = make_main_window("himmelblau")
    window.session.set_theme("projector")  # the presenting colours, to compare with a picture made editing
    editing = copied_picture(window, qtbot, (1920, 1080))
    window.presentation.enter()
    assert window.session.presentation_scale == pytest.approx(1.6)
    at_1080 = copied_picture(window, qtbot, (1920, 1080))
    window.presentation.leave()
    for name in ("geometry", "availableGeometry"):
        monkeypatch.setattr(QScreen, name, lambda _screen: QRect(0, 0, 3840, 2160))
    window.presentation.enter()
    assert window.session.presentation_scale == pytest.approx(3.2)
    at_4k = copied_picture(window, qtbot, (1920, 1080))
    assert difference(at_4k, at_1080).mean() < 0.5, "the screen's pixels do not change the picture"
    caption = Caption(window.session, (1920, 1080), still_step=window.session.step).height

    def surface_pixels(picture: np.ndarray) -> int:
        """The 3D panel's coloured pixels: its surface and colour bar."""
        return int((np.ptp(picture[caption:, :960, :3].astype(int), axis=2) > 60).sum())

    assert surface_pixels(at_4k) > 0.8 * surface_pixels(editing), "the 3D panel keeps its room"
    large = copied_picture(window, qtbot, (3840, 2160))
    halved = large.reshape(1080, 2, 1920, 2, 4).mean(axis=(1, 3))[:, :960]  # the map's legend may take another corner
    assert difference(eight_pixel_means(halved), eight_pixel_means(at_4k[:, :960])).mean() < 1.5, (
        "the caption and the 3D panel at 4K are the 1920 × 1080 picture's drawn sharper: their text as large for its "
        "pixels")
    asked: list[ExportOptions] = []
    answer_modal(ExportDialog, lambda dialog: (asked.append(dialog.options()), dialog.reject()))
    assert export_dialog.ask_export(window, "video") is None
    assert asked[0].screen_height == 2160, "Export video's frames are drawn for the screen presented on too"
    window.presentation.leave()


def test_copy_picture_puts_the_image_export_of_the_step_on_the_clipboard(window, qtbot, tmp_path) -> None:
    """Copy picture drew at once under a wait cursor: a quarter of a second at 1280×720 with no events handled; now
    it is drawn in pieces behind a progress dialog, as Export image's PNG is, the window live between them."""
    dialog = ExportDialog("image", window.session, window)
    dialog.width_box.setValue(480)
    dialog.height_box.setValue(270)
    dialog.remember()
    window.session.set_step(12)
    QApplication.clipboard().clear()
    copy_action = next(action for action in window.actions() if action.text() == "Copy &picture")
    copy_action.trigger()
    (run,) = window.findChildren(export_dialog.VideoExportRun)
    assert run.running and run.progress.labelText() == "Drawing the 480×270 picture…"
    assert QApplication.clipboard().image().isNull(), "the window has its events back before the picture is drawn"
    window.session.set_step(3)  # moved meanwhile: the copy is of the step it was asked at
    qtbot.waitUntil(lambda: not run.running, timeout=30_000)
    copied = QApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (480, 270)
    saved = export_image(window.session, ExportOptions(kind="image", size=(480, 270)), tmp_path / "step.png", 12)
    expected = QImage(str(saved)).convertToFormat(QImage.Format.Format_RGBA8888)
    pixels = np.frombuffer(copied.convertToFormat(QImage.Format.Format_RGBA8888).constBits(), np.uint8)
    assert difference(pixels.reshape(270, 480, 4), np.frombuffer(expected.constBits(), np.uint8).reshape(270, 480, 4)
                      ).mean() < 1
    assert window.statusBar().currentMessage().startswith("Copied step 12 as a 480×270 picture")


def test_an_svg_from_the_window_is_drawn_behind_a_progress_dialog_and_matches_the_command_lines(window, qtbot,
                                                                                             tmp_path, monkeypatch
                                                                                             ) -> None:
    """File → Export image as SVG drew at once under a wait cursor, a quarter of a second at 1280×720."""
    options = ExportOptions(kind="image", size=(1280, 720), panels="contour")
    target = tmp_path / "map.svg"
    monkeypatch.setattr(export_dialog, "ask_export", lambda _window, _kind: (options, str(target)))
    window.session.set_step(12)
    export_dialog.export_image_from(window)
    (run,) = window.findChildren(export_dialog.VideoExportRun)
    assert run.running and not target.exists() and run.progress.isVisible()
    qtbot.waitUntil(lambda: not run.running, timeout=30_000)
    assert (run.outcome, run.detail) == ("saved", str(target))
    assert QSvgRenderer(str(target)).isValid()
    same = export_contour_svg(window.session, options, tmp_path / "same.svg")
    assert target.read_bytes() == same.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["map.svg", "same.svg"]


def test_the_steps_per_frame_read_as_english(window) -> None:
    dialog = ExportDialog("video", window.session, window)
    dialog.steps_box.setValue(1)
    assert dialog.steps_box.text() == "1 step per frame"
    dialog.steps_box.setValue(3)
    assert dialog.steps_box.text() == "3 steps per frame"


@pytest.mark.parametrize(("box_name", "name", "typed", "why", "kept", "entered", "taken"), [
    ("fps_box", "frame rate", "2,5", "write the decimal point as a point (2.5)", "30", "24",
     lambda options: options.fps == 24),
    ("fps_box", "frame rate", "abc", "it is not a number", "30", "24", lambda options: options.fps == 24),
    ("width_box", "width", "12x", "it is not a number", "1280", "640", lambda options: options.size == (640, 720)),
    ("hold_box", "hold", "2,5", "write the decimal point as a point (2.5)", "1", "1/4",
     lambda options: options.hold_seconds == 0.25),
])
def test_text_the_dialogs_boxes_cannot_use_is_refused_saying_why(window, answer_modal, tmp_path, box_name: str,
                                                                 name: str, typed: str, why: str, kept: str,
                                                                 entered: str, taken) -> None:
    """The frame rate, size and timing boxes took 2,5 as 25 (the comma dropped as a thousands separator) and dropped
    letters typed without a word. Now the dialog says why as the text is typed, and Enter puts the number back saying
    so, the dialog open to put it right; a number typed and entered is taken, and Enter goes on to Save."""
    seen: list[tuple] = []

    def type_and_enter(dialog: ExportDialog) -> None:
        dialog.path_edit.setText(str(tmp_path / "clip.mp4"))
        box, said = getattr(dialog, box_name), dialog.refusal_label
        type_over(box, typed)
        seen.append((box.text(), said.text(), said.isVisible() and whole_lines(said)))
        QTest.keyClick(box, Qt.Key.Key_Return)
        seen.append((box.text(), said.text(), said.isVisible() and whole_lines(said), dialog.isVisible()))
        type_over(box, entered)
        QTest.keyClick(box, Qt.Key.Key_Return)
        seen.append((said.text(), said.isVisible(), dialog.isVisible()))
        if dialog.isVisible():
            dialog.reject()

    answer_modal(ExportDialog, type_and_enter)
    asked = export_dialog.ask_export(window, "video")
    suffix = {"fps_box": " fps", "width_box": "", "hold_box": " s at the end"}[box_name]
    assert seen == [(typed + suffix, f"{name} = {typed} cannot be used: {why}; Enter keeps {kept}.", True),
                    (kept + suffix, f"{name} = {typed} was not used: {why} (it stays {kept}).", True, True),
                    ("", False, False)], "said as typed, put back on Enter saying why, taken back once a number is"
    assert asked is not None and taken(asked[0]), "Enter took the number typed, and saved"


def test_save_takes_no_text_a_box_cannot_use(window, answer_modal, tmp_path) -> None:
    """Save takes the numbers typed, never text a box refuses: clicked with 2,5 typed, the dialog stays open saying
    why, the frame rate as it was; a refusal read already (on Enter) does not stop the next Save."""
    seen: list[tuple[str, str, bool]] = []

    def click_save(dialog: ExportDialog) -> None:
        dialog.path_edit.setText(str(tmp_path / "clip.mp4"))
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        type_over(dialog.fps_box, "2,5")
        QTest.mouseClick(save, Qt.MouseButton.LeftButton)  # the keys leave the box for the button first
        seen.append((dialog.fps_box.text(), dialog.refusal_label.text(), dialog.isVisible()))
        type_over(dialog.width_box, "12x")
        save.click()  # the keys still in the box, as a shortcut leaves them
        seen.append((dialog.width_box.text(), dialog.refusal_label.text(), dialog.isVisible()))
        type_over(dialog.hold_box, "abc")
        QTest.keyClick(dialog.hold_box, Qt.Key.Key_Return)
        type_over(dialog.width_box, "640")
        save.click()
        seen.append((dialog.width_box.text(), dialog.refusal_label.text(), dialog.isVisible()))
        if dialog.isVisible():
            dialog.reject()

    answer_modal(ExportDialog, click_save)
    asked = export_dialog.ask_export(window, "video")
    assert seen == [("30 fps", "frame rate = 2,5 was not used: write the decimal point as a point (2.5) (it stays 30).",
                     True),
                    ("1280", "width = 12x was not used: it is not a number (it stays 1280).", True),
                    ("640", "hold = abc was not used: it is not a number (it stays 1).", False)]
    assert asked is not None and asked[0].size == (640, 720) and (asked[0].fps, asked[0].hold_seconds) == (30, 1)


def test_options_are_checked_and_steps_planned() -> None:
    for bad in ({"size": (8, 8)}, {"fps": 0}, {"panels": "side"}, {"steps_per_frame": 0}, {"hold_seconds": -1},
                {"pace": "fast"}, {"steps_per_second": 0}):
        with pytest.raises(ExportError):
            ExportOptions(**bad)
    assert frame_steps(10, ExportOptions(pace="frames", steps_per_frame=3)) == [0, 3, 6, 9, 10]
    assert frame_steps(0, ExportOptions(pace="frames", steps_per_frame=4)) == [0]
    assert ExportOptions(fps=24, hold_seconds=1.5).hold_frames == 36


def test_an_answered_export_dialog_is_let_go(window, answer_modal) -> None:
    """Each Export image or video dialog opened stayed in memory, half a megabyte each."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from gradviz.app.export_dialog import export_image_from, export_video_from

    for ask in (export_image_from, export_video_from, export_image_from):
        answer_modal(ExportDialog, ExportDialog.reject)
        ask(window)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert window.findChildren(ExportDialog) == []


def test_closing_the_window_while_a_gif_is_encoded_stops_its_encoder(window, qtbot, tmp_path, slow_ffmpeg) -> None:
    """ffmpeg went on encoding for half a minute after gradviz had quit, and the export was never reported."""
    started = slow_ffmpeg
    run = start_video_export(window, ExportOptions(size=SMALL, hold_seconds=0.0, fps=20), str(tmp_path / "a.gif"))
    qtbot.waitUntil(lambda: bool(started), timeout=60_000)
    assert run.progress.findChild(QPushButton) is not None, "Cancel stays while encoding"
    window.document.forget_changes()
    assert window.close()
    assert started[0].poll() is not None, "the encoder is stopped, not left running"
    qtbot.waitUntil(lambda: not run.running, timeout=5_000)
    assert run.outcome == "cancelled" and list(tmp_path.iterdir()) == []


def test_at_full_hd_the_loss_strips_mark_is_drawn_at_the_frames_scale_and_the_axes_end_before_its_edge(window) -> None:
    """At 1920×1080 the step mark was the window's 10-pixel bitmap, blurred and small; the step axis ran to the edge."""
    from gradviz.app.loss_plot import STEP_MARK_SIZE

    window.session.set_step(12)
    renderer = FrameRenderer(copy_session(window.session), (1920, 1080), "both", True, "linear")
    try:
        strip = renderer.slot("loss")
        pixels = renderer.render_step(12)[strip.top : strip.top + strip.size[1], :, :3].astype(int)
    finally:
        renderer.close()
    scale = strip.size[1] / strip.layout_size[1]
    orange = np.abs(pixels - np.array(run_colour(0)[:3]) * 255).max(axis=2) < 40
    fill = orange.sum(axis=0).max()  # the mark's column: the curve elsewhere is a few pixels thick
    assert scale > 1.3 and fill >= (STEP_MARK_SIZE - 3.0) * scale, (fill, scale)
    assert pixels[:, -round(8 * scale):].min() > 150, "nothing dark (the step axis) in the margin at the right edge"


HIMMELBLAU_MINIMA = ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126))


def legend_in_data(view, device_scale: float = 1.0) -> QRectF:
    """The probe legend's box last drawn, in the map's data coordinates (device pixels device_scale per layout one)."""
    legend = view.probe_text.legend_rect
    to_data, invertible = view.probe_text.deviceTransform(view.viewportTransform()).inverted()
    assert invertible and not legend.isEmpty()
    return to_data.mapRect(QRectF(legend.topLeft() / device_scale, legend.size() / device_scale)).normalized()


@pytest.mark.parametrize("where", ["window", "export"])
def test_the_probe_legend_leaves_himmelblaus_minima_uncovered(make_main_window, where) -> None:
    """At 1920×1080 with the loss curve the legend sat at the bottom left, over the lower-left minimum's pit (the
    corner farthest from the point, the minima not counted), in the window as in the picture."""
    shown = make_main_window("himmelblau", size=(1920, 1080))
    shown.session.set_step(shown.session.last_step)
    if where == "window":  # the map at the size the picture lays it out at
        (slot,) = (slot for slot in frame_layout(shown.session, (1920, 1080), "both", True, True)[1]
                   if slot.name == "contour")
        shown.contour_view.setFixedSize(*slot.layout_size)
        QApplication.processEvents()
        shown.contour_view.grab()
        legend = legend_in_data(shown.contour_view)
    else:
        renderer = FrameRenderer(copy_session(shown.session), (1920, 1080), "both", True, "linear")
        try:
            frame = renderer.render_step(shown.session.last_step)
            slot = renderer.slot("contour")
            legend = legend_in_data(renderer.contour_view, slot.size[0] / slot.layout_size[0])
            drawn = renderer.contour_view.probe_text.legend_rect.toRect().translated(slot.left, slot.top)
            patch = frame[drawn.top() + 4 : drawn.bottom() - 4, drawn.left() + 4 : drawn.right() - 4, :3]
            assert np.median(patch) > 200, "the legend's light box is where its rectangle says"
        finally:
            renderer.close()
    for x, y in HIMMELBLAU_MINIMA:
        pit = QRectF(x - 0.4, y - 0.4, 0.8, 0.8)
        assert not legend.intersects(pit), f"the legend {legend} hides the minimum at ({x}, {y})"


@pytest.mark.parametrize("size", [(1080, 1920), (1280, 720)])
def test_the_3d_tick_labels_of_a_narrow_panel_keep_a_gap_between_them(make_main_window, monkeypatch, size) -> None:
    """Both panels on a portrait picture: the 3D panel is laid out 200 pixels wide, where its x labels 0 2 4 crowded
    slantwise along the edge and x's 4 ran into y's −4; a landscape picture keeps every label."""
    from gradviz.app.surface_view import TextPlacer
    from gradviz.app.view_common import LABEL_GAP

    drawn: list[tuple[str, QRectF, float]] = []  # the floor edges' labels: centred, upright
    draw = TextPlacer.draw

    def recording(placer: TextPlacer, font, x, y, text, right_aligned=False, left_aligned=False, **options) -> bool:
        """Draw, noting each tick label of the floor's edges drawn, its text's extent and its font's cap height."""
        done = draw(placer, font, x, y, text, right_aligned, left_aligned, **options)
        if done and not (right_aligned or left_aligned or font.italic()):
            drawn.append((text, placer.taken[-1].adjusted(2.0, 3.0, -2.0, -3.0), QFontMetricsF(font).capHeight()))
        return done

    monkeypatch.setattr(TextPlacer, "draw", recording)
    shown = make_main_window("himmelblau")
    renderer = FrameRenderer(copy_session(shown.session), size, "both", True)
    try:
        renderer.render_step(0)
    finally:
        renderer.close()
    assert len(drawn) >= (4 if size == (1080, 1920) else 9), [text for text, _, _ in drawn]
    for (text, box, cap), (other_text, other, _) in itertools.combinations(drawn, 2):
        gap = LABEL_GAP * cap - 1e-6
        apart = max(other.left() - box.right(), box.left() - other.right(), other.top() - box.bottom(),
                    box.top() - other.bottom())
        assert apart >= gap, f"{text} and {other_text} are {apart:.1f} pixels apart"


def test_a_4k_picture_from_the_window_is_drawn_in_pieces_behind_a_progress_dialog(window, qtbot, tmp_path,
                                                                                  monkeypatch) -> None:
    """File → Export image at 3840×2160 held the window for two seconds, its events waiting: now the window gets them
    between the pieces of the drawing, the PNG is written on a thread, and the picture is the one drawn at once."""
    options = ExportOptions(kind="image", size=(3840, 2160))
    target = tmp_path / "big.png"
    monkeypatch.setattr(export_dialog, "ask_export", lambda _window, _kind: (options, str(target)))
    window.session.set_step(12)
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(10)
    export_dialog.export_image_from(window)
    (run,) = window.findChildren(export_dialog.VideoExportRun)
    assert run.running and not target.exists(), "the window has its events back before the picture is drawn"
    assert run.progress.isVisible() and run.progress.labelText() == "Drawing the 3840×2160 picture…"
    qtbot.waitUntil(lambda: not run.running, timeout=60_000)
    heartbeat.stop()
    assert (run.outcome, run.detail) == ("saved", str(target))
    assert len(ticks) >= run.job.total, "the window handled its events between the pieces"
    pixels = read_png(target)
    assert pixels.shape == (2160, 3840, 4)
    assert np.array_equal(pixels, render_image(window.session, options))
    assert [path.name for path in tmp_path.iterdir()] == ["big.png"]
    assert "Saved" in window.statusBar().currentMessage()


def test_exports_draw_with_the_windows_shader_programs_and_leave_none_behind(window) -> None:
    """Every export compiled its own programs and left them in the shared context: 6–7 MB for each picture."""
    from OpenGL import GL

    from gradviz.app import surface_view

    def programs_in_the_context() -> set[int]:
        window.surface_view.make_current()
        try:
            return {name for name in range(1, 200) if GL.glIsProgram(name)}
        finally:
            window.surface_view.done_current()

    window.surface_view.render_to_array(320, 240)
    before = programs_in_the_context()
    assert before == {program.program_id for program in surface_view._PROGRAMS.values()} and len(before) >= 3
    first = render_image(window.session, ExportOptions(kind="image", size=SMALL, panels="3d"))
    for _ in range(3):
        assert np.array_equal(render_image(window.session, ExportOptions(kind="image", size=SMALL, panels="3d")),
                              first)
        assert programs_in_the_context() == before


def test_cancelling_a_picture_leaves_nothing(window, qtbot, tmp_path) -> None:
    run = export_dialog.start_image_export(window, ExportOptions(kind="image", size=(1920, 1080)),
                                           str(tmp_path / "a.png"))
    cancel_after(qtbot, window, run, 1, tmp_path)


def test_a_lesson_scenes_export_plays_at_the_windows_speed_under_the_scenes_caption(make_main_window, answer_modal,
                                                                                     monkeypatch) -> None:
    """Videos ran one step a frame (a 10-step descent in a third of a second) and left out the scene's caption."""
    from gradviz.app.export_dialog import export_image_from, export_video_from
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None)
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title == "Gradient descent on a bowl")
    window.document.open_lesson(lesson)
    window.controller.wait()
    window.stepper.speed_box.setValue(4.0)
    asked: list[ExportOptions] = []
    monkeypatch.setattr(export_dialog, "basins_ready", lambda *_args: False)  # the options asked for are enough
    for ask in (export_video_from, export_image_from):
        answer_modal(ExportDialog, lambda dialog: (asked.append(dialog.options()), dialog.reject()))
        ask(window)
    video, image = asked
    assert (video.pace, video.steps_per_second) == ("speed", 4.0)
    assert video.scene_caption == image.scene_caption == lesson.scenes[0].caption
    caption = Caption(window.session, SMALL, video.scene_caption)
    assert caption.height > Caption(window.session, SMALL).height and not caption.scene_rect.isEmpty()
    frame = render_image(window.session, replace(image, size=SMALL, panels="contour"))
    painted = np.zeros((caption.height, SMALL[0], 4), np.uint8)
    canvas = array_as_image(painted)
    painter = QPainter(canvas)
    caption.paint(painter, window.session)
    painter.end()
    assert np.abs(frame[: caption.height].astype(int) - painted).max() == 0, "the caption as Caption draws it"
    top = caption.scene_rect.toAlignedRect()
    ink = frame[top.top() : top.bottom(), top.left() : top.right(), :3].astype(int).sum(axis=2) < 300
    assert ink.sum() > 100, "the scene's words are drawn"


def test_a_picture_of_a_scene_changed_in_class_strikes_its_caption_and_says_what_changed(
        make_main_window, answer_modal, monkeypatch) -> None:
    """A picture of "The sign of the update" with η and the sign changed in class was headed "w ← w − η·dL/dw with
    η = 0.1: … towards the minimum at 3" over a run at η = 0.0316 climbing away."""
    from gradviz.app.export_dialog import export_image_from, shown_scene_changes
    from gradviz.app.panel_base import SCENE_CHANGED_COLOUR
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None)
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title == "The sign of the update")
    window.document.open_lesson(lesson)
    window.controller.wait()
    window.session.update_run(0, lr=0.0316, sign="wrong")
    window.session.wait_for_runs()
    window.session.set_step(10)
    asked: list[ExportOptions] = []
    monkeypatch.setattr(export_dialog, "basins_ready", lambda *_args: False)
    answer_modal(ExportDialog, lambda dialog: (asked.append(dialog.options()), dialog.reject()))
    export_image_from(window)
    (image,) = asked
    assert image.scene_caption == lesson.scenes[0].caption and image.scene_changes == ("η = 0.0316", "wrong sign")
    size = (640, 360)
    frame = render_image(window.session, replace(image, size=size, panels="contour"))[..., :3].astype(int)
    changed = Caption(window.session, size, image.scene_caption, window.session.step, image.scene_changes)
    plain = Caption(window.session, size, image.scene_caption, window.session.step)
    assert changed.height > plain.height and plain.changes_rect.isEmpty()

    def inside(rect: QRectF) -> np.ndarray:
        box = rect.toAlignedRect()
        return frame[box.top() : box.bottom(), box.left() : box.right()]

    words = inside(changed.scene_rect)
    ink = words[np.abs(words - CAPTION_STRIP).max(axis=2) > 60]
    assert len(ink) > 100 and ink.mean(axis=1).min() > 80, "the caption greyed, no longer black"
    tag = inside(changed.changes_rect)
    assert np.sum(np.abs(tag - QColor(SCENE_CHANGED_COLOUR).getRgb()[:3]).sum(axis=2) < 40) > 100, "what changed"
    window.session.update_run(0, lr=0.1, sign="correct")
    assert shown_scene_changes(window) == (), "as written again: a picture now is headed by the caption alone"


def test_a_picture_names_an_edited_run_of_a_lesson_as_the_readout_does(
        make_main_window, activate, answer_modal, monkeypatch, qtbot, tmp_path) -> None:
    """In the optimizers race, − and S on "GD η = 0.001" left its row of a picture nameless ("●   step 0 / 6   η =
    0.000794 …") while the readout said "Gradient descent"."""
    from PySide6.QtCore import Qt

    from gradviz.app.export_dialog import export_image_from
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None)
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title == "Optimizers race")
    window.document.open_lesson(lesson)
    window.controller.wait()
    activate(window)
    for key in (Qt.Key.Key_Minus, Qt.Key.Key_S):
        qtbot.keyClick(window, key)
    window.session.wait_for_runs()
    first = window.session.run_specs[0]
    assert (first.label, first.sign, first.lr < 0.001) == ("", "wrong", True), "the run edited drops its name"
    readout = window.stepper.readout.toolTip().splitlines()
    assert readout[0].startswith("● Gradient descent") and readout[1].startswith("■ momentum η = 0.001"), readout
    asked: list[ExportOptions] = []
    monkeypatch.setattr(export_dialog, "basins_ready", lambda *_args: False)
    answer_modal(ExportDialog, lambda dialog: (asked.append(dialog.options()), dialog.reject()))
    export_image_from(window)
    (image,) = asked
    session, step = window.session, window.session.step
    caption = Caption(session, (1280, 720), image.scene_caption, step, image.scene_changes)
    names = [[segment.text for segment in caption.run_columns(session, index, step)][1] for index in range(3)]
    assert names == ["Gradient descent", "momentum η = 0.001", "Adam η = 0.1"]
    assert image.scene_changes == (f"run 1 (η = {format_number(first.lr)}, wrong sign)",)


def caption_pixels(session, size: tuple[int, int]) -> np.ndarray:
    """The caption strip of a frame of this size painted alone, as an RGBA array."""
    caption = Caption(session, size)
    pixels = np.full((caption.height, size[0], 4), 255, np.uint8)
    image = array_as_image(pixels)
    painter = QPainter(image)
    caption.paint(painter, session)
    painter.end()
    return pixels


def test_a_portrait_captions_run_lines_go_on_under_themselves_rather_than_off_the_edge(make_main_window) -> None:
    """At 720×1280 '(x, y) ← (x, y) − η∇f  f = …' ran off the right edge: only the formula was shortened to fit."""
    session = make_main_window("himmelblau").session
    session.set_runs([replace(session.run_specs[0], label="small η"), replace(session.run_specs[0], lr=0.02,
                                                                              label="large η")])
    session.wait_for_runs()
    session.set_step(session.last_step)
    for size in ((720, 1280), (480, 854)):
        caption = Caption(session, size)
        columns, tail = caption.run_columns(session, 0, session.step), caption.run_tail(session, 0, session.step)
        widths = [caption.metrics.horizontalAdvance(segment.text) for segment in columns + tail]
        assert caption.run_rows[0] > 1
        assert all(left + width <= caption.room + 0.5 for (_row, left), width
                   in zip(caption.line_places(0, len(columns), tail), widths, strict=True))
        dark = caption_pixels(session, size)[..., :3].min(axis=2) < 160
        assert not dark[:, -round(caption.margin / 2):].any(), "no text reaches the frame's right margin"
        text_rows = np.flatnonzero(dark.any(axis=1))
        assert text_rows.max() > caption.height * 0.75, "the wrapped lines are drawn within the strip"
    landscape = Caption(session, (1280, 720))
    assert landscape.run_rows == [1, 1] and {row for row, _left in landscape.column_places} == {0}


def test_a_portrait_frame_stacks_the_3d_panel_above_the_map_each_the_whole_width(make_main_window) -> None:
    """At 1080×1920 the map was 60 pixels wide, its arrows crowded, and the 3D panel laid out 200 pixels wide."""
    shown = make_main_window("himmelblau")
    _caption, slots = frame_layout(shown.session, (1920, 1080), "both", True, False)
    assert [(slot.name, slot.left, slot.size[0]) for slot in slots] == [("3d", 0, 960), ("contour", 960, 960)]
    renderer = FrameRenderer(copy_session(shown.session), (1080, 1920), "both", True)
    try:
        frame = renderer.render_step(0)
        surface, contour = renderer.slot("3d"), renderer.slot("contour")
    finally:
        renderer.close()
    assert (surface.left, contour.left, surface.size[0], contour.size[0]) == (0, 0, 1080, 1080)
    assert surface.top + surface.size[1] == contour.top and contour.top + contour.size[1] == 1920
    assert surface.layout_size[0] >= 700
    map_part = frame[contour.top : contour.top + contour.size[1], :, :3].astype(int)
    coloured = (map_part.max(axis=2) - map_part.min(axis=2)) > 80  # the colour map's greens and blues
    assert coloured.any(axis=0).mean() > 0.6, "the map spans most of the frame's width"


def test_a_run_that_leaves_the_plot_says_where_its_ball_went(make_main_window) -> None:
    """(w − 3)² from 0 with the wrong sign ended with the ball off the picture, an edge pointer alone showing."""
    from gradviz.app.panel_base import WRONG_SIGN_COLOUR

    session = make_main_window("wrong-sign").session
    session.set_runs([replace(session.run_specs[0], max_steps=20)])
    session.wait_for_runs()
    caption = Caption(session, (1280, 720))
    assert caption.left_range_text(session, 0, 8) == ""
    assert [segment.text for segment in caption.run_tail(session, 0, 20)] == [
        "left the plotted range at step 9, now w = −112", "step budget reached"]  # the outcome after the note
    red = np.array(QColor(WRONG_SIGN_COLOUR).getRgb()[:3])
    note_left = round(caption.margin + caption.tail_starts[0][1])

    def red_in_note(step: int) -> int:
        session.set_step(step)
        pixels = caption_pixels(session, (1280, 720))[:, note_left:, :3].astype(int)
        return int((np.abs(pixels - red).max(axis=2) < 40).sum())

    assert red_in_note(8) == 0
    assert red_in_note(20) > 200


def test_a_run_that_leaves_the_plot_is_told_beside_a_run_with_fewer_columns(make_main_window) -> None:
    """The wrong-sign preset's caption never gave its note: the correct run's shorter line cut the note's column."""
    from gradviz.app.panel_base import WRONG_SIGN_COLOUR

    session = make_main_window("wrong-sign").session
    session.set_runs([replace(session.run_specs[0], lr=0.3), *session.run_specs[1:]])
    session.wait_for_runs()
    session.set_step(6)
    caption = Caption(session, (1280, 720))
    note = caption.run_line(session, 0)[-1]
    assert note.text.startswith("left the plotted range at step") and note.text.endswith("w = −47.33")
    red = np.array(QColor(WRONG_SIGN_COLOUR).getRgb()[:3])
    pixels = caption_pixels(session, (1280, 720))[:, round(caption.margin + caption.tail_starts[0][1]):, :3]
    assert int((np.abs(pixels.astype(int) - red).max(axis=2) < 40).sum()) > 200, "the note is drawn, in red"


@pytest.mark.parametrize("size", [(1280, 720), (800, 600)])
def test_an_exported_frames_edge_tag_lies_inside_the_map_off_the_paths_dots(make_main_window, size) -> None:
    """(x − 3)² + y² from (0, 0.5) with the wrong sign walks off the map's left edge: a video's tag saying where the
    ball went lay back along the path, over its dots and its start, and ran off a narrow map's right edge."""
    session = make_main_window("bowl").session
    session.set_analysis(analyze_in_process("(x-3)^2 + y^2"))
    session.set_runs([replace(session.run_specs[0], start={"x": 0.0, "y": 0.5}, lr=0.05, sign="wrong", max_steps=40)])
    session.wait_for_runs()
    renderer = FrameRenderer(copy_session(session), size)
    try:
        frame = renderer.render_step(40)
        view, slot, export = renderer.contour_view, renderer.slot("contour"), renderer.contour_export
        ratio = export.target.width() / export.source.width()
        transform = view.off_map.deviceTransform(QTransform.fromScale(ratio, ratio))  # as the frame's map is painted
        tags, plot = view.off_map.tags, view.off_map.plot_rect(transform)
        marks, dots = run_mark_pixels(view, transform), step_dot_pixels(view, transform)
    finally:
        renderer.close()
    ((text, box),) = tags
    assert text.startswith("(x, y) = (−132.8, 22.63)") and plot.contains(box), (text, box, plot)
    assert len(marks) == 41 and marks_in(box, marks) == []
    shown = [dot for dot in dots if plot.contains(*dot)]
    assert len(shown) >= 5
    run_rgb = np.array(run_colour(0)[:3]) * 255
    for x, y in shown:  # each drawn in the run's colour in the frame: none under the tag's patch
        assert np.abs(frame[slot.top + round(y), slot.left + round(x), :3] - run_rgb).max() < 60, (x, y)


def caption_ink(session, size: tuple[int, int], step: int, path) -> np.ndarray:
    """Where a still picture of this step has ink in its caption strip (its text, down to the rule under it)."""
    pixels = read_png(export_image(session, ExportOptions(kind="image", size=size), path, step))[..., :3].astype(int)
    rule = np.flatnonzero(np.abs(pixels[:, 2] - CAPTION_STRIP).max(axis=1) > 2)[0]  # the margin's first non-strip row
    return np.abs(pixels[:rule] - CAPTION_STRIP).max(axis=2) > 60


def longest_blank(inked: np.ndarray) -> int:
    """The longest run of False between the first True and the last."""
    marks = np.flatnonzero(inked)
    return int(np.diff(marks).max()) - 1 if len(marks) > 1 else 0


def test_a_run_that_left_the_plot_has_its_note_right_after_f_before_it_ends(make_main_window, tmp_path) -> None:
    """With one run, the outcome's empty column left 330 pixels of blank between f and 'left the plotted range'."""
    session = make_main_window("wrong-sign").session
    session.set_runs([replace(session.run_specs[0], max_steps=20)])
    session.wait_for_runs()
    ink, caption = caption_ink(session, (1280, 720), 15, tmp_path / "still.png"), Caption(session, (1280, 720))
    top = round(caption.padding + caption.title_metrics.height() + 0.15 * caption.metrics.height())
    line = ink[top : top + round(caption.line_height)].any(axis=0)
    assert line[round(caption.width * 0.7):].any(), "the note is there"
    assert longest_blank(line) < 2 * caption.gap, "no hole in the line"


def test_a_videos_note_and_outcome_follow_their_runs_f_and_the_note_stays_put(make_main_window, tmp_path) -> None:
    """The caption held a note and an outcome after the widest f of every run and step: 'L = 345.04', then 170 pixels
    of blank before 'left the plotted range', and a run ending at f = 2.0353e−5 stood apart from its outcome."""
    from gradviz.app.panel_base import WRONG_SIGN_COLOUR

    session = make_main_window("wrong-sign").session
    session.set_runs([replace(session.run_specs[0], max_steps=20), *session.run_specs[1:]])
    session.wait_for_runs()
    folder = export_video(session, ExportOptions(size=(1280, 720), pace="frames", hold_seconds=0.0),
                          f"{tmp_path / 'frames'}/")
    frames = sorted(folder.iterdir())
    caption = Caption(session, (1280, 720))
    assert len(frames) == session.last_step + 1 == 31
    f_left = round(caption.margin + caption.column_places[-1][1])
    top = round(caption.padding + caption.title_metrics.height() + 0.15 * caption.metrics.height())
    red = np.array(QColor(WRONG_SIGN_COLOUR).getRgb()[:3])
    note_lefts = set()
    for step in (9, 10, 15, 20, 30):
        pixels = read_png(frames[step])[:, f_left:, :3].astype(int)
        first_line = pixels[top : top + round(caption.line_height)]
        assert longest_blank((np.abs(first_line - CAPTION_STRIP).max(axis=2) > 60).any(axis=0)) < 2 * caption.gap
        note_lefts.add(int(np.flatnonzero((np.abs(first_line - red).max(axis=2) < 40).any(axis=0))[0]))
    assert len(note_lefts) == 1, "the note stays where it began as f grows"
    second_line = read_png(frames[30])[top + round(caption.line_height) : top + round(2 * caption.line_height),
                                       f_left:, :3].astype(int)
    inked = (np.abs(second_line - CAPTION_STRIP).max(axis=2) > 60).any(axis=0)
    assert inked[round(caption.gap * 8):].any(), "the outcome is there"
    assert longest_blank(inked) < 2 * caption.gap, "right after the run's own last f"


def test_a_portrait_still_has_no_blank_line_between_its_runs(make_main_window, tmp_path) -> None:
    """At 1080×1920 a whole line was left blank under the wrong-sign run for a 'step budget reached' still to come."""
    session = make_main_window("wrong-sign").session
    ink, video = caption_ink(session, (1080, 1920), 5, tmp_path / "still.png"), Caption(session, (1080, 1920))
    assert longest_blank(ink.any(axis=1)) < 0.5 * video.line_height
    caption = Caption(session, (1080, 1920), still_step=5)
    assert caption.run_rows == [1, 1] and caption.height <= len(ink) + 3
    assert video.run_rows[1] == 2, "a video holds the row the second run's outcome will take: its panels stay put"
    assert video.height > caption.height


def test_the_dialog_proposes_the_lesson_scenes_or_the_scenario_files_name(window, answer_modal, monkeypatch,
                                                                          tmp_path) -> None:
    """Inside a lesson's scene, File → Export video proposed gradviz-descent.mp4 every time."""
    from PySide6.QtWidgets import QFileDialog

    from gradviz.core.lessons import lesson_to_dict, shipped_lessons

    def proposed(kind: str = "video") -> str:
        names: list[str] = []
        answer_modal(ExportDialog, lambda dialog: (names.append(Path(dialog.target()).name), dialog.reject()))
        (export_dialog.export_video_from if kind == "video" else export_dialog.export_image_from)(window)
        return names[0]

    assert proposed() == "bowl.mp4"  # a gallery example, untitled: its name
    window.open_scenario(find_preset("bowl-at-1-2").scenario, wait=True)
    assert proposed() == "bowl-at-1-2.mp4"  # the bowl's formula, started where this example starts
    window.session.set_analysis(analyze_in_process("x^2 + 3y^2"))
    assert proposed() == "gradviz-descent.mp4"  # untitled, and no example's formula
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "saddle.gradviz.json"), ""))
    assert window.save_as()
    assert proposed("image") == "saddle.png"
    lesson_file = tmp_path / "learning-rate.json"
    lesson_file.write_text(json.dumps(lesson_to_dict(shipped_lessons()[4])), encoding="utf-8")
    assert window.open_file(lesson_file)
    window.controller.wait()
    window.lesson_player.next_scene()
    window.controller.wait()
    assert window.lesson_player.index == 1
    assert proposed() == "learning-rate-scene-2.mp4"
    window.document.open_lesson(shipped_lessons()[2])  # shipped, no file of its own: named by its title
    window.controller.wait()
    assert proposed() == "gradient-descent-on-a-bowl-scene-1.mp4"

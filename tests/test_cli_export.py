"""`gradviz export` on the command line: videos, frames and images read back; bad input is one line, exit 2."""

from __future__ import annotations

import itertools
import math
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gradviz.cli import main
from gradviz.export import probe_video, read_video_frames

SMALL = ["--size", "320x180"]


@pytest.fixture(autouse=True)
def application(qapp):
    """In process, the export uses the QApplication pytest-qt made."""
    return qapp


def export(*args: str) -> int:
    """Run `gradviz export ARGS` in this process."""
    return main(["export", *args])


def test_preset_to_mp4_with_progress_and_a_held_last_frame(tmp_path, capsys) -> None:
    target = tmp_path / "bowl.mp4"
    assert export("--preset", "bowl", "--steps", "20", *SMALL, "--fps", "10", "--steps-per-frame", "1",
                  "--out", str(target)) == 0
    info = probe_video(target)
    assert (info.frame_count, info.width, info.height, info.codec, info.fps) == (21 + 10, 320, 180, "h264", 10.0)
    frames = read_video_frames(target)
    assert np.abs(frames[0].astype(int) - frames[20]).max() > 100
    assert np.abs(frames[-1].astype(int) - frames[-2]).mean() < 0.5  # the held last frame (up to the codec)
    err = capsys.readouterr().err
    assert "exporting: 100% (31/31 frames)" in err
    assert f"saved {target}" in err


def test_a_video_plays_the_steps_at_the_windows_speed_each_held_for_its_frames(tmp_path, capsys) -> None:
    """A 10-step descent was over in a third of a second: one step a frame at 30 frames per second."""
    target = tmp_path / "bowl.mp4"
    assert export("--preset", "bowl", "--steps", "10", *SMALL, "--hold", "0.5", "--out", str(target)) == 0
    info = probe_video(target)
    # step k at k / 8 s on the first frame from then: step 10 at 1.25 s, frame 38 (at 30 fps), then 15 frames held
    assert (info.frame_count, info.fps) == (38 + 1 + 15, 30.0)
    frames = [frame.astype(int) for frame in read_video_frames(target)]
    changes = [float(np.abs(later - earlier).mean()) for earlier, later in itertools.pairwise(frames)]
    moved = [index + 1 for index, change in enumerate(changes) if change > 0.3]  # the frames where the picture moves
    assert moved == [math.ceil(step * 30 / 8) for step in range(1, 11)]
    assert "exporting: 100% (54/54 frames)" in capsys.readouterr().err
    assert export("--preset", "bowl", "--speed", "4", "--steps-per-frame", "2", "--out", str(tmp_path / "b.mp4")) == 2
    assert "give one of them" in capsys.readouterr().err


def test_formula_to_gif_every_third_step(tmp_path) -> None:
    target = tmp_path / "valley.gif"
    code = export("(1 - x)^2 + 100(y - x^2)^2", "--start", "x=-1.5,y=2", "--lr", "0.001", "--steps", "30",
                  "--steps-per-frame", "3", "--hold", "0", "--no-overlay", *SMALL, "--out", str(target))
    assert code == 0
    info = probe_video(target)
    assert (info.frame_count, info.codec) == (11, "gif")


def test_scenario_overrides_and_png_frames_of_one_panel(tmp_path) -> None:
    folder = tmp_path / "frames"
    code = export("--preset", "saddle", "--start", "y=0.5", "--sign", "wrong", "--steps", "5",  # held 1 s: no copies
                  "--panels", "contour", *SMALL, "--out", f"{folder}/")
    assert code == 0
    names = sorted(path.name for path in folder.iterdir())
    assert names == [f"frame_{index:05d}.png" for index in range(6)]
    image = QImage(str(folder / names[-1]))
    assert (image.width(), image.height()) == (320, 180)


def test_a_held_variable_in_start_is_held_there_in_every_view() -> None:
    """--start z=2 ran at z = 2 while the views drew, and the caption named, the preset's z = 1."""
    from gradviz.cli import _command_parser, _export_session

    for source in (["--preset", "three-variables", "--start", "z=2"], ["x^2 + 2y^2 + 3z^2", "--start", "x=1,y=1,z=2"]):
        session = _export_session(_command_parser().parse_args(["export", *source, "--out", "x.png"]))
        session.wait_for_runs()
        assert session.fixed == {"z": 2.0} and session.domain().fixed == {"z": 2.0}
        assert session.runs[0].points[0].tolist() == [1.0, 1.0, 2.0] and session.runs[0].values[0] == 15.0



def test_momentum_changes_the_first_run_of_an_optimizer_that_has_it() -> None:
    from gradviz.cli import _command_parser, _export_session

    for source in (["--preset", "bowl"], ["x^2 + 2y^2", "--start", "x=1,y=1"]):
        sessions = [_export_session(_command_parser().parse_args(["export", *source, "--optimizer", "momentum",
                                                                  *momentum, "--out", "x.png"]))
                    for momentum in ([], ["--momentum", "0.5"])]
        for session in sessions:
            session.wait_for_runs()
        assert sessions[1].run_specs[0].params == {"momentum": 0.5}
        assert sessions[0].runs[0].points[2].tolist() != sessions[1].runs[0].points[2].tolist()


def test_the_caption_names_the_optimizer_and_its_settings_as_the_window_does(tmp_path) -> None:
    """--optimizer nesterov --momentum 0.5 drew 'Nesterov, −∇f' over the picture: the window's optimizer is Nesterov
    momentum, and the momentum given went unsaid."""
    from gradviz.app.exporter import Caption, ExportOptions, render_image
    from gradviz.cli import _command_parser, _export_session

    given = ["--preset", "bowl", "--optimizer", "nesterov", "--momentum", "0.5", "--step", "3"]
    target = tmp_path / "nesterov.png"
    assert export(*given, *SMALL, "--out", str(target)) == 0
    image = QImage(str(target)).convertToFormat(QImage.Format.Format_RGBA8888)
    exported = np.frombuffer(image.constBits(), np.uint8).reshape(180, 320, 4)
    session = _export_session(_command_parser().parse_args(["export", *given, "--out", "x.png"]))
    session.wait_for_runs()
    caption = Caption(session, (320, 180), still_step=3)
    assert [segment.text for segment in caption.run_columns(session, 0, 3)][1:3] == [
        "η = 0.1", "Nesterov momentum (momentum = 0.5) step on ∇f"]
    drawn = render_image(session, ExportOptions(kind="image", size=(320, 180)), 3)
    assert np.abs(exported[:caption.height].astype(int) - drawn[:caption.height]).max() == 0, "the caption drawn"


def test_a_scenario_file_is_held_as_the_app_holds_it(tmp_path) -> None:
    """A file holding z at 1 whose run starts at z = 2 was drawn at z = 2 by export, at z = 1 by the app."""
    from dataclasses import replace

    from gradviz.cli import _command_parser, _export_session
    from gradviz.core.presets import find_preset
    from gradviz.core.scenario import save_scenario

    scenario = find_preset("three-variables").scenario
    path = tmp_path / "held.gradviz.json"
    save_scenario(replace(scenario, fixed={"z": 1.0}, runs=(replace(scenario.runs[0], start={"x": 1.0, "y": 1.0,
                                                                                               "z": 2.0}),)), path)
    session = _export_session(_command_parser().parse_args(["export", "--scenario", str(path), "--out", "x.png"]))
    session.wait_for_runs()
    assert session.fixed == {"z": 1.0} and session.runs[0].points[0].tolist() == [1.0, 1.0, 1.0]


def test_one_image_of_a_chosen_step(tmp_path, capsys) -> None:
    target = tmp_path / "shot.png"
    assert export("--preset", "wrong-sign", "--step", "4", "--size", "640x360", "--out", str(target)) == 0
    assert (QImage(str(target)).width(), QImage(str(target)).height()) == (640, 360)
    assert "step 4" in capsys.readouterr().err


def test_one_image_with_the_loss_curve_under_the_panels(tmp_path) -> None:
    plain, with_loss = tmp_path / "plain.png", tmp_path / "loss.png"
    for target, extra in ((plain, []), (with_loss, ["--loss"])):
        assert export("--preset", "bowl", "--size", "640x360", "--out", str(target), *extra) == 0
    pixels = [np.frombuffer(QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888).constBits(), np.uint8)
              .reshape(360, 640, 3).astype(int) for path in (plain, with_loss)]
    bottom = slice(300, 360)
    assert np.abs(pixels[0][bottom] - pixels[1][bottom]).mean() > 5, "the strip has taken the panels' bottom"


def test_the_map_as_lines_without_arrows(tmp_path) -> None:
    """--contours lines --no-arrows: the map's cells are white but for its coloured level lines and the run."""
    shares = {}
    for name, extra in (("filled", []), ("lines", ["--contours", "lines", "--no-arrows"])):
        target = tmp_path / f"{name}.png"
        assert export("--preset", "himmelblau", "--panels", "contour", "--no-overlay", "--size", "640x480",
                      "--out", str(target), *extra) == 0
        image = QImage(str(target)).convertToFormat(QImage.Format.Format_RGB888)
        pixels = np.frombuffer(image.constBits(), np.uint8).reshape(480, 640, 3)[100:380, 150:450]
        shares[name] = float((pixels.min(axis=-1) > 245).mean())
    assert shares["filled"] < 0.05 < 0.7 < shares["lines"], shares


def map_without_and_with(tmp_path, preset: str, option: str) -> tuple[np.ndarray, np.ndarray]:
    """The preset's contour panel exported at 480×360 without the option, then with it, as RGB arrays."""
    pictures = []
    for extra in ([], [option]):
        target = tmp_path / f"{preset}{len(extra)}.png"
        assert export("--preset", preset, "--panels", "contour", "--no-overlay", "--size", "480x360",
                      "--out", str(target), *extra) == 0
        image = QImage(str(target)).convertToFormat(QImage.Format.Format_RGB888)
        pictures.append(np.frombuffer(image.constBits(), np.uint8).reshape(360, 480, 3).astype(int))
    return pictures[0], pictures[1]


def test_the_critical_points_marked_in_an_export(tmp_path) -> None:
    plain, marked = map_without_and_with(tmp_path, "saddle", "--critical-points")
    changed = np.nonzero(np.abs(marked - plain).max(axis=2) > 60)
    assert len(changed[0]) > 40  # the mark and its name, "saddle", at the origin: the middle of the map
    assert 100 < np.median(changed[0]) < 260 and 100 < np.median(changed[1]) < 380


def test_the_basins_in_an_export(tmp_path) -> None:
    """--basins: the band under the two-minima curve, coloured by where descent from each start ends."""
    plain, coloured = map_without_and_with(tmp_path, "double-well", "--basins")
    changed = (np.abs(coloured - plain).max(axis=2) > 60).any(axis=1)
    assert changed[300:].sum() > 5  # along the bottom of the plot, under the curve (and its legend, top right)


def test_the_loss_curve_on_a_log_scale_shows_the_late_steps(tmp_path) -> None:
    """Rosenbrock's f falls from about 100 to near 0 at once: linear, the rest is a flat line on the axis."""
    heights = {}
    for scale, extra in (("linear", ["--loss"]), ("log", ["--loss-log"])):
        target = tmp_path / f"{scale}.png"
        assert export("--preset", "rosenbrock", "--size", "640x360", "--no-overlay", "--out", str(target), *extra) == 0
        image = QImage(str(target)).convertToFormat(QImage.Format.Format_RGB888)
        pixels = np.frombuffer(image.constBits(), np.uint8).reshape(360, 640, 3).astype(int)[270:, 320:]
        orange = np.array((213, 94, 0))
        rows = np.nonzero((np.abs(pixels - orange).max(axis=2) < 60).any(axis=1))[0]
        heights[scale] = rows.max() - rows.min() if rows.size else 0
    assert heights["log"] > heights["linear"] + 10, heights


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x^2 + y^2", "--out", "a.mp4"], "--start is needed"),
        (["x^2 + y^2", "--start", "x=1", "--out", "a.mp4"], "give a value for y"),
        (["x^2 +", "--start", "x=1", "--out", "a.mp4"], "needs something after it"),
        (["--preset", "bowl", "--start", "q=1", "--out", "a.mp4"], "'q' is not a variable"),
        (["--preset", "nope", "--out", "a.mp4"], "no preset named 'nope'"),
        (["x^2", "--preset", "bowl", "--out", "a.mp4"], "give one of"),
        (["--preset", "bowl", "--size", "12x9000", "--out", "a.mp4"], "must be 32 to 8192 pixels wide and 16 to 8192"),
        (["--preset", "bowl", "--size", "16x16", "--out", "a.png"], "must be 32 to 8192 pixels wide"),  # one way
        (["--preset", "bowl", "--size", "wide", "--out", "a.mp4"], "--size expects WIDTHxHEIGHT in pixels"),
        (["--preset", "bowl", "--fps", "0", "--out", "a.mp4"], "fps must be between"),
        (["--preset", "bowl", "--lr", "-1", "--out", "a.mp4"], "learning rate must be positive"),
        (["--preset", "bowl", "--out", "a.avi"], "use .mp4 or .gif"),
        (["--preset", "bowl", "--out", "missing/a.mp4"], "does not exist"),
        (["--preset", "bowl", "--panels", "both", "--out", "a.svg"], "contour panel only"),
        (["--preset", "bowl", "--loss", "--out", "a.svg"], "leave out the loss curve"),
        (["--preset", "bowl", "--loss", "--size", "640x200", "--out", "a.png"], "at least 240 pixels high"),
        (["--preset", "bowl"], "required: --out"),
        (["--preset", "bowl", "--size", "101x77", "--out", "a.mp4"], "an MP4 needs an even width and height"),
        (["--preset", "bowl", "--step", "-1", "--out", "a.png"], "--step must be 0 or more"),
        (["--preset", "bowl", "--step", "3", "--out", "a.mp4"], "--step is for one image"),
        (["--preset", "bowl", "--step", "3", "--out", "frames/"], "--step is for one image"),
        (["--preset", "bowl", "--speed", "4", "--out", "a.png"], "--speed is for a video, GIF or frames; one image"),
        (["--preset", "bowl", "--steps-per-frame", "2", "--out", "a.svg"], "--steps-per-frame is for a video"),
        (["--preset", "bowl", "--fps", "10", "--out", "a.png"], "--fps is for a video"),
        (["--preset", "bowl", "--hold", "0", "--out", "a.png"], "--hold is for a video"),
        (["--preset", "bowl", "--orbit", "90", "--out", "a.png"], "--orbit is for a video"),
        (["--preset", "bowl", "--steps-per-frame", "99999999999999999999", "--out", "a.mp4"],
         "steps per frame must be 1 to 10,000, not 99,999,999,999,999,999,999"),
        (["--preset", "bowl", "--steps-per-frame", "0", "--out", "a.gif"], "steps per frame must be 1 to 10,000"),
        # --momentum with an optimizer that has no momentum was taken without a word, and the run had none
        (["--preset", "bowl", "--momentum", "0.5", "--out", "a.png"],
         "--momentum is a setting of the momentum, nesterov and rmsprop optimizers, not of gd (the preset bowl's "
         "run 1): choose one of them with --optimizer, or leave --momentum out"),
        (["x^2 + y^2", "--start", "x=1,y=1", "--momentum", "0.5", "--out", "a.mp4"], "not of gd (the default): choose"),
        (["--preset", "bowl", "--optimizer", "adam", "--momentum", "0.5", "--out", "a.mp4"], "not of adam: choose"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    assert export(*args) == 2
    err = capsys.readouterr().err
    assert err.startswith("gradviz: ") and err.count("\n") == 1
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_without_a_display_it_says_to_use_xvfb_run(tmp_path) -> None:
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "gradviz", "export", "--preset", "bowl", "--out", str(tmp_path / "a.mp4")],
        env=environment, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert "xvfb-run -a gradviz export" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "out", "message"), [
    (["--preset", "bowl", "--speed", "0"], "a.mp4", "the speed must be"),
    (["--preset", "bowl", "--speed", "4"], "a.png", "--speed is for a video"),
    (["x^2 +", "--start", "x=1"], "a.mp4", "needs something after it"),
])
def test_without_a_display_bad_input_is_said_first(tmp_path, args, out, message) -> None:
    """With no display, --speed 0 was answered "needs a display", not that 0 steps a second cannot be played."""
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "gradviz", "export", *args, "--out", str(tmp_path / out)],
                            env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and message in result.stderr and "display" not in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def interrupted_export(tmp_path, send: Callable[[subprocess.Popen], None]) -> tuple[int, str, str]:
    """Start a long export in a process of its own session, send it a signal once it draws: status, first line, rest."""
    with subprocess.Popen(
        [sys.executable, "-m", "gradviz", "export", "--preset", "bowl", "--steps", "2000", *SMALL,
         "--out", str(tmp_path / "long.mp4")],
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    ) as process:
        assert process.stderr is not None
        first = process.stderr.readline()  # 'exporting: 10% …' once frames are being drawn
        send(process)
        rest = process.stderr.read()
        return process.wait(timeout=60), first, rest


@pytest.mark.parametrize(("number", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_export_between_frames_and_leaves_nothing(tmp_path, number, status) -> None:
    code, first, rest = interrupted_export(tmp_path, lambda process: process.send_signal(number))
    assert (code, rest) == (status, "gradviz: export interrupted; nothing was saved\n"), first + rest
    assert first.startswith("exporting:")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_in_a_terminal_is_one_line_though_it_reaches_every_process(tmp_path) -> None:
    """The terminal signals the whole group: the symbolic worker printed a KeyboardInterrupt traceback."""
    code, first, rest = interrupted_export(tmp_path, lambda process: os.killpg(process.pid, signal.SIGINT))
    assert (code, rest) == (130, "gradviz: export interrupted; nothing was saved\n"), first + rest
    assert list(tmp_path.iterdir()) == []


def test_a_formula_starting_with_a_minus_exports(tmp_path) -> None:
    target = tmp_path / "cap.png"
    assert export("-x^2 - y^2", "--start", "x=1,y=-1", "--step", "2", *SMALL, "--out", str(target)) == 0
    assert QImage(str(target)).width() == 320


def test_a_step_past_the_end_says_it_shows_the_last(tmp_path, capsys) -> None:
    target = tmp_path / "end.png"
    assert export("--preset", "bowl", "--steps", "20", "--step", "5000", *SMALL, "--out", str(target)) == 0
    assert "step 20; the runs end there, before step 5000)" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["clip.mp4", "clip.gif", "shot.png"])
def test_an_existing_folder_named_like_a_file_is_refused(tmp_path, capsys, name) -> None:
    folder = tmp_path / name
    folder.mkdir()
    assert export("--preset", "bowl", "--steps", "2", *SMALL, "--out", str(folder)) == 2
    assert f"{folder} is a folder; give a file name" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


LESSON = os.path.join(os.path.dirname(__file__), os.pardir, "resources", "lessons", "03-descent-on-a-bowl.json")


def test_a_lesson_scene_exports_with_scene_under_its_caption_for_the_audience(tmp_path) -> None:
    """The scene's caption ("One step, w ← w − 0.1·∇L: …") was left out of the exported picture."""
    from gradviz.app.exporter import Caption, ExportOptions, render_image
    from gradviz.cli import _command_parser, _export_session
    from gradviz.core.lessons import load_scenario_or_lesson

    target = tmp_path / "scene.png"
    assert export("--scenario", LESSON, "--scene", "2", *SMALL, "--out", str(target)) == 0
    image = QImage(str(target)).convertToFormat(QImage.Format.Format_RGBA8888)
    assert image.width() == 320
    exported = np.frombuffer(image.constBits(), np.uint8).reshape(180, 320, 4)
    session = _export_session(_command_parser().parse_args(["export", "--scenario", LESSON, "--scene", "2",
                                                            "--out", "x.png"]))
    caption = load_scenario_or_lesson(LESSON).scenes[1].caption
    drawn = render_image(session, ExportOptions(kind="image", size=(320, 180), scene_caption=caption),
                         session.last_step)
    height = Caption(session, (320, 180), caption).height
    assert height > Caption(session, (320, 180)).height
    assert np.abs(exported[:height].astype(int) - drawn[:height]).max() == 0


def test_a_lesson_scene_exported_with_other_run_options_strikes_its_caption_and_says_what_changed(tmp_path) -> None:
    """--lr 0.3 drew "One step, w ← w − 0.1·∇L: (1, 1) → (1.4, 1.8)" over a run stepping at η = 0.3."""
    from gradviz.app.exporter import ExportOptions, render_image
    from gradviz.cli import _command_parser, _export_session, _scene_changes
    from gradviz.core.lessons import load_scenario_or_lesson

    target = tmp_path / "scene.png"
    given = ["--scenario", LESSON, "--scene", "2", "--lr", "0.3"]
    assert export(*given, *SMALL, "--out", str(target)) == 0
    image = QImage(str(target)).convertToFormat(QImage.Format.Format_RGBA8888)
    exported = np.frombuffer(image.constBits(), np.uint8).reshape(180, 320, 4)
    args = _command_parser().parse_args(["export", *given, "--out", "x.png"])
    session = _export_session(args)
    assert _scene_changes(args, session) == ("η = 0.3",)
    caption = load_scenario_or_lesson(LESSON).scenes[1].caption
    options = ExportOptions(kind="image", size=(320, 180), scene_caption=caption)
    struck = render_image(session, replace(options, scene_changes=("η = 0.3",)), session.last_step)
    assert np.array_equal(exported, struck)
    assert not np.array_equal(exported, render_image(session, options, session.last_step))
    as_written = _command_parser().parse_args(["export", "--scenario", LESSON, "--scene", "2", "--out", "x.png"])
    assert _scene_changes(as_written, _export_session(as_written)) == ()


RACE = os.path.join(os.path.dirname(__file__), os.pardir, "resources", "lessons", "08-optimizer-race.json")


def test_a_run_option_drops_the_name_it_makes_untrue_as_in_the_window(tmp_path) -> None:
    """--lr 0.0005 on the race's "GD η = 0.001" exported "Changed: run 1 (η = 0.0005)" over "● GD η = 0.001   step 0 /
    2000   η = 0.0005": the run is named by its optimizer, as the window's readout names a run edited there."""
    from gradviz.app.exporter import Caption
    from gradviz.cli import _command_parser, _export_session, _scene_changes

    given = ["--scenario", RACE, "--scene", "1", "--lr", "0.0005", "--step", "0"]
    assert export(*given, *SMALL, "--out", str(tmp_path / "race.png")) == 0
    args = _command_parser().parse_args(["export", *given, "--out", "x.png"])
    session = _export_session(args)
    assert [spec.label for spec in session.run_specs] == ["", "momentum η = 0.001", "Adam η = 0.1"]
    assert _scene_changes(args, session) == ("run 1 (η = 0.0005)",)
    caption = Caption(session, (640, 360), "A race", 0, _scene_changes(args, session))
    texts = [segment.text for segment in caption.run_columns(session, 0, 0)]
    assert texts[1:4] == ["Gradient descent", "step 0 / 2000", "η = 0.0005"], texts
    assert "η = 0.001" not in " ".join(texts)
    for kept in (["--steps", "50"], ["--lr", "0.001"]):  # a budget, or the η it says: the name stays true
        session = _export_session(_command_parser().parse_args(["export", "--scenario", RACE, "--scene", "1", *kept,
                                                                "--out", "x.png"]))
        assert session.run_specs[0].label == "GD η = 0.001", kept


@pytest.mark.parametrize(("args", "message"), [
    (["--scenario", LESSON], "is a lesson of 5 scenes: choose the scene to export with --scene N, 1 to 5"),
    (["--scenario", LESSON, "--scene", "6"], "--scene N, 1 to 5, not 6"),
    (["--preset", "bowl", "--scene", "1"], "--scene picks a scene of a lesson file given with --scenario FILE"),
])
def test_a_lesson_without_a_fitting_scene_is_refused(tmp_path, capsys, args, message) -> None:
    assert export(*args, "--out", str(tmp_path / "a.png")) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_long_video_says_so_before_it_starts(tmp_path, capsys, monkeypatch) -> None:
    """100,000 steps made an 18-minute MP4 without a word; now the length and how to shorten it come first."""
    import gradviz.cli as cli

    monkeypatch.setattr(cli, "LONG_VIDEO_SECONDS", 1.0)  # as if 30 frames were long: the test stays quick
    assert export("--preset", "bowl", "--steps", "40", *SMALL, "--fps", "10", "--steps-per-frame", "1", "--hold", "0",
                  "--out", str(tmp_path / "long.mp4")) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first == ("gradviz: 40 steps make 41 frames, 0.1 minutes; --steps-per-frame 4 shows one step in 4: "
                     "11 frames, 0.0 minutes")
    assert export("--preset", "bowl", "--steps", "40", *SMALL, "--fps", "10", "--hold", "0",
                  "--out", str(tmp_path / "paced.mp4")) == 0  # 5 s at 8 steps a second
    first = capsys.readouterr().err.splitlines()[0]
    assert first == ("gradviz: 40 steps make 51 frames, 0.1 minutes; --speed 40 plays 40 steps a second: "
                     "11 frames, 0.0 minutes")
    assert export("--preset", "bowl", "--steps", "5", *SMALL, "--hold", "0", "--out", str(tmp_path / "short.mp4")) == 0
    assert "gradviz: 5 steps" not in capsys.readouterr().err

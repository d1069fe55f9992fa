"""Frame writers: MP4, GIF and PNG round trips, nothing left behind on abort or failure, clear errors."""

from __future__ import annotations

import errno
import itertools
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from gradviz.export import (
    ExportCancelled,
    ExportError,
    FrameWriter,
    GifWriter,
    Mp4Writer,
    PngSequenceWriter,
    export_frames,
    probe_video,
    read_video_frames,
    write_png,
    writer_for,
    writers,
)
from gradviz.export import writers as writers_module
from gradviz.export.writers import run_ffmpeg

WIDTH, HEIGHT = 64, 48
SQUARE = 10
PROC = Path("/proc")


def gradient_background(width: int, height: int) -> np.ndarray:
    """A smooth opaque RGBA image: red across, green down, blue both ways."""
    rows, columns = np.mgrid[0:height, 0:width]
    image = np.empty((height, width, 4), dtype=np.uint8)
    image[..., 0] = columns * 255 // max(width - 1, 1)
    image[..., 1] = rows * 255 // max(height - 1, 1)
    image[..., 2] = (rows + columns) * 255 // max(width + height - 2, 1)
    image[..., 3] = 255
    return image


def moving_square(count: int, width: int = WIDTH, height: int = HEIGHT, channels: int = 4) -> list[np.ndarray]:
    """Frames of a white square moving right over a gradient."""
    background = gradient_background(width, height)
    frames = []
    for index in range(count):
        frame = background.copy()
        left = (index * 3) % (width - SQUARE)
        frame[height // 3 : height // 3 + SQUARE, left : left + SQUARE] = 255
        frames.append(frame[..., :channels])
    return frames


def ffmpeg_children() -> list[str]:
    """Child processes of this test run (zombies included) whose name starts with ffmpeg."""
    found = []
    for entry in PROC.glob("[0-9]*/stat"):
        try:
            text = entry.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        parent = int(text[text.rindex(")") + 2 :].split()[1])
        if parent == os.getpid() and name.startswith("ffmpeg"):
            found.append(f"{entry.parent.name} {name}")
    return found


def read_png_rgba(path: Path) -> np.ndarray:
    """A PNG decoded by ffmpeg to RGBA."""
    result = run_ffmpeg(["-loglevel", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgba", "-"], "decoding")
    info = probe_video(path)
    return np.frombuffer(result.stdout, dtype=np.uint8).reshape(info.height, info.width, 4)


def folder_contents(folder: Path) -> list[str]:
    """Every name in the folder, hidden ones included."""
    return sorted(entry.name for entry in folder.iterdir())


@pytest.fixture(autouse=True)
def no_ffmpeg_left_running() -> Iterator[None]:
    """Every test must end with no ffmpeg child process, running or unreaped."""
    yield
    if PROC.is_dir():
        assert ffmpeg_children() == []


WRITER_CASES = [(Mp4Writer, "run.mp4"), (GifWriter, "run.gif"), (PngSequenceWriter, "frames")]


def test_mp4_round_trip_keeps_size_codec_and_content(tmp_path: Path) -> None:
    frames = moving_square(20)
    target = export_frames(tmp_path / "run.mp4", frames, fps=10)
    info = probe_video(target)
    assert (info.frame_count, info.width, info.height) == (20, WIDTH, HEIGHT)
    assert (info.codec, info.pix_fmt, info.fps) == ("h264", "yuv420p", 10.0)
    decoded = read_video_frames(target)
    assert len(decoded) == 20
    assert np.abs(decoded[0].astype(int) - frames[0][..., :3]).mean() < 6
    for earlier, later in itertools.pairwise(decoded):
        assert np.abs(later.astype(int) - earlier).max() > 100
    assert folder_contents(tmp_path) == ["run.mp4"]


def test_mp4_pads_odd_sizes_by_repeating_the_edge(tmp_path: Path) -> None:
    frames = moving_square(4, width=WIDTH + 1, height=HEIGHT + 1, channels=3)
    target = export_frames(tmp_path / "odd.mp4", frames, fps=30)
    info = probe_video(target)
    assert (info.width, info.height, info.frame_count) == (WIDTH + 2, HEIGHT + 2, 4)
    first = read_video_frames(target)[0].astype(int)
    assert np.abs(first[:, -1] - first[:, -2]).mean() < 6
    assert np.abs(first[-1] - first[-2]).mean() < 6


def test_mp4_at_720p_has_every_frame(tmp_path: Path) -> None:
    target = export_frames(tmp_path / "hd.mp4", moving_square(30, width=1280, height=720), fps=30)
    info = probe_video(target)
    assert (info.frame_count, info.width, info.height, info.fps) == (30, 1280, 720, 30.0)


def test_gif_round_trip_loops_forever_and_keeps_every_frame(tmp_path: Path) -> None:
    target = export_frames(tmp_path / "run.gif", moving_square(20), fps=20)
    data = target.read_bytes()
    assert data.startswith(b"GIF89a")
    assert b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00" in data
    info = probe_video(target)
    assert (info.frame_count, info.width, info.height, info.codec) == (20, WIDTH, HEIGHT, "gif")
    assert info.fps == pytest.approx(20)
    assert folder_contents(tmp_path) == ["run.gif"]


def test_gif_palette_keeps_a_gradient_close(tmp_path: Path) -> None:
    frames = moving_square(8)
    decoded = read_video_frames(export_frames(tmp_path / "gradient.gif", frames, fps=10))
    error = np.abs(decoded[0].astype(int) - frames[0][..., :3])
    assert error.mean() < 6
    assert np.percentile(error, 99) < 32


def test_gif_above_50_fps_drops_frames_to_keep_playback_speed(tmp_path: Path) -> None:
    info = probe_video(export_frames(tmp_path / "fast.gif", moving_square(20), fps=100))
    assert info.frame_count == 10
    assert info.fps == pytest.approx(50)


def test_png_sequence_is_numbered_and_exact(tmp_path: Path) -> None:
    frames = moving_square(5)
    frames[2][..., 3] = np.arange(WIDTH, dtype=np.uint8)[np.newaxis, :] * 4
    target = export_frames(f"{tmp_path}/frames/", frames, fps=10)
    assert folder_contents(target) == [f"frame_{index:05d}.png" for index in range(5)]
    for index, frame in enumerate(frames):
        np.testing.assert_array_equal(read_png_rgba(target / f"frame_{index:05d}.png"), frame)
    assert folder_contents(tmp_path) == ["frames"]


def test_frames_follow_the_channels_of_the_first_frame(tmp_path: Path) -> None:
    rgba, rgb = moving_square(1)[0], moving_square(2, channels=3)[1]
    target = export_frames(f"{tmp_path}/frames/", [rgba, rgb], fps=10)
    np.testing.assert_array_equal(read_png_rgba(target / "frame_00001.png"), np.dstack((rgb, rgba[..., 3])))


@pytest.mark.parametrize("channels", [3, 4])
def test_write_png_single_image_is_exact(tmp_path: Path, channels: int) -> None:
    image = np.random.default_rng(channels).integers(0, 256, (HEIGHT, WIDTH, channels), dtype=np.uint8)
    target = write_png(tmp_path / "still.png", image)
    decoded = read_png_rgba(target)
    np.testing.assert_array_equal(decoded[..., :channels], image)
    assert folder_contents(tmp_path) == ["still.png"]


def test_png_sequence_refuses_a_folder_with_files_but_fills_an_empty_one(tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep me")
    with pytest.raises(ExportError, match="already has files"):
        writer_for(busy)
    empty = tmp_path / "empty"
    empty.mkdir()
    export_frames(empty, moving_square(2), fps=10)
    assert folder_contents(empty) == ["frame_00000.png", "frame_00001.png"]


@pytest.mark.parametrize(("writer_class", "name"), WRITER_CASES)
def test_abort_leaves_nothing(tmp_path: Path, writer_class: type[FrameWriter], name: str) -> None:
    writer = writer_class()
    writer.setup(tmp_path / name, (WIDTH, HEIGHT), 10)
    for frame in moving_square(5):
        writer.grab_frame(frame)
    writer.abort()
    writer.abort()
    assert not writer.active
    assert folder_contents(tmp_path) == []


@pytest.mark.parametrize(("writer_class", "name"), WRITER_CASES)
def test_exception_inside_saving_leaves_nothing(tmp_path: Path, writer_class: type[FrameWriter], name: str) -> None:
    writer = writer_class()
    with pytest.raises(RuntimeError, match="renderer broke"), writer.saving(tmp_path / name, (WIDTH, HEIGHT), 10):
        for frame in moving_square(3):
            writer.grab_frame(frame)
        raise RuntimeError("renderer broke")
    assert folder_contents(tmp_path) == []


def test_an_existing_target_is_replaced_only_when_finished(tmp_path: Path) -> None:
    target = tmp_path / "run.mp4"
    target.write_bytes(b"previous export")
    writer = Mp4Writer()
    writer.setup(target, (WIDTH, HEIGHT), 10)
    writer.grab_frame(moving_square(1)[0])
    assert target.read_bytes() == b"previous export"
    writer.abort()
    assert target.read_bytes() == b"previous export"
    with writer.saving(target, (WIDTH, HEIGHT), 10):
        writer.grab_frame(moving_square(1)[0])
        assert target.read_bytes() == b"previous export"
    assert probe_video(target).frame_count == 1
    assert folder_contents(tmp_path) == ["run.mp4"]


def test_finished_files_get_ordinary_permissions(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("")
    target = export_frames(tmp_path / "run.mp4", moving_square(2), fps=10)
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


def test_cancelling_from_the_progress_callback_stops_rendering_and_leaves_nothing(tmp_path: Path) -> None:
    rendered: list[int] = []
    progress: list[tuple[int, int]] = []

    def render() -> Iterator[np.ndarray]:
        for index, frame in enumerate(moving_square(10)):
            rendered.append(index)
            yield frame

    def on_progress(done: int, total: int) -> None:
        progress.append((done, total))
        if done == 3:
            raise ExportCancelled()

    with pytest.raises(ExportCancelled):
        export_frames(tmp_path / "run.mp4", render(), fps=10, total=10, progress_callback=on_progress)
    assert progress == [(1, 10), (2, 10), (3, 10)]
    assert rendered == [0, 1, 2]
    assert folder_contents(tmp_path) == []


@pytest.mark.parametrize("folder", ["notes.txt", "missing"])
@pytest.mark.parametrize("name", ["run.mp4", "run.gif", "frames/"])
def test_unwritable_folder_is_reported_before_any_frame(tmp_path: Path, folder: str, name: str) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    rendered: list[np.ndarray] = []

    def render() -> Iterator[np.ndarray]:
        rendered.append(np.zeros((HEIGHT, WIDTH, 4), dtype=np.uint8))
        yield rendered[-1]

    path = f"{tmp_path / folder}/{name}"
    message = "is not a folder" if folder == "notes.txt" else "does not exist"
    with pytest.raises(ExportError, match=message):
        writer_for(path)
    with pytest.raises(ExportError, match=message):
        export_frames(path, render(), fps=10)
    assert rendered == []


@pytest.mark.parametrize(("refusal", "message"), [
    # /proc exists but takes no files: "the system refuses a new file there: No such file or directory" contradicted
    # the folder being there
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), "the folder {folder} cannot be written to"),
    (OSError(errno.EOPNOTSUPP, "Operation not supported"), "the folder {folder} cannot be written to"),
    (PermissionError(errno.EACCES, "Permission denied"),
     "cannot write in the folder {folder} (the system refuses a new file there: Permission denied)"),
    (OSError(errno.ENOSPC, "No space left on device"),
     "cannot write in the folder {folder} (the system refuses a new file there: No space left on device)"),
])
def test_a_folder_refusing_new_files_is_named_with_what_is_known(tmp_path: Path, monkeypatch, refusal: OSError,
                                                                 message: str) -> None:
    """The system's reason is given where it says something true of the folder; else the folder just takes no file."""
    def refuse(**_kwargs: object) -> None:
        raise refusal

    monkeypatch.setattr(writers_module.tempfile, "TemporaryFile", refuse)
    with pytest.raises(ExportError) as refused:
        writer_for(tmp_path / "run.mp4")
    assert str(refused.value) == message.format(folder=tmp_path)


@pytest.mark.skipif(not PROC.is_dir(), reason="needs a folder that exists and takes no files")
def test_exporting_into_proc_says_the_folder_cannot_be_written_to() -> None:
    with pytest.raises(ExportError, match=r"^the folder /proc cannot be written to$"):
        writer_for(PROC / "x.mp4")


def test_writer_for_chooses_by_extension_or_folder(tmp_path: Path) -> None:
    assert isinstance(writer_for(tmp_path / "run.MP4"), Mp4Writer)
    assert isinstance(writer_for(tmp_path / "run.gif"), GifWriter)
    assert isinstance(writer_for(f"{tmp_path}/frames/"), PngSequenceWriter)
    assert isinstance(writer_for(tmp_path), PngSequenceWriter)
    with pytest.raises(ExportError, match=r"'\.avi'.*\.mp4, \.gif"):
        writer_for(tmp_path / "run.avi")
    with pytest.raises(ExportError, match="no extension"):
        writer_for(tmp_path / "run")
    with pytest.raises(ExportError, match="single image"):
        writer_for(tmp_path / "still.png")


def test_a_frame_of_another_size_is_refused_clearly(tmp_path: Path) -> None:
    writer = Mp4Writer()
    writer.setup(tmp_path / "run.mp4", (WIDTH, HEIGHT), 10)
    writer.grab_frame(moving_square(1)[0])
    with pytest.raises(ExportError, match=r"frame 1 is 32×24 pixels but this export is 64×48"):
        writer.grab_frame(moving_square(1, width=32, height=24)[0])
    assert not writer.active
    assert folder_contents(tmp_path) == []


def test_a_frame_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    writer = GifWriter()
    writer.setup(tmp_path / "run.gif", (WIDTH, HEIGHT), 10)
    with pytest.raises(ExportError, match="frame 0 must be a uint8 array"):
        writer.grab_frame(np.zeros((HEIGHT, WIDTH, 4), dtype=float))
    assert folder_contents(tmp_path) == []


def test_finishing_without_frames_is_an_error_and_leaves_nothing(tmp_path: Path) -> None:
    writer = GifWriter()
    writer.setup(tmp_path / "run.gif", (WIDTH, HEIGHT), 10)
    with pytest.raises(ExportError, match="no frames"):
        writer.finish()
    assert folder_contents(tmp_path) == []


def test_encoder_failure_carries_ffmpegs_message(tmp_path: Path) -> None:
    writer = Mp4Writer(preset="no-such-preset")
    expected = r"encoding run\.mp4 failed \(ffmpeg exit code [1-9]\d*\): .*invalid preset 'no-such-preset'"
    with pytest.raises(ExportError, match=expected), writer.saving(tmp_path / "run.mp4", (WIDTH, HEIGHT), 10):
        for frame in moving_square(20):
            writer.grab_frame(frame)
    assert folder_contents(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="the stand-in ffmpeg is a shell script")
@pytest.mark.parametrize(("writer_class", "name"), WRITER_CASES[:2])
def test_disk_full_is_reported_with_ffmpegs_last_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer_class: type[FrameWriter], name: str
) -> None:
    failing = tmp_path / "failing-encoder"
    failing.write_text(
        "#!/bin/sh\necho 'frame=1 noise' >&2\necho 'Error writing output: No space left on device' >&2\nexit 1\n"
    )
    failing.chmod(0o755)
    monkeypatch.setattr(writers, "ffmpeg_executable", lambda: str(failing))
    output = tmp_path / "out"
    output.mkdir()
    with pytest.raises(ExportError, match="No space left on device"):
        export_frames(output / name, moving_square(5), fps=10, writer=writer_class())
    assert folder_contents(output) == []


def test_a_gif_being_encoded_stops_at_once_when_asked(tmp_path: Path, slow_ffmpeg: list[subprocess.Popen]) -> None:
    """A window closed while its GIF was encoded left ffmpeg running for half a minute after gradviz had quit."""
    import threading
    import time

    writer = GifWriter()
    writer.setup(tmp_path / "run.gif", (WIDTH, HEIGHT), 10)
    for frame in moving_square(5):
        writer.grab_frame(frame)
    started = slow_ffmpeg
    threading.Timer(0.3, writer.stop).start()
    begun = time.perf_counter()
    with pytest.raises(ExportCancelled, match=r"colour palette for run\.gif was stopped"):
        writer.finish()
    assert time.perf_counter() - begun < 5.0 and started[0].poll() is not None, "the encoder killed, not waited for"
    assert folder_contents(tmp_path) == [] and not writer.active

    writer.setup(tmp_path / "run.gif", (WIDTH, HEIGHT), 10)
    writer.grab_frame(moving_square(1)[0])
    writer.stop()
    with pytest.raises(ExportCancelled):
        writer.finish()
    assert len(started) == 1, "asked to stop first: no encoder started"

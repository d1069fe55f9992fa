"""Frame writers for exported descent runs: H.264 MP4, looping GIF and PNG sequences, fed one frame at a time.

A writer follows the protocol ``setup(path, size, fps)`` / ``grab_frame(image)`` / ``finish()``; ``abort()``
and the ``saving()`` context manager stop early. Frames are numpy uint8 arrays shaped (height, width, 4) RGBA
or (height, width, 3) RGB, all of one size. Video encoding runs in the ffmpeg binary shipped with the
imageio-ffmpeg wheel, fed raw frames over a pipe.

Nothing unfinished ever sits at the target name: output goes to a hidden ``.<name>.<random>.partial`` file or
folder beside the target and is renamed onto it only once complete. Any failure, cancellation or exception
inside ``saving()`` stops ffmpeg and deletes the partial output; an ``ExportError`` raised by a writer means
it has already cleaned up after itself.
"""

from __future__ import annotations

import errno
import itertools
import os
import queue
import re
import secrets
import shutil
import struct
import subprocess
import tempfile
import threading
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, ClassVar

import imageio_ffmpeg
import numpy as np

from gradviz.core.errors import GradvizError

ProgressCallback = Callable[[int, int], None]

PNG_FRAME_NAME = "frame_{:05d}.png"
PNG_COMPRESSION_LEVEL = 1
GIF_MAX_FPS = 50.0
FFMPEG_STOP_POLL_SECONDS = 0.1  # how often a running ffmpeg is checked for a stop asked of it
STDERR_HEAD_LINES = 3
STDERR_TAIL_LINES = 2
_FFMPEG_COMPONENT_TAG = re.compile(r"^(?:\[[^\]]* @ 0x[0-9a-f]+\]\s*)+")
_FFMPEG_AFTERMATH = re.compile(
    r"Task finished with error code|Terminating thread with return code|Nothing was written into output file"
    r"|Conversion failed!"
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOUR_TYPES = {3: 2, 4: 6}
_RAW_PIXEL_FORMATS = {3: "rgb24", 4: "rgba"}
_NO_CONSOLE_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)


class ExportError(GradvizError):
    """An export that cannot be started or completed, with a message fit to show a user."""


class ExportCancelled(GradvizError):
    """Raised (typically from a progress callback) to stop an export; the partial output is deleted."""

    def __init__(self, message: str = "export cancelled") -> None:
        super().__init__(message)


def ffmpeg_executable() -> str:
    """The path of the ffmpeg binary bundled with imageio-ffmpeg."""
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:
        raise ExportError(f"the ffmpeg encoder is not available: {error}") from error


def ffmpeg_command(*args: str) -> list[str]:
    """A full ffmpeg command line with the banner hidden."""
    return [ffmpeg_executable(), "-hide_banner", *args]


def stderr_summary(stderr: bytes) -> str:
    """What ffmpeg said, for an error message: its first lines (the cause) and last lines, without the noise."""
    lines: list[str] = []
    for raw_line in stderr.decode("utf-8", "replace").splitlines():
        line = _FFMPEG_COMPONENT_TAG.sub("", raw_line).strip()
        if line and line not in lines and not _FFMPEG_AFTERMATH.search(line):
            lines.append(line)
    if len(lines) > STDERR_HEAD_LINES + STDERR_TAIL_LINES:
        lines = [*lines[:STDERR_HEAD_LINES], "…", *lines[-STDERR_TAIL_LINES:]]
    return " | ".join(lines) or "no message from ffmpeg"


def ffmpeg_failure(what: str, returncode: int | None, stderr: bytes) -> ExportError:
    """The error for an ffmpeg run that did not succeed."""
    status = f"exit code {returncode}" if returncode is not None else "no exit code"
    return ExportError(f"{what} failed (ffmpeg {status}): {stderr_summary(stderr)}")


def run_ffmpeg(args: list[str], what: str, stop: threading.Event | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg to completion, capturing its output; an ExportError names what failed.

    Once `stop` is set (from another thread), ffmpeg is killed and ExportCancelled raised: a window closed while
    a GIF was encoded left ffmpeg running for half a minute after gradviz had quit.
    """
    command = ffmpeg_command(*args)
    if stop is not None and stop.is_set():
        raise ExportCancelled(f"{what} was stopped; nothing was saved")
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   creationflags=_NO_CONSOLE_WINDOW)
    except OSError as error:
        raise ExportError(f"{what} failed: ffmpeg could not be started ({error.strerror})") from error
    with process:
        while True:
            try:
                stdout, stderr = process.communicate(timeout=FFMPEG_STOP_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if stop is not None and stop.is_set():
                    process.kill()
                    process.communicate()
                    raise ExportCancelled(f"{what} was stopped; nothing was saved") from None
    if process.returncode != 0:
        raise ffmpeg_failure(what, process.returncode, stderr)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


class FfmpegPipe:
    """A running ffmpeg that reads raw frames on stdin; its stderr goes to a temporary file for error messages.

    Frames are handed to a feeding thread and written from there, so drawing the next frame goes on while
    ffmpeg, busy encoding, is not yet reading (a frame is far larger than the pipe's buffer).
    """

    QUEUED_FRAMES = 2

    def __init__(self, args: list[str], what: str) -> None:
        self.what = what
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()/kill()
        try:
            self._process = subprocess.Popen(
                ffmpeg_command("-nostats", "-loglevel", "error", *args),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._log,
                creationflags=_NO_CONSOLE_WINDOW,
            )
        except OSError as error:
            self._log.close()
            raise ExportError(f"{what} failed: ffmpeg could not be started ({error.strerror})") from error
        self._frames: queue.Queue[memoryview | None] = queue.Queue(maxsize=self.QUEUED_FRAMES)
        self._broken = threading.Event()
        self._feeder = threading.Thread(target=self._feed, name="ffmpeg feeder", daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        """Write queued frames to ffmpeg until the end marker (after a failed write, only drain the queue)."""
        stdin = self._process.stdin
        assert stdin is not None
        while (data := self._frames.get()) is not None:
            if self._broken.is_set():
                continue
            try:
                stdin.write(data)
            except (OSError, ValueError):
                self._broken.set()

    def write(self, data: memoryview) -> None:
        """Queue one frame's bytes (which must not change afterwards); an ExportError if ffmpeg has stopped."""
        if self._broken.is_set():
            raise self._failure()
        self._frames.put(data)

    def close(self) -> None:
        """Signal the end of the frames and wait for ffmpeg; an ExportError unless it exited 0."""
        self._stop_feeding()
        stdin = self._process.stdin
        assert stdin is not None
        with suppress(OSError):
            stdin.close()
        if self._broken.is_set() or self._process.wait() != 0:
            raise self._failure()
        self._log.close()

    def kill(self) -> None:
        """Stop ffmpeg at once and reap it."""
        if self._process.poll() is None:
            self._process.kill()
        self._stop_feeding()
        self._process.wait()
        for stream in (self._process.stdin, self._log):
            if stream is not None:
                with suppress(OSError):
                    stream.close()

    def _stop_feeding(self) -> None:
        """Let the feeding thread write (or drain) what is queued, and end."""
        if self._feeder.is_alive():
            self._frames.put(None)
            self._feeder.join()

    def _failure(self) -> ExportError:
        returncode = self._process.wait()
        self._log.seek(0)
        return ffmpeg_failure(self.what, returncode, self._log.read())


def raw_input_args(width: int, height: int, channels: int, fps: float, source: str) -> list[str]:
    """ffmpeg input options for headerless RGB(A) frames read from source ('-' for stdin)."""
    return [
        "-f", "rawvideo",
        "-pix_fmt", _RAW_PIXEL_FORMATS[channels],
        "-s", f"{width}x{height}",
        "-r", f"{fps:g}",
        "-i", source,
    ]  # fmt: skip


def encode_png(image: np.ndarray) -> bytes:
    """An 8-bit RGB or RGBA PNG of a uint8 image, with the 'Up' row filter and fast deflate."""
    height, width, channels = image.shape
    rows = np.ascontiguousarray(image).reshape(height, width * channels)
    filtered = np.empty((height, width * channels + 1), dtype=np.uint8)
    filtered[:, 0] = 2
    filtered[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])
    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOUR_TYPES[channels], 0, 0, 0)
    return b"".join(
        (
            _PNG_SIGNATURE,
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(filtered.data, PNG_COMPRESSION_LEVEL)),
            _png_chunk(b"IEND", b""),
        )
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png(path: str | os.PathLike[str], image: np.ndarray) -> Path:
    """Write one RGB or RGBA uint8 image as a PNG, atomically: the target is replaced only once written."""
    return write_atomically(path, encode_png(checked_image(image)))


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a file's bytes beside it, then move them onto it: the target is replaced only once written."""
    target = Path(path)
    partial = partial_path(target, target.suffix)
    try:
        with open(partial, "xb") as file:
            file.write(data)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {error.strerror}") from error
    return target


def checked_image(image: np.ndarray, index: int | None = None) -> np.ndarray:
    """The image as a uint8 (height, width, 3 or 4) array, or an ExportError saying what is wrong."""
    array = np.asarray(image)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] not in _RAW_PIXEL_FORMATS:
        which = "the image" if index is None else f"frame {index}"
        raise ExportError(
            f"{which} must be a uint8 array shaped (height, width, 3 or 4), not {array.dtype} {array.shape}"
        )
    return array


def with_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """The image with 3 (alpha dropped) or 4 (opaque alpha added) channels."""
    if image.shape[2] == channels:
        return image
    if channels == 3:
        return image[..., :3]
    opaque = np.full((*image.shape[:2], 1), 255, dtype=np.uint8)
    return np.concatenate((image, opaque), axis=2)


def partial_path(target: Path, suffix: str = "") -> Path:
    """A fresh hidden name beside the target for output that is not finished yet."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial{suffix}")


# the system's reasons for refusing a new file that say something true about the folder itself
FOLDER_REASONS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT})


def check_writable_folder(folder: Path) -> None:
    """An ExportError unless the folder exists and a file can be created in it."""
    if not folder.exists():
        raise ExportError(f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder, so nothing can be saved inside it")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        if error.errno in FOLDER_REASONS:
            raise ExportError(f"cannot write in the folder {folder} (the system refuses a new file there: "
                              f"{error.strerror})") from error
        # the system's other reasons are about the file tried there: "No such file or directory" for a folder that
        # exists (/proc) contradicted it
        raise ExportError(f"the folder {folder} cannot be written to") from error


def no_frames_error(target: Path) -> ExportError:
    """The error for an export that received no frames."""
    return ExportError(f"no frames were given, so {target.name} was not written")


def _checked_size(size: tuple[int, int]) -> tuple[int, int]:
    """(width, height) as positive ints, or a ValueError."""
    width, height = (int(value) for value in size)
    if width <= 0 or height <= 0:
        raise ValueError(f"frame size must be positive, got {width}×{height}")
    return width, height


class FrameWriter(ABC):
    """Base of the writers: checks targets and frames, keeps output partial until finish(), cleans up on failure."""

    description: ClassVar[str]
    plays: ClassVar[bool] = True  # a video, which holds its last frame; numbered frames are one per picture

    def __init__(self) -> None:
        self._target: Path | None = None
        self.stopping = threading.Event()  # set by stop(), from any thread, while finish() encodes
        self.width = 0
        self.height = 0
        self.fps = 0.0
        self.channels = 0
        self.frame_count = 0

    @property
    def active(self) -> bool:
        """Whether setup() was called and neither finish() nor abort() has ended the export yet."""
        return self._target is not None

    @property
    def target(self) -> Path:
        """Where the finished output will be."""
        if self._target is None:
            raise RuntimeError("the writer is not set up")
        return self._target

    def check_target(self, path: str | os.PathLike[str]) -> Path:
        """The target as a Path, or an ExportError if it cannot be written; call before rendering starts."""
        target = Path(path)
        if target.is_dir():
            raise ExportError(f"{target} is a folder; give a file name ending in {self.description}")
        check_writable_folder(target.parent)
        return target

    def setup(self, path: str | os.PathLike[str], size: tuple[int, int], fps: float) -> None:
        """Start an export of frames of size (width, height) at fps frames per second to path."""
        if self.active:
            raise RuntimeError("the writer is already exporting; finish() or abort() first")
        if not fps > 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.stopping.clear()
        self.width, self.height = _checked_size(size)
        self.fps = float(fps)
        self.channels = 0
        self.frame_count = 0
        target = self.check_target(path)
        self._attempt(self._open, target)
        self._target = target

    def grab_frame(self, image: np.ndarray) -> None:
        """Add one frame, a uint8 RGBA or RGB array of the set-up size."""
        target = self.target
        self._attempt(self._add_frame, target, image)

    def finish(self) -> Path:
        """Complete the export and move it onto the target; returns the target path."""
        target = self.target
        if self.frame_count == 0:
            self.abort()
            raise no_frames_error(target)
        self._attempt(self._publish, target)
        self._target = None
        return target

    def stop(self) -> None:
        """From any thread: end a finish() still encoding with ExportCancelled, ffmpeg killed, nothing saved."""
        self.stopping.set()

    def abort(self) -> None:
        """Stop the export, killing ffmpeg and deleting partial output; does nothing if no export is running."""
        if self._target is not None:
            self._target = None
            self._discard()

    @contextmanager
    def saving(self, path: str | os.PathLike[str], size: tuple[int, int], fps: float) -> Iterator[FrameWriter]:
        """Set up, yield self for grab_frame() calls, then finish; any exception inside aborts instead."""
        self.setup(path, size, fps)
        try:
            yield self
        except BaseException:
            self.abort()
            raise
        self.finish()

    def _attempt(self, step: Callable[..., None], target: Path, *args: object) -> None:
        """Run one step; on any failure clean up, turning OS errors into an ExportError."""
        try:
            step(target, *args)
        except BaseException as error:
            self._target = target
            self.abort()
            if isinstance(error, OSError):
                raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
            raise

    def _add_frame(self, target: Path, image: np.ndarray) -> None:
        """Check one frame against the set-up size and hand it to the subclass."""
        array = checked_image(image, self.frame_count)
        height, width = array.shape[:2]
        if (width, height) != (self.width, self.height):
            raise ExportError(
                f"frame {self.frame_count} is {width}×{height} pixels but this export is "
                f"{self.width}×{self.height}; all frames must have the same size"
            )
        self.channels = self.channels or array.shape[2]
        self._write(target, np.ascontiguousarray(with_channels(array, self.channels)))
        self.frame_count += 1

    @abstractmethod
    def _open(self, target: Path) -> None:
        """Prepare partial output for the target."""

    @abstractmethod
    def _write(self, target: Path, image: np.ndarray) -> None:
        """Write one checked, contiguous frame with self.channels channels."""

    @abstractmethod
    def _publish(self, target: Path) -> None:
        """Complete the partial output and move it onto the target."""

    @abstractmethod
    def _discard(self) -> None:
        """Stop any ffmpeg and delete partial output; must be safe to call at any stage."""


class Mp4Writer(FrameWriter):
    """H.264 MP4 in yuv420p with BT.709 colour and fast start, so it plays in browsers, PowerPoint and Keynote.

    H.264 in yuv420p needs even dimensions: an odd width or height is padded by one pixel on the right or
    bottom, repeating the edge column or row, so a 641×361 export gives a 642×362 video.
    """

    description = ".mp4"

    def __init__(self, crf: int = 20, preset: str = "veryfast", tune: str | None = "animation") -> None:
        super().__init__()
        if not 0 <= crf <= 51:
            raise ValueError(f"crf must be between 0 and 51, got {crf}")
        self.crf = crf
        self.preset = preset
        self.tune = tune
        self._partial: Path | None = None
        self._encoder: FfmpegPipe | None = None

    @property
    def video_size(self) -> tuple[int, int]:
        """(width, height) of the encoded video: the frame size rounded up to even numbers."""
        return self.width + self.width % 2, self.height + self.height % 2

    def encoder_args(self, partial: Path) -> list[str]:
        """ffmpeg options reading raw frames from stdin and writing the MP4 to partial."""
        tune = ["-tune", self.tune] if self.tune else []
        return [
            "-y",
            *raw_input_args(*self.video_size, self.channels, self.fps, "-"),
            "-an",
            "-vf", "scale=out_color_matrix=bt709:out_range=tv",
            "-c:v", "libx264", "-preset", self.preset, *tune, "-crf", str(self.crf),
            "-pix_fmt", "yuv420p",
            "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
            "-movflags", "+faststart",
            "-f", "mp4", str(partial),
        ]  # fmt: skip

    def _open(self, target: Path) -> None:
        self._partial = partial_path(target, ".mp4")

    def _write(self, target: Path, image: np.ndarray) -> None:
        if self._encoder is None:
            assert self._partial is not None
            self._encoder = FfmpegPipe(self.encoder_args(self._partial), f"encoding {target.name}")
        pad_rows, pad_columns = self.height % 2, self.width % 2
        if pad_rows or pad_columns:
            image = np.pad(image, ((0, pad_rows), (0, pad_columns), (0, 0)), mode="edge")
        self._encoder.write(image.data)

    def _publish(self, target: Path) -> None:
        assert self._encoder is not None and self._partial is not None
        self._encoder.close()
        self._encoder = None
        os.replace(self._partial, target)
        self._partial = None

    def _discard(self) -> None:
        if self._encoder is not None:
            self._encoder.kill()
            self._encoder = None
        if self._partial is not None:
            self._partial.unlink(missing_ok=True)
            self._partial = None


class _PartialFolderWriter(FrameWriter):
    """A writer whose partial output is a hidden working folder beside the target."""

    def __init__(self) -> None:
        super().__init__()
        self._folder: Path | None = None

    def _open(self, target: Path) -> None:
        folder = partial_path(target)
        folder.mkdir()
        self._folder = folder

    def _discard(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


class GifWriter(_PartialFolderWriter):
    """Looping GIF with a palette made for the whole animation (two ffmpeg passes over the collected frames).

    Frames are collected raw in the working folder; finish() computes one 256-colour palette from every pixel of
    every frame (palettegen stats_mode=full: one weighted towards what moves banded the 3D surface's smooth
    colours), then maps the frames onto it with fine ordered dithering (the same pattern in every frame),
    redrawing only the changed rectangle of each frame so still parts do not shimmer. Browsers play GIF frames no
    faster than 50 per second, so at a higher fps frames are dropped to keep the playback speed right.
    """

    description = ".gif"
    frames_name: ClassVar[str] = "frames.raw"
    palette_name: ClassVar[str] = "palette.png"
    output_name: ClassVar[str] = "output.gif"

    def __init__(self) -> None:
        super().__init__()
        self._frames: IO[bytes] | None = None

    def _open(self, target: Path) -> None:
        super()._open(target)
        assert self._folder is not None
        self._frames = open(self._folder / self.frames_name, "wb")  # noqa: SIM115 - closed in _publish/_discard

    def _write(self, target: Path, image: np.ndarray) -> None:
        assert self._frames is not None
        self._frames.write(image.data)

    def _publish(self, target: Path) -> None:
        assert self._frames is not None and self._folder is not None
        self._frames.close()
        frames = raw_input_args(self.width, self.height, self.channels, self.fps, str(self._folder / self.frames_name))
        palette = str(self._folder / self.palette_name)
        output = self._folder / self.output_name
        mapping = "paletteuse=dither=bayer:bayer_scale=3:diff_mode=rectangle"
        if self.fps > GIF_MAX_FPS:
            mapping = f"[0:v]fps={GIF_MAX_FPS:g}[frames];[frames][1:v]{mapping}"
        run_ffmpeg(
            ["-y", *frames, "-vf", "palettegen=stats_mode=full", "-frames:v", "1", "-update", "1", palette],
            f"making the colour palette for {target.name}", self.stopping,
        )
        run_ffmpeg(
            [
                "-y", *frames, "-i", palette,
                "-lavfi", mapping,
                "-loop", "0", "-f", "gif", str(output),
            ],
            f"encoding {target.name}", self.stopping,
        )  # fmt: skip
        os.replace(output, target)
        self._discard()

    def _discard(self) -> None:
        if self._frames is not None:
            self._frames.close()
            self._frames = None
        super()._discard()


class PngSequenceWriter(_PartialFolderWriter):
    """Numbered PNGs frame_00000.png, frame_00001.png, ... in a new folder.

    The target folder must not exist yet or be empty (a non-empty folder is refused rather than mixed with
    old frames). Frames go into a hidden working folder beside it, renamed to the target at the end.
    """

    description = "a folder path ending in '/'"
    plays = False

    def check_target(self, path: str | os.PathLike[str]) -> Path:
        target = Path(path)
        if target.exists():
            if not target.is_dir():
                raise ExportError(f"{target} is a file; PNG frames need a folder that is new or empty")
            if any(target.iterdir()):
                raise ExportError(f"the folder {target} already has files in it; choose a new or empty folder")
        check_writable_folder(target.parent)
        return target

    def _write(self, target: Path, image: np.ndarray) -> None:
        assert self._folder is not None
        (self._folder / PNG_FRAME_NAME.format(self.frame_count)).write_bytes(encode_png(image))

    def _publish(self, target: Path) -> None:
        assert self._folder is not None
        if target.exists():
            self.check_target(target)
            target.rmdir()
        self._folder.rename(target)
        self._folder = None


WRITERS_BY_SUFFIX: dict[str, type[FrameWriter]] = {".mp4": Mp4Writer, ".gif": GifWriter}


FILE_SUFFIXES = (*WRITERS_BY_SUFFIX, ".png", ".svg")  # an existing folder named so is a mistake, not a target


def is_folder_path(path: str | os.PathLike[str]) -> bool:
    """Whether the path names a folder: it ends with a path separator, or is an existing folder not named like a file.

    A folder called NAME.mp4 (or .gif, .png, .svg) is not taken for a folder of frames: the export is refused there.
    """
    text = os.fspath(path)
    return text.endswith(("/", os.sep)) or (Path(text).is_dir() and Path(text).suffix.lower() not in FILE_SUFFIXES)


def writer_for(path: str | os.PathLike[str]) -> FrameWriter:
    """The writer for a target path (.mp4, .gif, or a folder for PNG frames), its folder checked writable."""
    if is_folder_path(path):
        writer: FrameWriter = PngSequenceWriter()
    else:
        suffix = Path(path).suffix.lower()
        if suffix == ".png":
            raise ExportError(
                f"{path} is a single image; for an animation as PNG frames give a folder path ending in '/'"
            )
        if suffix not in WRITERS_BY_SUFFIX:
            known = ", ".join(WRITERS_BY_SUFFIX)
            shown = f"'{suffix}'" if suffix else "no extension"
            raise ExportError(
                f"cannot export to {path} ({shown}): use {known}, or a folder path ending in '/' for PNG frames"
            )
        writer = WRITERS_BY_SUFFIX[suffix]()
    writer.check_target(path)
    return writer


def export_frames(
    path: str | os.PathLike[str],
    frames: Iterable[np.ndarray],
    fps: float,
    *,
    total: int | None = None,
    progress_callback: ProgressCallback | None = None,
    writer: FrameWriter | None = None,
) -> Path:
    """Write frames (rendered lazily if an iterator) to path and return it.

    The target is checked before the first frame is drawn. progress_callback(i, n) is called after each frame
    with i frames written so far and n the total (total, else len(frames), else 0 when unknown); it may raise
    ExportCancelled, which deletes the partial output and propagates.
    """
    if writer is None:
        writer = writer_for(path)
    else:
        writer.check_target(path)
    count = total if total is not None else (len(frames) if isinstance(frames, Sized) else 0)
    iterator = iter(frames)
    first = next(iterator, None)
    if first is None:
        raise no_frames_error(Path(path))
    height, width = checked_image(first, 0).shape[:2]
    with writer.saving(path, (width, height), fps):
        for done, image in enumerate(itertools.chain((first,), iterator), start=1):
            writer.grab_frame(image)
            if progress_callback is not None:
                progress_callback(done, count)
    return Path(path)

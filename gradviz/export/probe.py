"""Reading exported videos back with the bundled ffmpeg: stream facts and decoded frames, for checks and tests."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from gradviz.export.writers import ExportError, run_ffmpeg

_VIDEO_STREAM = re.compile(
    r"Stream #\d+:\d+\S*: Video: (?P<codec>\w+)[^,]*, (?P<pix_fmt>\w+)(?:\([^)]*\))?, (?P<width>\d+)x(?P<height>\d+)"
)
_RATE = re.compile(r"(?P<value>[\d.]+)(?P<kilo>k?) (?P<unit>tbr|fps)\b")
_FRAME_COUNT = re.compile(r"^frame=(\d+)$", re.MULTILINE)


@dataclass(frozen=True)
class VideoInfo:
    """What ffmpeg reports about the first video stream of a file."""

    frame_count: int
    width: int
    height: int
    codec: str
    pix_fmt: str
    fps: float


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Frame count (by reading every packet), size, codec, pixel format and frame rate of a video or GIF."""
    result = run_ffmpeg(
        ["-nostats", "-i", os.fspath(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-progress", "pipe:1", "-"],
        f"reading {os.fspath(path)}",
    )
    stderr = result.stderr.decode("utf-8", "replace")
    stream_line = next((line for line in stderr.splitlines() if _VIDEO_STREAM.search(line)), None)
    counts = _FRAME_COUNT.findall(result.stdout.decode("ascii", "replace"))
    if stream_line is None or not counts:
        raise ExportError(f"no video stream found in {os.fspath(path)}")
    stream = _VIDEO_STREAM.search(stream_line)
    assert stream is not None
    return VideoInfo(
        frame_count=int(counts[-1]),
        width=int(stream["width"]),
        height=int(stream["height"]),
        codec=stream["codec"],
        pix_fmt=stream["pix_fmt"],
        fps=_frame_rate(stream_line),
    )


def _frame_rate(stream_line: str) -> float:
    """The stream's frame rate: ffmpeg's tbr (its best guess of the real rate), else its fps; 0 if neither."""
    rates = {
        match["unit"]: float(match["value"]) * (1000 if match["kilo"] else 1) for match in _RATE.finditer(stream_line)
    }
    return rates.get("tbr", rates.get("fps", 0.0))


def read_video_frames(path: str | os.PathLike[str]) -> list[np.ndarray]:
    """Every frame of a video, GIF or image file decoded to uint8 RGB arrays shaped (height, width, 3)."""
    info = probe_video(path)
    result = run_ffmpeg(
        ["-nostats", "-loglevel", "error", "-i", os.fspath(path), "-map", "0:v:0", "-fps_mode", "passthrough",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        f"decoding {os.fspath(path)}",
    )  # fmt: skip
    frame_bytes = info.width * info.height * 3
    count = len(result.stdout) // frame_bytes
    pixels = np.frombuffer(result.stdout, dtype=np.uint8, count=count * frame_bytes)
    return list(pixels.reshape(count, info.height, info.width, 3))

"""Exporting descent runs as MP4, GIF or PNG frames, with the ffmpeg bundled in imageio-ffmpeg. No GUI imports."""

from gradviz.export.probe import VideoInfo, probe_video, read_video_frames
from gradviz.export.writers import (
    ExportCancelled,
    ExportError,
    FrameWriter,
    GifWriter,
    Mp4Writer,
    PngSequenceWriter,
    ProgressCallback,
    encode_png,
    export_frames,
    write_png,
    writer_for,
)

__all__ = [
    "ExportCancelled",
    "ExportError",
    "FrameWriter",
    "GifWriter",
    "Mp4Writer",
    "PngSequenceWriter",
    "ProgressCallback",
    "VideoInfo",
    "encode_png",
    "export_frames",
    "probe_video",
    "read_video_frames",
    "write_png",
    "writer_for",
]

"""3D surface view: the graph of f drawn with OpenGL, with axes, a colour bar and descent runs."""

from __future__ import annotations

import ctypes
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pyqtgraph.opengl as pg_gl
from OpenGL import GL
from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6 import QtCore, QtGui, QtOpenGL, QtWidgets

from gradviz.app.colormaps import DEFAULT_COLORMAP, RUN_SYMBOLS, RgbaColour, colormap_lut, lut_to_uint8, sample_lut
from gradviz.app.view_common import (
    LABEL_GAP,
    LINE_CLEARANCE,
    LINE_SAMPLE_SPACING,
    POINTER_SIZE,
    PROBE_FONT_PIXELS,
    SIMPLIFIED_FROM,
    TEXT_COLOUR,
    ColourLevels,
    FontScaledView,
    SliceLine,
    SurfaceProbeOverlay,
    TagPlacer,
    TrajectoryData,
    bounded_presentation_scale,
    draw_critical_points,
    draw_pointer,
    finite_runs,
    fitted_legend,
    format_tick,
    line_samples,
    moved_inside,
    nice_ticks,
    offset_title,
    path_exit,
    place_critical_tags,
    plotted_range,
    qimage_to_array,
    resolve_index,
    simplified_path_indices,
    spaced_boxes,
    spaced_labels,
    square_around,
    tick_offset,
    widened_range,
)
from gradviz.core.grid import Rim

PRERENDER_EVENT = QtCore.QEvent.Type(QtCore.QEvent.registerEventType())
LAYOUT_ROUNDS = 2  # a layout can ask for another (a label wraps to the width it was given)
BOX_HALF_WIDTH = 1.0
BOX_HEIGHT = 1.0
CURVE_HALF_DEPTH = 0.14
CURVE_HALF_THICKNESS = 0.03  # scene units: the radius of the tube drawn along a one-variable curve…
CURVE_FRONT = 0.06  # …and how far in front of its axis runs and the probe's lines are drawn
FIELD_OF_VIEW = 34.0
TRAJECTORY_LIFT = 0.012 * BOX_HEIGHT
FLOOR_Z = -0.02 * BOX_HEIGHT
SIGHT_SAMPLES = 240  # along the way from a critical point to the camera, to find whether the surface hides it
SIGHT_CLEARANCE = 0.05 * BOX_HEIGHT  # the way starts this far from the point: the mesh near it is not in the way
HIDDEN_MARK_OPACITY = 0.5  # a critical point the surface hides is marked this faintly (as a run's ball behind it is)
LEGEND_SHARE = 0.15  # of the view beside the colour bar, at most, that the probe's legend covers (its notes go first)
BACKGROUND = (1.0, 1.0, 1.0, 1.0)
TickList = Sequence[tuple[float, str]]
UNCLIPPED = (1e9, 1e9)
UNBOXED = ((-1e9, -1e9, -1e9), (1e9, 1e9, 1e9))
FAR_HEIGHT = 1e30 * BOX_HEIGHT  # a run's point beyond the box higher than this is drawn this high
# Clipping boxes are this much larger than the box: lines drawn exactly at its edge keep every fragment.
CLIP_SLACK = 1.0001
# a long run's path (SIMPLIFIED_FROM points or more) is drawn within this much of itself (a sixth of a pixel in a
# 600-pixel view), keeping every SIMPLIFIED_GAP-th point…
SIMPLIFIED_SCENE = 0.0005 * BOX_HALF_WIDTH
SIMPLIFIED_GAP = 64  # …: from the last point kept the path is drawn whole to the ball
COLOUR_BAR_SHARE = 0.16  # of the view's width, kept right of the picture for the colour bar…
LABEL_SHARE = 0.06  # …and this much left of it for the height labels…
WIDE_FRAME = 1.4  # …in frames narrower than this (width / height); the colour bar's labels always get their room
HEIGHT_AXIS_CLEARANCE = 1.6  # font heights: a floor tick label this near the height axis's foot is left out (it read
# as a height: "−1" under L's 20, 40, 60)
COLOUR_TABLE_SIZE = 8192  # entries of the surface's colour table when it follows the map's levels (see _colour_mesh)
BAR_GAP = 0.8  # font heights between the picture and the colour bar…
BAR_WIDTH = 0.9  # …and its width…
BAR_TICK_ROOM = 7.0  # …and pixels from it to its labels (times the presentation scale)
Z_LABEL_OFFSET = 0.6  # font heights between the box's vertical edge and the height labels
MOST_TEXT_ROOM = 0.5  # of the frame's width, at most, kept clear for the colour bar and the height labels
SLICE_WIDTH = 4.0
EDGE_ROOM = 3.0  # pixels kept clear between the frame's left edge and the height labels
TANGENT_WIDTH = 3.0
HALO: RgbaColour = (1.0, 1.0, 1.0, 1.0)
TANGENT_HALO: RgbaColour = (0.08, 0.08, 0.1, 1.0)  # tangents: the slice's colour edged dark, curves edged white
PLANE_FILL: RgbaColour = (0.96, 0.96, 1.0, 0.38)  # drawn in front of the surface, which it touches at the point
PLANE_EDGE: RgbaColour = (0.2, 0.2, 0.26, 0.9)


def labelled_ticks(lo: float, hi: float, target_count: int = 5, offset: float = 0.0) -> list[tuple[float, str]]:
    """Nice ticks inside [lo, hi] paired with their labels, which count from the offset (see tick_offset)."""
    ticks = nice_ticks(lo, hi, target_count)
    step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else max(abs(hi - lo), 1.0)
    return [(float(value), format_tick(float(value) - offset, step)) for value in ticks]


def counted_ticks(value_range: tuple[float, float], title: str) -> tuple[list[tuple[float, str]], str]:
    """An axis's labelled ticks over a range and its title, as the 2D axes count: labels that would need many
    digits (1000.0000002, 1000.0000004 near f = 1000) count from a round offset the title names (f − 1000)."""
    offset = tick_offset(*value_range)
    return labelled_ticks(*value_range, offset=offset), offset_title(title, offset, value_range[1] - value_range[0])


def qmatrix_to_array(matrix: QtGui.QMatrix4x4) -> np.ndarray:
    """A QMatrix4x4 as a row-major 4×4 numpy array (so that clip = M @ [x, y, z, 1])."""
    return np.array(matrix.data(), dtype=np.float64).reshape(4, 4).T


@dataclass(frozen=True)
class SceneMapping:
    """The affine map from data coordinates (x, y, height) into the drawn box; heights are clamped."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    z_range: tuple[float, float]
    half_depth: float = BOX_HALF_WIDTH

    @staticmethod
    def _scaled(values: np.ndarray, span: tuple[float, float], half_size: float) -> np.ndarray:
        """Map values from span onto [-half_size, half_size]."""
        lo, hi = span
        return (np.asarray(values, dtype=np.float64) - lo) / (hi - lo) * (2.0 * half_size) - half_size

    def scene_x(self, xs: np.ndarray) -> np.ndarray:
        """Scene x of data x."""
        return self._scaled(xs, self.x_range, BOX_HALF_WIDTH)

    def scene_y(self, ys: np.ndarray) -> np.ndarray:
        """Scene y of data y."""
        return self._scaled(ys, self.y_range, self.half_depth)

    def scene_z(self, heights: np.ndarray, clamp: bool = True) -> np.ndarray:
        """Scene z of heights, clamped to the display range unless told not to (NaN stays NaN)."""
        lo, hi = self.z_range
        fraction = (np.asarray(heights, dtype=np.float64) - lo) / (hi - lo)
        if clamp:
            with np.errstate(invalid="ignore"):
                fraction = np.clip(fraction, 0.0, 1.0)
        return fraction * BOX_HEIGHT

    def to_scene(self, points: np.ndarray, clamp: bool = True) -> np.ndarray:
        """Map (n, 3) data points (x, y, height) to scene coordinates (heights clamped unless told not to)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        return np.column_stack([self.scene_x(points[:, 0]), self.scene_y(points[:, 1]),
                                self.scene_z(points[:, 2], clamp)])

    def to_data(self, scene_points: np.ndarray) -> np.ndarray:
        """Map (n, 3) scene points back to data coordinates (the inverse of to_scene without clamping)."""
        scene = np.asarray(scene_points, dtype=np.float64).reshape(-1, 3)
        half_sizes = (BOX_HALF_WIDTH, self.half_depth)
        columns = [(scene[:, axis] + half) / (2.0 * half) * (hi - lo) + lo
                   for axis, (half, (lo, hi)) in enumerate(zip(half_sizes, (self.x_range, self.y_range), strict=True))]
        lo, hi = self.z_range
        return np.column_stack([*columns, scene[:, 2] / BOX_HEIGHT * (hi - lo) + lo])


# --------------------------------------------------------------------------------------------
# OpenGL plumbing


_LEGACY_HEADERS = (
    "#version 120\n#define ATTRIBUTE attribute\n#define VARYING varying\n",
    "#version 120\n#define VARYING varying\n#define FRAG_COLOUR gl_FragColor\n#define TEXTURE texture2D\n",
)
_MODERN_HEADERS = (
    "#version 140\n#define ATTRIBUTE in\n#define VARYING out\n",
    "#version 140\n#define VARYING in\nout vec4 frag_colour;\n#define FRAG_COLOUR frag_colour\n"
    "#define TEXTURE texture\n",
)


def _is_core_profile() -> bool:
    """Whether the current context is a core profile (no wide lines, no point-sprite switch)."""
    fmt = QtGui.QOpenGLContext.currentContext().format()
    return fmt.profile() == QtGui.QSurfaceFormat.OpenGLContextProfile.CoreProfile


def _compile_shader(kind: int, source: str) -> int:
    """Compile one shader stage or raise with the driver's log."""
    shader = GL.glCreateShader(kind)
    GL.glShaderSource(shader, source)
    GL.glCompileShader(shader)
    if not GL.glGetShaderiv(shader, GL.GL_COMPILE_STATUS):
        log = GL.glGetShaderInfoLog(shader)
        raise RuntimeError(f"shader compilation failed: {log!r}")
    return shader


class ShaderProgram:
    """A linked GLSL program with its attribute slots fixed and its uniform locations cached."""

    def __init__(self, vertex_body: str, fragment_body: str, attributes: Sequence[str]) -> None:
        """Compile for the current context, choosing GLSL 1.40 or 1.20 by context version."""
        modern = QtGui.QOpenGLContext.currentContext().format().version() >= (3, 1)
        vertex_header, fragment_header = _MODERN_HEADERS if modern else _LEGACY_HEADERS
        stages = [
            _compile_shader(GL.GL_VERTEX_SHADER, vertex_header + vertex_body),
            _compile_shader(GL.GL_FRAGMENT_SHADER, fragment_header + fragment_body),
        ]
        self.program_id = GL.glCreateProgram()
        for stage in stages:
            GL.glAttachShader(self.program_id, stage)
        for slot, name in enumerate(attributes):
            GL.glBindAttribLocation(self.program_id, slot, name)
        GL.glLinkProgram(self.program_id)
        for stage in stages:
            GL.glDeleteShader(stage)
        if not GL.glGetProgramiv(self.program_id, GL.GL_LINK_STATUS):
            raise RuntimeError(f"shader link failed: {GL.glGetProgramInfoLog(self.program_id)!r}")
        self._locations: dict[str, int] = {}

    def location(self, name: str) -> int:
        """The location of a uniform (cached)."""
        if name not in self._locations:
            self._locations[name] = GL.glGetUniformLocation(self.program_id, name)
        return self._locations[name]

    def set_matrix4(self, name: str, matrix: QtGui.QMatrix4x4) -> None:
        """Set a mat4 uniform from a QMatrix4x4."""
        GL.glUniformMatrix4fv(self.location(name), 1, GL.GL_FALSE, np.array(matrix.data(), dtype=np.float32))

    def set_vector(self, name: str, values: Sequence[float]) -> None:
        """Set a float, vec2, vec3 or vec4 uniform."""
        setter = (GL.glUniform1f, GL.glUniform2f, GL.glUniform3f, GL.glUniform4f)[len(values) - 1]
        setter(self.location(name), *(float(v) for v in values))


class VertexBuffer:
    """One OpenGL buffer object holding a float32 or uint32 array; counts its uploads."""

    def __init__(self, target: int = GL.GL_ARRAY_BUFFER) -> None:
        """Remember the target; the GL name is created on the first upload."""
        self.target = target
        self.buffer_id = 0
        self.upload_count = 0

    def upload(self, array: np.ndarray) -> None:
        """Copy the array into the buffer (the current context must be the view's)."""
        if not self.buffer_id:
            self.buffer_id = int(GL.glGenBuffers(1))
        GL.glBindBuffer(self.target, self.buffer_id)
        GL.glBufferData(self.target, array.nbytes, np.ascontiguousarray(array), GL.GL_STATIC_DRAW)
        GL.glBindBuffer(self.target, 0)
        self.upload_count += 1

    def release(self) -> None:
        """Delete the GL buffer (the view's context must be current); the next upload makes a new one."""
        if self.buffer_id:
            GL.glDeleteBuffers(1, [self.buffer_id])
            self.buffer_id = 0

    def bind_attributes(self, layout: Sequence[tuple[int, int]], stride_floats: int) -> None:
        """Bind and enable float attributes given as (slot, component count), packed in order."""
        GL.glBindBuffer(self.target, self.buffer_id)
        offset = 0
        for slot, components in layout:
            GL.glEnableVertexAttribArray(slot)
            GL.glVertexAttribPointer(
                slot, components, GL.GL_FLOAT, GL.GL_FALSE, stride_floats * 4, ctypes.c_void_p(offset * 4)
            )
            offset += components

    @staticmethod
    def unbind_attributes(slots: Sequence[int]) -> None:
        """Disable the attribute slots and unbind the array buffer."""
        for slot in slots:
            GL.glDisableVertexAttribArray(slot)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)



_MESH_VERTEX = """
ATTRIBUTE vec3 a_position;
ATTRIBUTE vec3 a_normal;
ATTRIBUTE float a_level;
uniform mat4 u_mvp;
uniform mat3 u_normal_matrix;
uniform float u_height;
VARYING vec3 v_normal;
VARYING vec2 v_plane;
VARYING float v_fraction;
VARYING float v_level;
void main() {
    gl_Position = u_mvp * vec4(a_position, 1.0);
    v_normal = u_normal_matrix * a_normal;
    v_plane = a_position.xy;
    v_fraction = a_position.z / u_height;
    v_level = a_level;
}
"""
_MESH_FRAGMENT = """
uniform sampler2D u_lut;
uniform vec4 u_grid;          // origin x, origin y, step x, step y (scene units)
uniform vec2 u_line_strength; // grid lines, level lines
uniform float u_line_scale;   // line width in pixels, relative to the usual
VARYING vec3 v_normal;
VARYING vec2 v_plane;
VARYING float v_fraction;
VARYING float v_level;
float line_coverage(float coordinate) {
    float distance_px = abs(fract(coordinate - 0.5) - 0.5) / max(fwidth(coordinate), 1e-6);
    return 1.0 - clamp(distance_px - (0.75 * u_line_scale - 0.5), 0.0, 1.0);
}
void main() {
    vec3 base = TEXTURE(u_lut, vec2(clamp(v_fraction, 0.0, 1.0), 0.5)).rgb;
    vec3 n = normalize(v_normal);
    vec3 light = normalize(vec3(-0.35, 0.55, 1.0));
    vec3 halfway = normalize(light + vec3(0.0, 0.0, 1.0));
    float diffuse = abs(dot(n, light));
    float specular = pow(abs(dot(n, halfway)), 40.0);
    vec3 colour = base * (0.5 + 0.5 * diffuse) + vec3(0.18 * specular);
    vec2 grid = (v_plane - u_grid.xy) / u_grid.zw;
    float grid_line = max(line_coverage(grid.x), line_coverage(grid.y)) * u_line_strength.x;
    float level_line = line_coverage(v_level) * u_line_strength.y * step(-0.25, v_level);
    colour *= 1.0 - max(grid_line, level_line);
    if (!gl_FrontFacing) {
        colour = mix(colour, vec3(dot(colour, vec3(0.3, 0.5, 0.2))), 0.55) * 0.8;
    }
    FRAG_COLOUR = vec4(colour, 1.0);
}
"""

_SPRITE_VERTEX = """
ATTRIBUTE vec3 a_position;
uniform mat4 u_mvp;
uniform float u_size;
VARYING vec2 v_plane;
void main() {
    gl_Position = u_mvp * vec4(a_position, 1.0);
    gl_PointSize = u_size;
    v_plane = a_position.xy;
}
"""
_SPRITE_FRAGMENT = """
uniform vec4 u_colour;
uniform float u_size;
uniform float u_style;  // 0 marker dot, 1 shaded ball, 2 start ring
uniform float u_shape;  // the run's shape (see sprite_shape): 0 circle, 1 square, 2 triangle up, …
uniform vec2 u_clip;
VARYING vec2 v_plane;

// A regular polygon inscribed in the unit circle, a corner at corner_angle: its gauge, 1 on its edge.
float regular_polygon(vec2 q, float sides, float corner_angle) {
    float largest = 0.0;
    for (int i = 0; i < 6; i++) {
        if (float(i) >= sides) break;
        float normal = corner_angle + 3.14159265 * (2.0 * float(i) + 1.0) / sides;
        largest = max(largest, dot(q, vec2(cos(normal), sin(normal))));
    }
    return largest / cos(3.14159265 / sides);
}

// How far out q (y up) lies in the shape: 0 at its centre, 1 on its edge, growing linearly outwards.
float shape_gauge(vec2 q) {
    if (u_shape < 0.5) return length(q);
    if (u_shape < 1.5) return max(abs(q.x), abs(q.y)) / 0.84;
    if (u_shape < 2.5) return max(-q.y, 2.0 * abs(q.x) + q.y);
    if (u_shape < 3.5) return abs(q.x) + abs(q.y);
    if (u_shape < 4.5) return max(q.y, 2.0 * abs(q.x) - q.y);
    if (u_shape < 5.5) return regular_polygon(q, 5.0, 1.5707963);
    if (u_shape < 6.5) return regular_polygon(q, 6.0, 0.0);
    float turn = mod(atan(q.y, q.x) - 1.5707963, 1.2566371) / 1.2566371;  // a fifth of a turn from a point
    return length(q) / mix(0.5, 1.0, abs(turn - 0.5) * 2.0);
}

void main() {
    if (any(greaterThan(abs(v_plane), u_clip))) discard;
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    float r = shape_gauge(vec2(p.x, -p.y));
    float edge = u_shape < 0.5 ? 2.0 / u_size : max(2.0 / u_size, fwidth(r));
    float alpha = 1.0 - smoothstep(1.0 - edge, 1.0, r);
    if (alpha <= 0.0) discard;
    vec3 outline = vec3(0.12);
    vec3 colour;
    if (u_style < 0.5) {
        colour = mix(u_colour.rgb, outline, smoothstep(0.62 - edge, 0.62, r));
    } else if (u_style < 1.5) {
        vec3 n = vec3(p.x, -p.y, sqrt(max(1.0 - dot(p, p), 0.0)));
        float diffuse = max(dot(n, normalize(vec3(-0.4, 0.5, 0.8))), 0.0);
        float shine = pow(max(dot(n, normalize(vec3(-0.3, 0.4, 1.0))), 0.0), 30.0);
        colour = u_colour.rgb * (0.35 + 0.75 * diffuse) + vec3(0.5 * shine);
        colour = mix(colour, outline, smoothstep(0.86 - edge, 0.86, r));
    } else {
        float ring = smoothstep(0.45 - edge, 0.45, r);
        colour = mix(vec3(1.0), u_colour.rgb, ring);
        colour = mix(colour, outline, smoothstep(0.8 - edge, 0.8, r));
    }
    FRAG_COLOUR = vec4(colour, alpha * u_colour.a);
}
"""


# lines and fills in one colour, nothing of them drawn outside a box
_BOXED_VERTEX = """
ATTRIBUTE vec3 a_position;
uniform mat4 u_mvp;
VARYING vec3 v_position;
void main() {
    gl_Position = u_mvp * vec4(a_position, 1.0);
    v_position = a_position;
}
"""
_BOXED_FRAGMENT = """
uniform vec4 u_colour;
uniform vec3 u_low;   // the box: nothing outside it is drawn
uniform vec3 u_high;
VARYING vec3 v_position;
void main() {
    if (any(lessThan(v_position, u_low)) || any(greaterThan(v_position, u_high))) discard;
    FRAG_COLOUR = u_colour;
}
"""


class ShadedItem(pg_gl.GLGraphicsItem.GLGraphicsItem):
    """A GL item that compiles its shader programs lazily inside its own view's context."""

    program_sources: ClassVar[dict[str, tuple[str, str, tuple[str, ...]]]] = {}

    def __init__(self) -> None:
        """Start without compiled programs."""
        super().__init__()
        self._programs: dict[str, ShaderProgram] = {}

    def program(self, name: str) -> ShaderProgram:
        """The named program: the context's (see context_program), looked up on first use."""
        if name not in self._programs:
            self._programs[name] = context_program(*self.program_sources[name])
        return self._programs[name]

    def release_gl(self) -> None:
        """Delete the item's GL buffers (the context must be current); its programs stay with the context."""
        for value in vars(self).values():
            if isinstance(value, VertexBuffer):
                value.release()
            elif isinstance(value, TriangleBuffer):
                value.buffer.release()
        self._programs.clear()

    def pixel_scale(self) -> float:
        """Device pixels per logical pixel of the frame being drawn (for line widths and sizes)."""
        view = self.view()
        return float(getattr(view, "pixel_scale", 1.0)) if view is not None else 1.0

    def size_scale(self) -> float:
        """Device pixels per pixel of line widths and marker sizes: the pixel scale times the presentation scale."""
        view = self.view()
        return self.pixel_scale() * (float(getattr(view, "presentation_scale", 1.0)) if view is not None else 1.0)

    def draw_lines(self, buffer: VertexBuffer, first: int, count: int, colour: Sequence[float], mode: int,
                   box: tuple[Sequence[float], Sequence[float]] = UNBOXED) -> None:
        """Draw count vertices of an (n, 3) position buffer in one colour, only inside the box (lowest, highest)."""
        if count <= 0:
            return
        program = self.program("flat")
        GL.glUseProgram(program.program_id)
        program.set_matrix4("u_mvp", self.mvpMatrix())
        program.set_vector("u_colour", colour)
        program.set_vector("u_low", box[0])
        program.set_vector("u_high", box[1])
        buffer.bind_attributes([(0, 3)], 3)
        GL.glDrawArrays(mode, first, count)
        VertexBuffer.unbind_attributes([0])
        GL.glUseProgram(0)

    @staticmethod
    def set_line_width(width: float) -> None:
        """Set the line width where the profile allows wide lines."""
        if not _is_core_profile():
            GL.glLineWidth(width)


@dataclass(frozen=True)
class MeshBreaks:
    """Where a (ny, nx) mesh must not join its points: drawn there, it would be a wall f never takes.

    ``above`` and ``below`` mark the points clamped to the top and bottom of the box (a triangle with corners
    beyond both ends spans a pole: 1/x at 0); ``cells`` the (ny - 1, nx - 1) cells with a jump of f along one
    of their sides (atan(y/x) across x = 0: see jump_edges). A cell whose corners were all ``moved`` onto the
    rim of f's domain would span a gap in it.
    """

    above: np.ndarray | None = None
    below: np.ndarray | None = None
    cells: np.ndarray | None = None
    moved: np.ndarray | None = None  # points moved off the grid onto the rim of f's domain (see Rim)

    def leaps(self) -> bool:
        """Whether some points lie beyond both ends of the box (a pole may run between them)."""
        return self.above is not None and self.below is not None and bool(self.above.any()) and bool(self.below.any())

    def subgrid(self, rows: np.ndarray, columns: np.ndarray) -> MeshBreaks:
        """The breaks of the mesh over these rows and columns only: a coarse cell is open if a fine one in it is."""
        points = np.ix_(rows, columns)
        cells = None
        if self.cells is not None:
            cells = np.logical_or.reduceat(np.logical_or.reduceat(self.cells, rows[:-1], axis=0), columns[:-1], axis=1)
        moved = None if self.moved is None else self.moved[points]
        if not self.leaps():
            return MeshBreaks(cells=cells, moved=moved)
        return MeshBreaks(self.above[points], self.below[points], cells, moved)


class TriangleBuffer:
    """An index buffer and the triangles waiting to go into it (re-sent only when they changed)."""

    def __init__(self) -> None:
        """Start empty."""
        self.buffer = VertexBuffer(GL.GL_ELEMENT_ARRAY_BUFFER)
        self.pending: np.ndarray | None = None
        self.uploaded: np.ndarray | None = None
        self.index_count = 0

    def upload_pending(self) -> None:
        """Send the pending triangles unless they are the very array already on the GPU."""
        if self.pending is None:
            return
        if self.pending is not self.uploaded:
            self.buffer.upload(self.pending)
            self.uploaded = self.pending
        self.index_count = int(self.pending.size)
        self.pending = None


class SurfaceMeshItem(ShadedItem):
    """A height field drawn from vertex and index buffers uploaded once per surface change.

    Colour comes from height through a colour-map texture; lighting uses normals computed once in
    numpy; triangles touching NaN heights are left out of the index buffer. Large grids also get a
    coarse triangulation (every other grid line) for quick frames while the picture is changing.
    """

    COARSE_ABOVE = 120 * 120

    program_sources: ClassVar = {"mesh": (_MESH_VERTEX, _MESH_FRAGMENT, ("a_position", "a_normal", "a_level"))}

    def __init__(self) -> None:
        """Start empty with the default colour map."""
        super().__init__()
        self.vertex_buffer = VertexBuffer(GL.GL_ARRAY_BUFFER)
        self.triangles = TriangleBuffer()
        self.coarse_triangles = TriangleBuffer()
        self.full_detail = True
        self._vertices: np.ndarray | None = None
        self._lut = lut_to_uint8(colormap_lut(DEFAULT_COLORMAP))
        self._lut_dirty = True
        self._texture_id = 0
        self._grid = (0.0, 0.0, 1.0, 1.0)
        self._line_strength = (0.16, 0.28)
        self.draw_count = 0

    @property
    def upload_count(self) -> int:
        """How many times the mesh geometry has been sent to the GPU."""
        return self.vertex_buffer.upload_count

    def _drawn_triangles(self) -> TriangleBuffer:
        """The full triangulation, or the coarse one for quick frames when there is one."""
        if self.full_detail or self.coarse_triangles.index_count == 0:
            return self.triangles
        return self.coarse_triangles

    @property
    def triangle_count(self) -> int:
        """Triangles drawn at full detail."""
        return self.triangles.index_count // 3

    def set_mesh(
        self, scene_xs: np.ndarray, scene_ys: np.ndarray, scene_zs: np.ndarray, level_coordinates: np.ndarray,
        breaks: MeshBreaks = MeshBreaks(),
    ) -> None:
        """Build the vertex and index arrays of a (ny, nx) height field given in scene units, open at its breaks."""
        finite = np.isfinite(scene_zs)
        vertices = np.empty((*scene_zs.shape, 7), dtype=np.float32)
        vertices[..., 0] = scene_xs[np.newaxis, :]
        vertices[..., 1] = scene_ys[:, np.newaxis]
        vertices[..., 3:6] = grid_normals(scene_xs, scene_ys, scene_zs)
        self._set_vertices(vertices, scene_zs, level_coordinates, finite, breaks)

    def set_grid_points(
        self, points: np.ndarray, normals: np.ndarray, level_coordinates: np.ndarray,
        breaks: MeshBreaks = MeshBreaks(),
    ) -> None:
        """Build the mesh of a (ny, nx) grid of scene points (ny, nx, 3) and their normals, in any shape.

        Triangles join neighbouring points as over a height field; those touching a point with a NaN
        coordinate are left out, and those across the breaks (see grid_triangles).
        """
        finite = np.isfinite(points).all(axis=-1)
        vertices = np.empty((*finite.shape, 7), dtype=np.float32)
        vertices[..., 0:2] = points[..., 0:2]
        vertices[..., 3:6] = normals
        self._set_vertices(vertices, points[..., 2], level_coordinates, finite, breaks)

    def _set_vertices(self, vertices: np.ndarray, heights: np.ndarray, level_coordinates: np.ndarray,
                      finite: np.ndarray, breaks: MeshBreaks) -> None:
        """Fill in the vertices' heights and level coordinates, and make the triangles.

        A point that is not finite gets 0 and −1 (it joins no triangle).
        """
        if finite.all():
            vertices[..., 2] = heights
            vertices[..., 6] = level_coordinates
        else:
            vertices[..., 0:3] = np.where(finite[..., None], vertices[..., 0:3], 0.0)
            vertices[..., 2] = np.where(finite, heights, 0.0)
            vertices[..., 6] = np.where(finite, level_coordinates, -1.0)
        self._vertices = vertices.reshape(-1, 7)
        self.triangles.pending = grid_triangles(finite, breaks)
        coarse = finite.size > self.COARSE_ABOVE
        self.coarse_triangles.pending = (coarse_grid_triangles(finite, breaks) if coarse
                                         else np.zeros(0, dtype=np.uint32))
        self.update()

    def set_colormap(self, lut: np.ndarray) -> None:
        """Use a float (N, 4) lookup table for the height colours."""
        self._lut = lut_to_uint8(lut)
        self._lut_dirty = True
        self.update()

    def set_grid(self, origin: tuple[float, float], step: tuple[float, float]) -> None:
        """Draw faint lines on the surface at origin + k·step (scene units), matching the floor grid."""
        self._grid = (origin[0], origin[1], step[0], step[1])
        self.update()

    def set_line_strength(self, grid: float, levels: float) -> None:
        """How dark the grid lines and the level lines on the surface are (0 hides them)."""
        self._line_strength = (grid, levels)
        self.update()

    def release_gl(self) -> None:
        """Delete the buffers and the colour table's texture (the context must be current)."""
        super().release_gl()
        if self._texture_id:
            GL.glDeleteTextures(1, [self._texture_id])
            self._texture_id = 0

    def _upload_pending(self) -> None:
        """Send new geometry and colour table to the GPU (only when they changed)."""
        if self._vertices is not None:
            self.vertex_buffer.upload(self._vertices)
            self._vertices = None
            self.triangles.upload_pending()
            self.coarse_triangles.upload_pending()
        if self._lut_dirty:
            if not self._texture_id:
                self._texture_id = int(GL.glGenTextures(1))
            GL.glBindTexture(GL.GL_TEXTURE_2D, self._texture_id)
            for parameter, value in (
                (GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR),
                (GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR),
                (GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE),
                (GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE),
            ):
                GL.glTexParameteri(GL.GL_TEXTURE_2D, parameter, value)
            table = self._lut
            most = int(GL.glGetIntegerv(GL.GL_MAX_TEXTURE_SIZE))
            if len(table) > most:  # a driver with smaller textures gets every k-th entry
                table = np.ascontiguousarray(table[:: math.ceil(len(table) / most)])
            GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, len(table), 1, 0, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, table)
            self._lut_dirty = False

    def paint(self) -> None:
        """Draw the mesh, pushed back slightly so lines and runs on it win the depth test."""
        self._upload_pending()
        triangles = self._drawn_triangles()
        if triangles.index_count == 0:
            return
        self.draw_count += 1
        program = self.program("mesh")
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDisable(GL.GL_BLEND)
        GL.glDisable(GL.GL_CULL_FACE)
        GL.glEnable(GL.GL_POLYGON_OFFSET_FILL)
        GL.glPolygonOffset(1.0, 1.0)
        GL.glUseProgram(program.program_id)
        program.set_matrix4("u_mvp", self.mvpMatrix())
        normal_matrix = np.array(self.modelViewMatrix().normalMatrix().data(), dtype=np.float32)
        GL.glUniformMatrix3fv(program.location("u_normal_matrix"), 1, GL.GL_FALSE, normal_matrix)
        program.set_vector("u_height", (BOX_HEIGHT,))
        program.set_vector("u_grid", self._grid)
        program.set_vector("u_line_strength", self._line_strength)
        program.set_vector("u_line_scale", (self.size_scale(),))
        GL.glActiveTexture(GL.GL_TEXTURE0)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self._texture_id)
        GL.glUniform1i(program.location("u_lut"), 0)
        self.vertex_buffer.bind_attributes([(0, 3), (1, 3), (2, 1)], 7)
        GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, triangles.buffer.buffer_id)
        GL.glDrawElements(GL.GL_TRIANGLES, triangles.index_count, GL.GL_UNSIGNED_INT, None)
        GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, 0)
        VertexBuffer.unbind_attributes([0, 1, 2])
        GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
        GL.glUseProgram(0)
        GL.glDisable(GL.GL_POLYGON_OFFSET_FILL)


def gl_failed() -> bool:
    """Whether OpenGL recorded an error since this was last asked (PyOpenGL's check after every call is off)."""
    failed = False
    for _ in range(16):  # one recorded error per call
        if GL.glGetError() == GL.GL_NO_ERROR:
            break
        failed = True
    return failed


def one_sided_mean_derivative(values: np.ndarray, coordinates: np.ndarray, axis: int) -> np.ndarray:
    """Derivative along an axis averaging the forward and backward differences that are finite (else 0)."""
    step_shape = [1, 1]
    step_shape[axis] = -1
    slopes = np.diff(values, axis=axis) / np.diff(coordinates).reshape(step_shape)
    pad_shape = list(values.shape)
    pad_shape[axis] = 1
    padding = np.full(pad_shape, np.nan)
    backward = np.concatenate([padding, slopes], axis=axis)
    forward = np.concatenate([slopes, padding], axis=axis)
    backward_ok, forward_ok = np.isfinite(backward), np.isfinite(forward)
    total = np.where(backward_ok, backward, 0.0) + np.where(forward_ok, forward, 0.0)
    count = backward_ok.astype(np.float64) + forward_ok
    return np.where(count > 0, total / np.maximum(count, 1.0), 0.0)


def uniform_spacing(coordinates: np.ndarray) -> float | np.ndarray:
    """The step of evenly spaced coordinates (np.gradient is twice as quick given it), else the coordinates."""
    steps = np.diff(coordinates)
    if steps.size and np.allclose(steps, steps[0], rtol=1e-9, atol=0.0):
        return float(steps[0])
    return coordinates


def grid_normals(xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> np.ndarray:
    """Unit normals (ny, nx, 3) of the height field zs[j, i] over xs[i], ys[j] (NaN points get upright ones)."""
    if np.isfinite(zs).all():
        dz_dy, dz_dx = np.gradient(zs, uniform_spacing(ys), uniform_spacing(xs))
    else:
        dz_dx = one_sided_mean_derivative(zs, xs, axis=1)
        dz_dy = one_sided_mean_derivative(zs, ys, axis=0)
    upright = 1.0 / np.sqrt(dz_dx * dz_dx + dz_dy * dz_dy + 1.0)  # (−∂z/∂x, −∂z/∂y, 1), made unit
    normals = np.empty((*zs.shape, 3))
    np.multiply(dz_dx, -upright, out=normals[..., 0])
    np.multiply(dz_dy, -upright, out=normals[..., 1])
    normals[..., 2] = upright
    return normals


def tube_room(height_range: tuple[float, float]) -> tuple[float, float]:
    """A curve's height range widened so that its tube, drawn round the curve, fits in the box at both ends.

    Clamped to the box, the tube's lowest and highest points were cut flat: the two minima of the double well.
    """
    low, high = height_range
    margin = (high - low) * CURVE_HALF_THICKNESS / (BOX_HEIGHT - 2.0 * CURVE_HALF_THICKNESS)
    return low - margin, high + margin


def curve_tube(scene_ws: np.ndarray, scene_zs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points and normals (5, n, 3) of a thin tube along the curve (w, z) in the plane y = 0, as a grid of 5 rows.

    Its cross-section is a diamond: below, in front (−y), above and behind the curve, then below again, so
    the grid's triangles face outwards all round, and the normals of the corners make it look round. It is
    as thick seen from any side: a flat strip lying along y was seen edge-on, from the front, wherever the
    curve was steep, and vanished there.
    """
    slopes = one_sided_mean_derivative(scene_zs[None, :], scene_ws, axis=1)[0]
    length = np.sqrt(1.0 + slopes * slopes)
    up = np.stack([-slopes / length, np.zeros_like(slopes), 1.0 / length], axis=-1)  # the curve's upward normal
    front = np.broadcast_to(np.array([0.0, -1.0, 0.0]), up.shape)
    normals = np.stack([-up, front, up, -front, -up])
    centre = np.stack([scene_ws, np.zeros_like(scene_ws), scene_zs], axis=-1)
    points = centre + CURVE_HALF_THICKNESS * normals
    points[..., 2] = np.clip(points[..., 2], 0.0, BOX_HEIGHT)
    return points, normals


def _per_triangle(points: np.ndarray, combine: Callable[..., np.ndarray]) -> np.ndarray:
    """A point mask combined over the corners of each triangle of the grid, in grid_triangles' order."""
    corner_a, corner_b = points[:-1, :-1], points[:-1, 1:]
    corner_c, corner_d = points[1:, :-1], points[1:, 1:]
    return np.stack([combine(combine(corner_a, corner_b), corner_d).ravel(),
                     combine(combine(corner_a, corner_d), corner_c).ravel()], axis=1).ravel()


def cells_across_jumps(jumps: Sequence[np.ndarray], shape: tuple[int, int]) -> np.ndarray | None:
    """The cells of a grid of this shape with a jump along a side (jumps between rows, between columns); None if none.

    One-variable jumps (between samples along the columns) open every cell between those columns.
    """
    if not any(edges.any() for edges in jumps):
        return None
    if len(jumps) == 1:
        return np.broadcast_to(jumps[0], (shape[0] - 1, shape[1] - 1))
    between_rows, between_columns = jumps
    return between_rows[:, :-1] | between_rows[:, 1:] | between_columns[:-1, :] | between_columns[1:, :]


def grid_triangles(finite: np.ndarray, breaks: MeshBreaks = MeshBreaks()) -> np.ndarray:
    """uint32 triangle indices of a (ny, nx) grid, two per cell, leaving out those touching invalid points.

    Triangles across the breaks are left out too: with corners beyond both ends of the box (f leaps past a pole
    there), in a cell with a jump along a side, or in a cell with every corner moved onto the rim of f's domain.
    The two triangles of a cell are kept together, row by row, so the GPU reuses shared vertices.
    """
    ny, nx = finite.shape
    triangles = _all_grid_triangles(ny, nx)
    leaps = breaks.leaps()
    if finite.all() and not leaps and breaks.cells is None and breaks.moved is None:
        return triangles
    keep = _per_triangle(finite, np.logical_and)
    if leaps:
        keep &= ~(_per_triangle(breaks.above, np.logical_or) & _per_triangle(breaks.below, np.logical_or))
    if breaks.cells is not None:
        keep &= ~np.repeat(breaks.cells.ravel(), 2)
    if breaks.moved is not None:  # a cell with some corner on the grid lies (mostly) where f is defined
        moved = breaks.moved
        keep &= ~np.repeat((moved[:-1, :-1] & moved[:-1, 1:] & moved[1:, :-1] & moved[1:, 1:]).ravel(), 2)
    return triangles[keep]


def coarse_grid_triangles(finite: np.ndarray, breaks: MeshBreaks = MeshBreaks()) -> np.ndarray:
    """Triangles over every other grid line (and the last ones), as indices into the full (ny, nx) grid."""
    ny, nx = finite.shape
    rows = np.unique(np.append(np.arange(0, ny, 2), ny - 1))
    columns = np.unique(np.append(np.arange(0, nx, 2), nx - 1))
    full_index = (rows[:, None] * nx + columns[None, :]).ravel().astype(np.uint32)
    return full_index[grid_triangles(finite[np.ix_(rows, columns)], breaks.subgrid(rows, columns))]


@functools.lru_cache(maxsize=4)
def _all_grid_triangles(ny: int, nx: int) -> np.ndarray:
    """Both triangles of every cell of a (ny, nx) grid (cached: grids keep their size while the domain moves)."""
    index = np.arange(ny * nx, dtype=np.uint32).reshape(ny, nx)
    triangles = np.empty((ny - 1, nx - 1, 2, 3), dtype=np.uint32)
    triangles[..., 0, 0] = triangles[..., 1, 0] = index[:-1, :-1]
    triangles[..., 0, 1] = index[:-1, 1:]
    triangles[..., 0, 2] = triangles[..., 1, 1] = index[1:, 1:]
    triangles[..., 1, 2] = index[1:, :-1]
    triangles = triangles.reshape(-1, 3)
    triangles.flags.writeable = False
    return triangles


def level_coordinates(heights: np.ndarray, levels: np.ndarray, fallback_step: float) -> np.ndarray:
    """Fractional position of each height among ascending levels: integers on the levels.

    Held between -0.5 and n - 0.5 beyond the ends, so that no line appears where there is no level.
    """
    count = len(levels)
    coordinates = np.interp(heights, levels, np.arange(count, dtype=np.float64))
    step_below = levels[1] - levels[0] if count > 1 else fallback_step
    step_above = levels[-1] - levels[-2] if count > 1 else fallback_step
    with np.errstate(invalid="ignore"):
        below = np.maximum((heights - levels[0]) / step_below, -0.5)
        above = np.minimum(count - 1 + (heights - levels[-1]) / step_above, count - 0.5)
        coordinates = np.where(heights < levels[0], below, coordinates)
        return np.where(heights > levels[-1], above, coordinates)


class SceneFrameItem(ShadedItem):
    """The box around the plot: light back walls and floor with grid lines at the ticks."""

    program_sources: ClassVar = {"flat": (_BOXED_VERTEX, _BOXED_FRAGMENT, ("a_position",))}
    PANE_COLOUR = (0.955, 0.957, 0.965, 1.0)
    GRID_COLOUR = (0.80, 0.81, 0.84, 1.0)
    EDGE_COLOUR = (0.45, 0.46, 0.50, 1.0)

    def __init__(self) -> None:
        """Start with no ticks."""
        super().__init__()
        self.pane_buffer = VertexBuffer()
        self.grid_buffer = VertexBuffer()
        self.edge_buffer = VertexBuffer()
        self._counts = (0, 0, 0)
        self._ticks: tuple[np.ndarray, np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0), np.zeros(0))
        self._half_depth = BOX_HALF_WIDTH
        self._built_key: tuple | None = None

    def set_frame(self, scene_x_ticks: np.ndarray, scene_y_ticks: np.ndarray, scene_z_ticks: np.ndarray,
                  half_depth: float) -> None:
        """Tick positions in scene units along each axis and the half depth of the box."""
        self._ticks = (np.asarray(scene_x_ticks), np.asarray(scene_y_ticks), np.asarray(scene_z_ticks))
        self._half_depth = half_depth
        self._built_key = None
        self.update()

    def _build(self, back_x: float, back_y: float) -> None:
        """Generate panes, grid and edges for walls on the back sides (signs of x and y)."""
        w, d = BOX_HALF_WIDTH, self._half_depth
        z0, z1 = FLOOR_Z, BOX_HEIGHT
        wall_x, wall_y = back_x * w, back_y * d
        xs, ys, zs = self._ticks

        def quad(p0, p1, p2, p3):
            return [p0, p1, p2, p0, p2, p3]

        panes = (
            quad((-w, -d, z0), (w, -d, z0), (w, d, z0), (-w, d, z0))
            + quad((wall_x, -d, z0), (wall_x, d, z0), (wall_x, d, z1), (wall_x, -d, z1))
            + quad((-w, wall_y, z0), (w, wall_y, z0), (w, wall_y, z1), (-w, wall_y, z1))
        )
        grid = []
        for x in xs:
            grid += [(x, -d, z0), (x, d, z0), (x, wall_y, z0), (x, wall_y, z1)]
        for y in ys:
            grid += [(-w, y, z0), (w, y, z0), (wall_x, y, z0), (wall_x, y, z1)]
        for z in zs:
            grid += [(-w, wall_y, z), (w, wall_y, z), (wall_x, -d, z), (wall_x, d, z)]
        front_x, front_y = -wall_x, -wall_y
        edges = [
            (-w, front_y, z0), (w, front_y, z0), (front_x, -d, z0), (front_x, d, z0),
            (-w, wall_y, z0), (w, wall_y, z0), (wall_x, -d, z0), (wall_x, d, z0),
            (wall_x, wall_y, z0), (wall_x, wall_y, z1), (front_x, wall_y, z0), (front_x, wall_y, z1),
            (wall_x, front_y, z0), (wall_x, front_y, z1),
        ]
        arrays = [np.asarray(part, dtype=np.float32).reshape(-1, 3) for part in (panes, grid, edges)]
        for buffer, array in zip((self.pane_buffer, self.grid_buffer, self.edge_buffer), arrays, strict=True):
            buffer.upload(array)
        self._counts = tuple(len(array) for array in arrays)

    def paint(self) -> None:
        """Draw panes, then grid lines and edges on top of them."""
        view = self.view()
        camera = view.cameraPosition() - view.opts["center"]
        back_x = -1.0 if camera.x() >= 0 else 1.0
        back_y = -1.0 if camera.y() >= 0 else 1.0
        key = (back_x, back_y)
        if self._built_key != key:
            self._build(back_x, back_y)
            self._built_key = key
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDisable(GL.GL_BLEND)
        GL.glEnable(GL.GL_POLYGON_OFFSET_FILL)
        GL.glPolygonOffset(2.0, 2.0)
        self.draw_lines(self.pane_buffer, 0, self._counts[0], self.PANE_COLOUR, GL.GL_TRIANGLES)
        GL.glDisable(GL.GL_POLYGON_OFFSET_FILL)
        self.set_line_width(1.0 * self.size_scale())
        self.draw_lines(self.grid_buffer, 0, self._counts[1], self.GRID_COLOUR, GL.GL_LINES)
        self.set_line_width(1.2 * self.size_scale())
        self.draw_lines(self.edge_buffer, 0, self._counts[2], self.EDGE_COLOUR, GL.GL_LINES)
        self.set_line_width(1.0)


class DrawnRun(NamedTuple):
    """A run as the trajectory item draws it: its vertices in the buffer, its colour and its sprites' shape."""

    first: int
    count: int
    colour: RgbaColour
    shape: float  # see sprite_shape
    kept: np.ndarray | None = None  # a long run: the indices of its simplified path's points…
    kept_first: int = 0  # …which start here in the simplified buffer


def sprite_shape(symbol: str) -> float:
    """The sprite shader's u_shape for a run's shape, named as pyqtgraph names it (RUN_SYMBOLS' order)."""
    return float([name for name, _ in RUN_SYMBOLS].index(symbol))


class TrajectoryItem(ShadedItem):
    """Descent runs over the surface: path so far, point markers, start ring and current ball.

    The path is drawn twice: faintly without depth test (visible through hills), then normally.
    Changing the current index only changes how many vertices are drawn; nothing is uploaded.
    """

    program_sources: ClassVar = {
        "flat": (_BOXED_VERTEX, _BOXED_FRAGMENT, ("a_position",)),
        "sprite": (_SPRITE_VERTEX, _SPRITE_FRAGMENT, ("a_position",)),
    }
    LINE_WIDTH = 3.0
    MARKER_SIZE = 9.0  # room for a shape: at 7 pixels ▲ and ■ read as dots
    START_SIZE = 15.0
    BALL_SIZE = 20.0
    MARKER_LIMIT = 250
    HIDDEN_ALPHA = 0.3

    def __init__(self) -> None:
        """Start with no runs."""
        super().__init__()
        self.buffer = VertexBuffer()
        self.simplified_buffer = VertexBuffer()  # long runs' paths, simplified (see set_runs)
        self._pending: np.ndarray | None = None
        self._simplified_points = np.zeros((0, 3), np.float32)  # long runs' paths, simplified, one after the other
        self._simplified_pending: np.ndarray | None = None
        self._points = np.zeros((0, 3), np.float32)  # every run's points, one after the other
        self._runs: list[DrawnRun] = []
        self._current: list[int] = []
        self._clip = UNCLIPPED  # the sprites are drawn only over the box's floor (half sizes)…
        self._box = UNBOXED  # …and the paths only inside the box (lowest and highest corners)

    @property
    def box(self) -> tuple[Sequence[float], Sequence[float]]:
        """The lowest and highest corners (scene units) of the box outside which no path is drawn."""
        return self._box

    def set_box(self, low: tuple[float, float, float], high: tuple[float, float, float]) -> None:
        """Hide the parts of runs that leave the box (scene units, centred on the z axis).

        A path that leaves it is cut where it does; its marks and ball are hidden outside the box's floor plan (their
        heights are kept within the box, see SurfaceView.run_scene_points).
        """
        self._clip = (high[0], high[1])
        self._box = (low, high)
        self.update()

    def set_runs(self, scene_points: list[np.ndarray], colours: list[RgbaColour], current: list[int],
                 symbols: Sequence[str] = ()) -> None:
        """Replace all runs: points in scene units (already lifted), colours, current indices and shapes.

        symbols name each run's shape as the map's step marks do (pyqtgraph's names; round if not given). A long
        run's path is drawn simplified to SIMPLIFIED_SCENE (its marks and ball stay where they are): jumping the
        clock to the end of a 30,000-step run drew 30,000 smooth lines twice, about 20 ms.
        """
        firsts = np.cumsum([0] + [len(points) for points in scene_points])
        shapes = [sprite_shape(symbol) for symbol in symbols] or [0.0] * len(scene_points)
        kept = [np.union1d(simplified_path_indices(points, SIMPLIFIED_SCENE), np.arange(0, len(points), SIMPLIFIED_GAP))
                if len(points) >= SIMPLIFIED_FROM and np.isfinite(points).all() else None for points in scene_points]
        kept_firsts = np.cumsum([0] + [0 if indices is None else len(indices) for indices in kept])
        self._runs = [
            DrawnRun(int(first), len(points), colour, shape, indices, int(kept_first))
            for first, points, colour, shape, indices, kept_first in zip(
                firsts[:-1], scene_points, colours, shapes, kept, kept_firsts[:-1], strict=True)
        ]
        simplified = [points[indices] for points, indices in zip(scene_points, kept, strict=True)
                      if indices is not None]
        self._simplified_points = self._simplified_pending = (
            np.concatenate(simplified).astype(np.float32) if simplified else np.zeros((0, 3), np.float32))
        self._current = [resolve_index(index, len(points)) for index, points in zip(current, scene_points, strict=True)]
        self._points = self._pending = (
            np.concatenate(scene_points).astype(np.float32) if scene_points else np.zeros((0, 3), np.float32)
        )
        self.update()

    def set_current(self, run: int, index: int) -> None:
        """Move one run's current point (no upload)."""
        self._current[run] = resolve_index(index, self._runs[run].count)
        self.update()

    def exits(self) -> list[tuple[np.ndarray, np.ndarray, RgbaColour]]:
        """For each run whose ball has left the box: where its path last left it, the way it went, its colour.

        Points and directions are in scene units; a run that starts outside the box has none.
        """
        low, high = (np.array(corner) for corner in self._box)
        found = []
        for (first, _count, colour, *_), current in zip(self._runs, self._current, strict=True):
            ball = self._points[first + current]
            if np.all((low <= ball) & (ball <= high)):  # the usual case: the ball is inside
                continue
            leaving = path_exit(self._points[first : first + current + 1].astype(np.float64), low, high)
            if leaving is not None:
                found.append((*leaving, colour))
        return found

    @property
    def run_count(self) -> int:
        """How many runs are drawn."""
        return len(self._runs)

    def ball_points(self) -> np.ndarray:
        """Where the runs' balls are, in scene units: shape (runs, 3)."""
        indices = [run.first + current for run, current in zip(self._runs, self._current, strict=True)]
        return self._points[indices].reshape(-1, 3)

    @property
    def upload_count(self) -> int:
        """How many times run geometry has been uploaded."""
        return self.buffer.upload_count

    def _draw_sprites(self, first: int, count: int, colour: Sequence[float], size: float, style: float,
                      shape: float = 0.0) -> None:
        """Draw count point sprites of one style and shape starting at vertex first."""
        program = self.program("sprite")
        GL.glUseProgram(program.program_id)
        program.set_matrix4("u_mvp", self.mvpMatrix())
        program.set_vector("u_colour", colour)
        program.set_vector("u_size", (size * self.size_scale(),))
        program.set_vector("u_style", (style,))
        program.set_vector("u_shape", (shape,))
        program.set_vector("u_clip", self._clip)
        self.buffer.bind_attributes([(0, 3)], 3)
        GL.glDrawArrays(GL.GL_POINTS, first, count)
        VertexBuffer.unbind_attributes([0])
        GL.glUseProgram(0)

    def path_pieces(self, run: DrawnRun, current: int) -> list[tuple[VertexBuffer, int, int]]:
        """The line strips (buffer, first vertex, vertices) that draw a run's path up to its point current.

        A long run: its simplified path up to the last point kept at or before the ball, then on to the ball.
        """
        if run.kept is None:
            return [(self.buffer, run.first, current + 1)]
        reached = int(np.searchsorted(run.kept, current, side="right"))
        last = int(run.kept[reached - 1])
        return [(self.simplified_buffer, run.kept_first, reached), (self.buffer, run.first + last, current - last + 1)]

    def path_points(self, run_index: int, whole: bool = False) -> np.ndarray:
        """The vertices drawn for a run's path up to its ball (or the whole path), in order (scene units)."""
        arrays = {id(self.buffer): self._points, id(self.simplified_buffer): self._simplified_points}
        run = self._runs[run_index]
        pieces = self.path_pieces(run, run.count - 1 if whole else self._current[run_index])
        return np.concatenate([arrays[id(buffer)][start : start + count] for buffer, start, count in pieces])

    def _draw_run(self, run: DrawnRun, current: int, alpha: float) -> None:
        """Draw one run's path up to its current point, its markers and ball in its shape, and its start ring."""
        first, count, colour, shape = run.first, run.count, run.colour, run.shape
        faded = (colour[0], colour[1], colour[2], colour[3] * alpha)
        drawn = current + 1
        self.set_line_width(self.LINE_WIDTH * self.size_scale())
        smooth = not _is_core_profile()
        if smooth:
            GL.glEnable(GL.GL_LINE_SMOOTH)
        GL.glDepthMask(GL.GL_FALSE)  # the path lies under its own marks, start and ball, not over them
        for buffer, start, vertices in self.path_pieces(run, current):
            self.draw_lines(buffer, start, vertices, faded, GL.GL_LINE_STRIP, self._box)
        GL.glDepthMask(GL.GL_TRUE)
        if smooth:
            GL.glDisable(GL.GL_LINE_SMOOTH)
        self.set_line_width(1.0)
        GL.glDepthFunc(GL.GL_LEQUAL)  # at one point, the sprite drawn later (the ball over the start) is seen
        if count <= self.MARKER_LIMIT and drawn > 2:
            self._draw_sprites(first + 1, drawn - 2, faded, self.MARKER_SIZE, 0.0, shape)
        self._draw_sprites(first, 1, faded, self.START_SIZE, 2.0)
        self._draw_sprites(first + current, 1, faded, self.BALL_SIZE, 1.0, shape)
        GL.glDepthFunc(GL.GL_LESS)

    def paint(self) -> None:
        """Draw the hidden parts faintly, then the visible parts."""
        if self._pending is not None:
            self.buffer.upload(self._pending)
            self._pending = None
        if self._simplified_pending is not None:
            if len(self._simplified_pending):
                self.simplified_buffer.upload(self._simplified_pending)
            self._simplified_pending = None
        if not self._runs:
            return
        if not _is_core_profile():
            GL.glEnable(GL.GL_POINT_SPRITE)
        GL.glEnable(GL.GL_PROGRAM_POINT_SIZE)
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFuncSeparate(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA, GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)
        for depth_test, alpha in ((False, self.HIDDEN_ALPHA), (True, 1.0)):
            (GL.glEnable if depth_test else GL.glDisable)(GL.GL_DEPTH_TEST)
            for run, current in zip(self._runs, self._current, strict=True):
                self._draw_run(run, current, alpha)
        GL.glDisable(GL.GL_BLEND)
        GL.glEnable(GL.GL_DEPTH_TEST)


@dataclass(frozen=True)
class OverlayStroke:
    """A run of vertices of the probe overlay's buffer, drawn as lines (width > 0) or as a translucent fill."""

    first: int
    count: int
    mode: int
    colour: RgbaColour
    width: float = 0.0
    halo: RgbaColour | None = None
    in_front: bool = False  # drawn over everything, like a label; else faint where the surface hides it


class ProbeOverlayItem(ShadedItem):
    """The partial derivatives at the probe on the surface: slice curves, tangent lines and plane, a marker.

    All of it sits in one small vertex buffer, re-sent when the probe moves (the mesh is not touched),
    and is drawn in the per-frame layer on top of the cached surface. Curves and the plane are drawn
    faintly where the surface hides them, fully where it does not; strokes marked in_front (the tangent
    lines, which under a convex surface would be hidden almost entirely) are drawn over everything, like
    labels. Nothing outside the box is drawn.
    """

    program_sources: ClassVar = {
        "boxed": (_BOXED_VERTEX, _BOXED_FRAGMENT, ("a_position",)),
        "sprite": (_SPRITE_VERTEX, _SPRITE_FRAGMENT, ("a_position",)),
    }
    MARKER_SIZE = 13.0
    HIDDEN_ALPHA = 0.38
    MARKER_COLOUR = (1.0, 1.0, 1.0, 1.0)

    def __init__(self) -> None:
        """Start empty."""
        super().__init__()
        self.buffer = VertexBuffer()
        self.scene_vertices = np.zeros((0, 3))
        self.strokes: tuple[OverlayStroke, ...] = ()
        self.marker: int | None = None
        self._pending: np.ndarray | None = None
        self._colour_location = -1
        self._low = (-BOX_HALF_WIDTH, -BOX_HALF_WIDTH, 0.0)
        self._high = (BOX_HALF_WIDTH, BOX_HALF_WIDTH, BOX_HEIGHT)

    @property
    def upload_count(self) -> int:
        """How many times overlay geometry has been sent to the GPU."""
        return self.buffer.upload_count

    @property
    def box(self) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """The lowest and highest corners (scene units) of the box outside which nothing is drawn."""
        return self._low, self._high

    def set_box(self, low: tuple[float, float, float], high: tuple[float, float, float]) -> None:
        """The box (scene units) outside which nothing is drawn."""
        self._low, self._high = low, high
        self.update()

    def set_geometry(self, vertices: np.ndarray, strokes: Sequence[OverlayStroke], marker: int | None) -> None:
        """Replace everything: scene vertices (n, 3), the strokes drawn from them and the marker's vertex."""
        self.scene_vertices = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
        self.strokes = tuple(strokes)
        self.marker = marker
        with np.errstate(over="ignore"):  # a run gone past 3e38 is drawn at infinity (off the box) either way
            self._pending = self.scene_vertices.astype(np.float32)
        self.update()

    def marker_shown(self) -> bool:
        """Whether the probe point's marker is drawn: there is one, inside the box (a run gone off it floated one)."""
        if self.marker is None:
            return False
        position = self.scene_vertices[self.marker]
        return bool(np.all(position >= np.array(self._low)) and np.all(position <= np.array(self._high)))

    def _draw(self, stroke: OverlayStroke, colour: Sequence[float], width: float) -> None:
        """Draw one stroke in one colour, lines at this width (logical pixels), with the boxed program bound."""
        GL.glUniform4f(self._colour_location, *colour)
        if width > 0.0:
            self.set_line_width(width * self.size_scale())
        GL.glDrawArrays(stroke.mode, stroke.first, stroke.count)

    def _bind_boxed_program(self) -> None:
        """Bind the strokes' program and buffer and set what all strokes share (camera and box)."""
        program = self.program("boxed")
        GL.glUseProgram(program.program_id)
        program.set_matrix4("u_mvp", self.mvpMatrix())
        program.set_vector("u_low", self._low)
        program.set_vector("u_high", self._high)
        self._colour_location = program.location("u_colour")
        self.buffer.bind_attributes([(0, 3)], 3)

    def _draw_line(self, stroke: OverlayStroke, colour: Sequence[float], width: float, smooth: bool) -> None:
        """A stroke; an opaque wide line over an aliased core, so its joints let nothing beneath show through.

        The antialiased segments of a wide strip do not quite cover each other at their joints. The core is
        half as wide: aliased wide lines widen along x or y rather than across the line, so a
        sloping core as wide as the line would poke out of it.
        """
        if smooth and width > 2.0 and colour[3] >= 1.0:
            GL.glDisable(GL.GL_LINE_SMOOTH)
            self._draw(stroke, colour, width * 0.5)
            GL.glEnable(GL.GL_LINE_SMOOTH)
        self._draw(stroke, colour, width)

    def _draw_outlined(self, stroke: OverlayStroke, smooth: bool) -> None:
        """A stroke over its halo, if it has one."""
        if stroke.halo is not None:
            self._draw_line(stroke, stroke.halo, stroke.width + 3.0, smooth)
        self._draw_line(stroke, stroke.colour, stroke.width, smooth)

    def _draw_marker(self) -> None:
        """The probe point: a white dot with a dark rim, always in front."""
        program = self.program("sprite")
        GL.glUseProgram(program.program_id)
        program.set_matrix4("u_mvp", self.mvpMatrix())
        program.set_vector("u_colour", self.MARKER_COLOUR)
        program.set_vector("u_size", (self.MARKER_SIZE * self.size_scale(),))
        program.set_vector("u_style", (0.0,))
        program.set_vector("u_shape", (0.0,))  # the program is shared: a run's shape may be set in it
        program.set_vector("u_clip", UNCLIPPED)
        self.buffer.bind_attributes([(0, 3)], 3)
        GL.glDrawArrays(GL.GL_POINTS, self.marker, 1)
        VertexBuffer.unbind_attributes([0])
        GL.glUseProgram(0)

    def paint(self) -> None:
        """Draw the hidden parts faintly, then the visible parts (lines over their halos), then the marker."""
        if self._pending is not None:
            self.buffer.upload(self._pending)
            self._pending = None
        if not self.strokes and self.marker is None:
            return
        smooth = not _is_core_profile()
        if smooth:
            GL.glEnable(GL.GL_LINE_SMOOTH)
            GL.glEnable(GL.GL_POINT_SPRITE)
        GL.glEnable(GL.GL_PROGRAM_POINT_SIZE)
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFuncSeparate(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA, GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)
        GL.glDepthMask(GL.GL_FALSE)
        GL.glDisable(GL.GL_DEPTH_TEST)
        behind = [stroke for stroke in self.strokes if not stroke.in_front]
        self._bind_boxed_program()
        for stroke in behind:
            self._draw_line(stroke, (*stroke.colour[:3], stroke.colour[3] * self.HIDDEN_ALPHA), stroke.width, smooth)
        GL.glEnable(GL.GL_DEPTH_TEST)
        for stroke in behind:
            self._draw_outlined(stroke, smooth)
        GL.glDisable(GL.GL_DEPTH_TEST)
        for stroke in self.strokes:
            if stroke.in_front:
                self._draw_outlined(stroke, smooth)
        VertexBuffer.unbind_attributes([0])
        GL.glUseProgram(0)
        if self.marker_shown():
            self._draw_marker()
        self.set_line_width(1.0)
        if smooth:
            GL.glDisable(GL.GL_LINE_SMOOTH)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glDisable(GL.GL_BLEND)
        GL.glEnable(GL.GL_DEPTH_TEST)


def clip_segment(start: np.ndarray, end: np.ndarray, low: Sequence[float], high: Sequence[float]
                 ) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the segment inside the box [low, high] (any dimension), or None if none of it is."""
    start, end = np.asarray(start, dtype=np.float64), np.asarray(end, dtype=np.float64)
    direction = end - start
    t0, t1 = 0.0, 1.0
    for axis, (lo, hi) in enumerate(zip(low, high, strict=True)):
        if direction[axis] == 0.0:
            if not lo <= start[axis] <= hi:
                return None
            continue
        near, far = sorted(((lo - start[axis]) / direction[axis], (hi - start[axis]) / direction[axis]))
        t0, t1 = max(t0, near), min(t1, far)
        if t0 > t1:
            return None
    return start + t0 * direction, start + t1 * direction


# --------------------------------------------------------------------------------------------
# The widget


class FramebufferPool:
    """Framebuffers with depth, kept by purpose and size so repeated frames reuse them."""

    def __init__(self) -> None:
        """Start empty."""
        self._buffers: dict[str, QtOpenGL.QOpenGLFramebufferObject] = {}

    def clear(self) -> None:
        """Drop every framebuffer (the context must be current)."""
        self._buffers.clear()

    def get(self, purpose: str, width: int, height: int) -> QtOpenGL.QOpenGLFramebufferObject:
        """The framebuffer for this purpose, recreated when the size changed (context must be current)."""
        fbo = self._buffers.get(purpose)
        if fbo is None or fbo.width() != width or fbo.height() != height:
            fbo_format = QtOpenGL.QOpenGLFramebufferObjectFormat()
            fbo_format.setAttachment(QtOpenGL.QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
            fbo = QtOpenGL.QOpenGLFramebufferObject(width, height, fbo_format)
            self._buffers[purpose] = fbo
        return fbo


_OFFSCREEN: dict[int, tuple[QtGui.QOpenGLContext, QtGui.QOffscreenSurface]] = {}  # by the application's id
_PROGRAMS: dict[tuple[str, str, tuple[str, ...]], ShaderProgram] = {}  # that context's, by their sources


def offscreen_context() -> tuple[QtGui.QOpenGLContext, QtGui.QOffscreenSurface]:
    """The one offscreen OpenGL context every 3D view draws with (created on first use, kept by the application).

    One context for the window's view and every export's: software OpenGL generates machine code for each
    shader and state per context, so an export's first frame reuses what the window has already made.
    """
    application = QtCore.QCoreApplication.instance()
    if id(application) not in _OFFSCREEN:
        _OFFSCREEN.clear()
        context = QtGui.QOpenGLContext(application)
        # The framebuffers have their own depth buffers and sample counts; the context needs neither.
        context.setFormat(QtGui.QSurfaceFormat())
        if not context.create():
            raise RuntimeError("OpenGL is not available: the 3D view needs an OpenGL 2.1 context")
        surface = QtGui.QOffscreenSurface(None, application)
        surface.setFormat(context.format())
        surface.create()
        _OFFSCREEN[id(application)] = (context, surface)
        _PROGRAMS.clear()
    return _OFFSCREEN[id(application)]


def context_program(vertex: str, fragment: str, attributes: tuple[str, ...]) -> ShaderProgram:
    """The program of these sources in the one context (see offscreen_context), compiled on first use and kept.

    Every item that draws with it sets each uniform it uses before drawing. Compiled for each item, an export's
    programs stayed in the context when the export ended: 6–7 MB more memory for every picture copied or
    exported, and 30–40 ms more to draw each one's first frame.
    """
    key = (vertex, fragment, attributes)
    if key not in _PROGRAMS:
        _PROGRAMS[key] = ShaderProgram(vertex, fragment, attributes)
    return _PROGRAMS[key]


class TextPlacer:
    """Draws short labels at pixel anchors, skipping any that would overlap a label already drawn or cross the frame."""

    def __init__(self, painter: QtGui.QPainter, frame: QtCore.QRectF) -> None:
        """Draw with this painter (its pen is used for the text), inside the frame."""
        self.painter = painter
        self.frame = frame
        self.taken: list[QtCore.QRectF] = []
        self.texts: list[str] = []  # of the labels drawn, as their boxes are taken

    PAD = (2.0, 3.0)  # pixels across and up and down from a label's text (its width and cap height) to its box

    @classmethod
    def box(cls, font: QtGui.QFont, x: float, y: float, text: str, right_aligned: bool = False,
            left_aligned: bool = False) -> QtCore.QRectF:
        """The box text drawn at x, y would take (see draw)."""
        metrics = QtGui.QFontMetricsF(font)
        text_width, cap_height = metrics.horizontalAdvance(text), metrics.capHeight()
        left = x - text_width if right_aligned else x if left_aligned else x - text_width / 2
        pad_x, pad_y = cls.PAD
        return QtCore.QRectF(left - pad_x, y - cap_height / 2 - pad_y, text_width + 2 * pad_x, cap_height + 2 * pad_y)

    @classmethod
    def text_of(cls, box: QtCore.QRectF) -> QtCore.QRectF:
        """The text's own extent in a label's box: its width and cap height."""
        pad_x, pad_y = cls.PAD
        return box.adjusted(pad_x, pad_y, -pad_x, -pad_y)

    def fits(self, rect: QtCore.QRectF, gap: float = 0.0) -> bool:
        """Whether a label in this box is inside the frame, its box clear of every label's drawn, its text at least
        gap from theirs."""
        reach_x, reach_y = (max(gap - 2 * pad, 0.0) for pad in self.PAD)
        near = rect.adjusted(-reach_x, -reach_y, reach_x, reach_y)
        return self.frame.contains(rect) and not any(near.intersects(other) for other in self.taken)

    def draw(self, font: QtGui.QFont, x: float, y: float, text: str, right_aligned: bool = False,
             left_aligned: bool = False, kept_inside: bool = False, gap: float = 0.0) -> bool:
        """Draw text vertically centred on y and centred on x (or ending / starting at x); False if skipped.

        Text that would cross the frame's edge or come nearer than gap to a label drawn is skipped, or with
        kept_inside (a title) moved into the frame.
        """
        rect = self.box(font, x, y, text, right_aligned, left_aligned)
        if kept_inside:
            rect = moved_inside(rect, self.frame)
        if not text or not self.fits(rect, gap):
            return False
        left, y = self.text_of(rect).left(), rect.center().y()
        cap_height = QtGui.QFontMetricsF(font).capHeight()
        self.painter.setFont(font)
        self.painter.drawText(QtCore.QPointF(left, y + cap_height / 2), text)
        self.taken.append(rect)
        self.texts.append(text)
        return True


@dataclass(frozen=True)
class PendingFrame:
    """A frame handed to OpenGL and not yet read back: where it is drawn, its size and its pixel scale."""

    purpose: str
    framebuffer: QtOpenGL.QOpenGLFramebufferObject
    width: int
    height: int
    pixel_scale: float


@dataclass(frozen=True)
class SmoothLayer:
    """The window's antialiased static layer handed to OpenGL, drawn (supersampled) on its threads meanwhile."""

    scene_key: tuple
    fence: object  # an OpenGL sync object, signalled once the layer is drawn
    canvas: int  # the supersampled framebuffer it is drawn in (the layer's own when it is drawn unreduced)
    layer: QtOpenGL.QOpenGLFramebufferObject
    width: int
    height: int
    factor: int


class TextLayer:
    """Text painted on a transparent image, laid over frames one tile at a time where there is any.

    It keeps the boxes of its labels (in logical pixels), for the probe's tags to keep off.
    """

    TILE = 64

    def __init__(self, image: QtGui.QImage, label_boxes: Sequence[QtCore.QRectF] = ()) -> None:
        """Keep the image and its labels' boxes, and find its tiles holding any paint."""
        self.image = image
        self.label_boxes = tuple(label_boxes)
        width, height = image.width(), image.height()
        rows = np.frombuffer(image.constBits(), dtype=np.uint32).reshape(height, image.bytesPerLine() // 4)
        painted = rows[:, :width] != 0
        tile = self.TILE
        padded = np.zeros((-(-height // tile) * tile, -(-width // tile) * tile), dtype=bool)
        padded[:height, :width] = painted
        used = padded.reshape(padded.shape[0] // tile, tile, padded.shape[1] // tile, tile).any(axis=(1, 3))
        self.tiles = [QtCore.QRect(column * tile, row * tile, tile, tile).intersected(image.rect())
                      for row, column in zip(*np.nonzero(used), strict=True)]

    def paint(self, painter: QtGui.QPainter) -> None:
        """Draw the painted tiles at their places (the painter in device pixels)."""
        for tile in self.tiles:
            painter.drawImage(tile, self.image, tile)


@dataclass(frozen=True)
class AxisLabels:
    """Tick labels and titles of the three axes, with tick positions in data units."""

    titles: tuple[str, str, str]
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    z_ticks: tuple[tuple[float, str], ...]


class SurfaceView(FontScaledView, GLViewMixin, QtWidgets.QWidget):
    """The 3D view of f: a lit, colour-mapped surface in a box with ticks, a colour bar and descent runs.

    Drag to orbit, Ctrl+drag or middle-drag to pan, wheel to zoom. Everything drawn, including the
    text overlay, goes through the same code for the window and for render_to_array.

    OpenGL draws into framebuffer objects of an offscreen context and the widget paints the finished
    frame as an image. The window therefore stays an ordinary raster window: a QOpenGLWidget would make
    Qt compose the whole window through OpenGL on every update, which with software OpenGL costs tens
    of milliseconds per frame once docks and plots share the window.
    """

    camera_changed = QtCore.Signal()  # the user orbited, zoomed or panned (after the release), or a new shape reset it

    ELEVATION = 32.0
    TOP_VIEW_FIELD_OF_VIEW = 5.0
    AZIMUTH = -58.0
    CURVE_ELEVATION = 12.0
    SUPERSAMPLING = 2  # the antialiased static layer is drawn this many times wider and higher, then reduced
    SUPERSAMPLED_LIMIT = 4096  # pixels: frames wider or higher than this are drawn once, without supersampling
    SETTLE_MS = 200
    SMOOTH_POLL_MS = 4  # how often the window asks whether OpenGL has finished its antialiased layer

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        """Create an empty view; call set_surface or set_curve to show something."""
        self._gl_context: QtGui.QOpenGLContext | None = None
        self._gl_surface: QtGui.QOffscreenSurface | None = None
        self._frame_revision = 0
        self._painted_revision = -1
        self._prerender_posted = False
        self._prerendered: tuple[int, PendingFrame] | None = None
        self._shown_image: tuple[tuple, QtGui.QImage] | None = None  # the window's last frame, with its key
        super().__init__(parent)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)
        # Not marked opaque, though the frame covers the view: Qt paints dirty opaque widgets before all others,
        # and this view then read its frame back first, waiting for OpenGL to finish it. Painted in its place among
        # its siblings (last, see the main window), it reads the frame back once the map has been painted.
        self.setBackgroundColor(tuple(int(255 * c) for c in BACKGROUND))
        self.pixel_scale = 1.0
        self.presentation_scale = 1.0
        self._lut = colormap_lut(DEFAULT_COLORMAP)
        self._colour_levels: ColourLevels | None = None  # the map's colouring, shared (None: linear in height)
        self._mapping = SceneMapping((0.0, 1.0), (0.0, 1.0), (0.0, 1.0))
        self._axis_labels = AxisLabels(("x", "y", "f"), (), (), ())
        self._height_name = "f"  # f's name, which the height axis's and the colour bar's titles begin with
        self._curve_mode = False
        self._surface_heights: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # as given to set_surface
        self._critical_points: tuple[np.ndarray, tuple[str, ...], tuple[bool, ...]] = (np.zeros((0, 3)), (), ())
        self.drawn_critical_names: tuple[str, ...] = ()  # the names the last frame gave them (some left no room)…
        self.drawn_critical_boxes: tuple[QtCore.QRectF, ...] = ()  # …and where it put them (logical px)
        self.drawn_critical_points: tuple[QtCore.QPointF, ...] = ()  # where the last frame marked them (logical px)
        self.faint_critical_points: tuple[QtCore.QPointF, ...] = ()  # those of them the surface hides, marked faintly
        self._runs: list[TrajectoryData] = []
        self._framebuffers = FramebufferPool()
        self._static_keys: dict[str, tuple] = {}
        self._static_text: dict[str, TextLayer] = {}
        self._released = False  # its GPU buffers deleted (see release_gl): it draws no more items
        # the last frame's axis and colour bar label boxes, and the probe's tags, in logical pixels
        self.drawn_labels: tuple[tuple[QtCore.QRectF, ...], tuple[QtCore.QRectF, ...]] = ((), ())
        self.drawn_legend = QtCore.QRectF()  # the probe's legend, as last drawn (logical pixels)
        self.drawn_axis_texts: tuple[tuple[str, QtCore.QRectF], ...] = ()  # the axes' and colour bar's, as last drawn
        # the probe's tags (text, box, colour) and the leader lines (line, colour) from far-off tags, as last drawn
        self.drawn_tags: tuple[tuple[str, QtCore.QRectF, RgbaColour], ...] = ()
        self.drawn_leaders: tuple[tuple[QtCore.QLineF, RgbaColour], ...] = ()
        self.exit_pointers: list[QtGui.QPolygonF] = []  # the pointers at runs that left the box, last drawn
        self._scene_revision = 0
        self._use_static_cache = True
        self._window_scene_key: tuple | None = None
        self._settled = False
        self._settle_timer = QtCore.QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(self.SETTLE_MS)
        self._settle_timer.timeout.connect(self._settle)
        self._smoothing: SmoothLayer | None = None
        self._smoothing_timer = QtCore.QTimer(self)
        self._smoothing_timer.setSingleShot(True)
        self._smoothing_timer.setInterval(self.SMOOTH_POLL_MS)
        self._smoothing_timer.timeout.connect(self._poll_smooth_layer)
        self.frame_item = SceneFrameItem()
        self.frame_item.setDepthValue(-10)
        self.mesh_item = SurfaceMeshItem()
        self.probe_item = ProbeOverlayItem()
        self.probe_item.setDepthValue(5)
        self.trajectory_item = TrajectoryItem()
        self.trajectory_item.setDepthValue(10)
        self._probe_overlay: SurfaceProbeOverlay | None = None
        self._colour_bar_left = math.inf
        self._dynamic_items = (self.probe_item, self.trajectory_item)
        self._camera_before: tuple | None = None
        for item in (self.frame_item, self.mesh_item, self.probe_item, self.trajectory_item):
            self.addItem(item)
        self.reset_view()

    # ---------------------------------------------------------------- data
    @property
    def axis_labels(self) -> AxisLabels:
        """The axis titles and the ticks currently drawn."""
        return self._axis_labels

    @property
    def scene_mapping(self) -> SceneMapping:
        """How data coordinates map into the drawn box (for placing things on the surface)."""
        return self._mapping

    def set_surface(
        self,
        xs: np.ndarray,
        ys: np.ndarray,
        heights: np.ndarray,
        display_range: tuple[float, float],
        labels: tuple[str, str, str] = ("x", "y", "f"),
        z_ticks: TickList | None = None,
        levels: np.ndarray | None = None,
        jumps: Sequence[np.ndarray] = (),
        rim: Rim | None = None,
        colour_levels: ColourLevels | None = None,
    ) -> None:
        """Show heights[j, i] over (xs[i], ys[j]); NaN cells are left out, heights clamp to display_range.

        z_ticks are (height, text) pairs in the units of heights (give them in log-height mode so the
        labels show real f values); levels, if given, are drawn as lines on the surface; cells with a jump
        of f along a side (jumps between rows and between columns: see jump_edges) are left open. With a rim
        (its values in the units of heights), the surface reaches where f stops being defined. With
        colour_levels (the contour map's) the surface and the colour bar take its colours as the map does, so
        a colour means the same f in both views; without, colours run evenly from the lowest height to the top.
        """
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        heights = np.asarray(heights, dtype=np.float64)
        if heights.shape != (len(ys), len(xs)):
            raise ValueError(f"heights must have shape (len(ys), len(xs)) = {(len(ys), len(xs))}, got {heights.shape}")
        was_curve = self._curve_mode
        self._curve_mode = False
        self._surface_heights = (xs, ys, heights)
        self._colour_levels = colour_levels
        mapping = SceneMapping(
            plotted_range(xs[0], xs[-1]), plotted_range(ys[0], ys[-1]), widened_range(*display_range)
        )
        self._apply_surface(mapping, labels, z_ticks, True,
                            lambda: self._build_surface_mesh(mapping, xs, ys, heights, levels, jumps, rim))
        if was_curve:
            self._reset_for_new_shape()

    def set_curve(
        self,
        ws: np.ndarray,
        fs: np.ndarray,
        display_range: tuple[float, float],
        labels: tuple[str, str] = ("w", "f"),
        z_ticks: TickList | None = None,
        jumps: np.ndarray | None = None,
    ) -> None:
        """Show a one-variable f(w) as a coloured tube standing in the 3D box (see curve_tube), broken at jumps."""
        ws, fs = np.asarray(ws, dtype=np.float64), np.asarray(fs, dtype=np.float64)
        was_curve = self._curve_mode
        self._curve_mode = True
        self._surface_heights = None
        mapping = SceneMapping(
            plotted_range(ws[0], ws[-1]), (-1.0, 1.0), tube_room(widened_range(*display_range)), CURVE_HALF_DEPTH
        )
        self._apply_surface(mapping, (labels[0], "", labels[1]), z_ticks, False,
                            lambda: self._build_tube_mesh(mapping, ws, fs, jumps))
        if not was_curve:
            self._reset_for_new_shape()

    def _build_surface_mesh(self, mapping: SceneMapping, xs: np.ndarray, ys: np.ndarray, heights: np.ndarray,
                            levels: np.ndarray | None, jumps: Sequence[np.ndarray], rim: Rim | None) -> None:
        """The surface's mesh: clamped to the box, open across poles and jumps, out to the rim of f's domain."""
        lo, hi = mapping.z_range
        scene_xs, scene_ys = mapping.scene_x(xs), mapping.scene_y(ys)
        moved = None
        if rim is not None:  # the undefined points beside defined ones move to where f stops, with its value there
            normals = grid_normals(scene_xs, scene_ys, mapping.scene_z(heights))
            normals.reshape(-1, 3)[rim.points] = normals.reshape(-1, 3)[rim.sources]
            heights = heights.copy()
            heights.flat[rim.points] = rim.values
            moved = np.zeros(heights.shape, dtype=bool)
            moved.flat[rim.points] = True
        scene_zs = mapping.scene_z(heights)
        if levels is not None and len(levels) > 0:
            coordinates = level_coordinates(np.clip(heights, lo, hi), np.asarray(levels, dtype=np.float64), hi - lo)
        else:
            coordinates = np.full(heights.shape, -1.0)
        with np.errstate(invalid="ignore"):
            breaks = MeshBreaks(heights > hi, heights < lo, cells_across_jumps(jumps, heights.shape), moved)
        if rim is None:
            self.mesh_item.set_mesh(scene_xs, scene_ys, scene_zs, coordinates, breaks)
            return
        grid_x, grid_y = np.meshgrid(scene_xs, scene_ys)
        grid_x.flat[rim.points] = mapping.scene_x(rim.coordinates[0])
        grid_y.flat[rim.points] = mapping.scene_y(rim.coordinates[1])
        self.mesh_item.set_grid_points(np.stack([grid_x, grid_y, scene_zs], axis=-1), normals, coordinates, breaks)

    def _build_tube_mesh(self, mapping: SceneMapping, ws: np.ndarray, fs: np.ndarray, jumps: np.ndarray | None) -> None:
        """The curve's tube standing in the box: clamped to it, open across poles and jumps (see curve_tube)."""
        lo, hi = mapping.z_range
        points, normals = curve_tube(mapping.scene_x(ws), mapping.scene_z(fs))
        rows = points.shape[:2]
        with np.errstate(invalid="ignore"):
            above, below = np.broadcast_to(fs > hi, rows), np.broadcast_to(fs < lo, rows)
        breaks = MeshBreaks(above, below, cells_across_jumps(() if jumps is None else (jumps,), rows))
        self.mesh_item.set_grid_points(points, normals, np.full(rows, -1.0), breaks)

    def _reset_for_new_shape(self) -> None:
        """The default camera of a surface, or of a curve, after the other: the old one would cut the new shape off.

        Reported as a camera change, so the session (and a saved file) holds the camera shown.
        """
        self.reset_view()
        self.camera_changed.emit()

    def _apply_surface(self, mapping: SceneMapping, titles: tuple[str, str, str], z_ticks: TickList | None,
                       show_y_axis: bool, build_mesh: Callable[[], None]) -> None:
        """Store the mapping, rebuild the mesh (build_mesh does, in the mapping) and the frame, re-place the runs."""
        self._mapping = mapping
        self._scene_revision += 1
        title_x, title_y, self._height_name = titles
        x_ticks, title_x = counted_ticks(mapping.x_range, title_x)
        y_ticks, title_y = counted_ticks(mapping.y_range, title_y) if show_y_axis else ([], title_y)
        z_list, title_z = (list(z_ticks), titles[2]) if z_ticks is not None else counted_ticks(mapping.z_range,
                                                                                                 titles[2])
        lo, hi = mapping.z_range
        z_list = [(value, text) for value, text in z_list if lo - 1e-9 * (hi - lo) <= value <= hi + 1e-9 * (hi - lo)]
        self._axis_labels = AxisLabels((title_x, title_y, title_z), tuple(x_ticks), tuple(y_ticks), tuple(z_list))
        self._colour_mesh()
        build_mesh()
        half_width, half_depth = BOX_HALF_WIDTH * CLIP_SLACK, mapping.half_depth * CLIP_SLACK
        box = (-half_width, -half_depth, 0.0), (half_width, half_depth, (BOX_HEIGHT + TRAJECTORY_LIFT) * CLIP_SLACK)
        self.trajectory_item.set_box(*box)
        self.probe_item.set_box(*box)
        scene_x_ticks = mapping.scene_x([v for v, _ in x_ticks])
        scene_y_ticks = mapping.scene_y([v for v, _ in y_ticks])
        self.frame_item.set_frame(scene_x_ticks, scene_y_ticks, mapping.scene_z([v for v, _ in z_list]),
                                  mapping.half_depth)
        self.mesh_item.set_grid(*self._grid_spacing(scene_x_ticks, scene_y_ticks))
        self._upload_runs()
        self._upload_probe_overlay()

    @staticmethod
    def _grid_spacing(scene_x_ticks: np.ndarray, scene_y_ticks: np.ndarray) -> tuple[tuple[float, float], ...]:
        """Origin and step of the surface grid lines, one line per tick (none without two ticks)."""
        def origin_step(ticks: np.ndarray) -> tuple[float, float]:
            if len(ticks) >= 2:
                return float(ticks[0]), float(ticks[1] - ticks[0])
            return -5e3, 1e4  # the box lies half-way between two lines far outside it

        (x0, dx), (y0, dy) = origin_step(scene_x_ticks), origin_step(scene_y_ticks)
        return (x0, y0), (dx, dy)

    def set_colormap(self, lut: np.ndarray) -> None:
        """Colour the surface and the colour bar with a float (N, 4) lookup table."""
        self._lut = np.asarray(lut, dtype=np.float32)
        self._colour_mesh()
        self.mark_scene_changed()

    def _colour_mesh(self) -> None:
        """Give the mesh its colours by height: the colour map itself, or through the map's colour levels.

        The mesh looks its colour up by its height in the box; with colour levels, the table it looks in is
        the colour map taken through them (as the contour map's fill takes it), finely sampled over the box.
        """
        if self._colour_levels is None or self._curve_mode:
            self.mesh_item.set_colormap(self._lut)
            return
        lo, hi = self._mapping.z_range
        shares = (np.arange(COLOUR_TABLE_SIZE) + 0.5) / COLOUR_TABLE_SIZE
        heights = lo * (1.0 - shares) + hi * shares  # hi − lo may be past the largest float
        fractions = self._colour_levels.fractions(heights)
        self.mesh_item.set_colormap(self._lut[np.rint(fractions * (len(self._lut) - 1)).astype(np.intp)])

    def colour_bar_ticks(self) -> list[tuple[float, str]]:
        """The colour bar's ticks as (colour-map position, text): the map's labelled levels, or the height ticks."""
        if self._colour_levels is not None and not self._curve_mode:
            return list(self._colour_levels.ticks)
        lo, hi = self._mapping.z_range
        return [((value - lo) / (hi - lo), text) for value, text in self._axis_labels.z_ticks]

    def colour_bar_title(self) -> str:
        """The colour bar's title: f's name, less the offset its labels count from (f − 1000) as the map's bar says."""
        if self._colour_levels is not None and not self._curve_mode:
            return self._colour_levels.title(self._height_name)
        return self._axis_labels.titles[2]

    def set_trajectories(self, runs: Sequence[TrajectoryData]) -> None:
        """Draw these descent runs (replacing earlier ones); the critical points' names keep off their paths."""
        self._runs = list(runs)
        self._upload_runs()
        if len(self._critical_points[0]):
            self.mark_scene_changed()

    def set_current_index(self, index: int, run: int | None = None) -> None:
        """Move the current point of one run (or of all runs) without touching the mesh."""
        targets = range(len(self._runs)) if run is None else [run]
        for target in targets:
            self.trajectory_item.set_current(target, index)

    def _data_to_scene(self, points: np.ndarray, clamp: bool = True) -> np.ndarray:
        """Data points in scene units, lifted a little above the surface; over a curve, just in front of its tube.

        Points are (n, 3) rows (x, y, height), or (n, 2) rows (w, height) over a curve.
        """
        points = np.asarray(points, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] not in (2, 3):
            raise ValueError(f"points must be (n, 3) or (n, 2) in curve mode, got {points.shape}")
        if points.shape[1] == 2:
            points = np.column_stack([points[:, 0], np.zeros(len(points)), points[:, 1]])
        scene = self._mapping.to_scene(points, clamp)
        scene[:, 2] += TRAJECTORY_LIFT
        if self._curve_mode:
            scene[:, 1] = -CURVE_FRONT if self._camera_in_front_of_curve() else CURVE_FRONT
        return scene

    def _camera_in_front_of_curve(self) -> bool:
        """Whether the camera looks at the curve from the -y side."""
        return (self.cameraPosition() - self.opts["center"]).y() <= 0

    def run_scene_points(self, points: np.ndarray) -> np.ndarray:
        """A run's points in scene units: heights kept within the box over its floor plan, true beyond it.

        Over the box a point above (or below) the heights drawn sits on its lid (or floor), as its ball does; a point
        beyond the box keeps its true height, so a step from there back over the box climbs out of its lid and is cut
        there rather than drawn along it: a diverging run's steps, all above the heights drawn, lay bars across it.
        """
        scene = self._data_to_scene(points, clamp=False)
        clamped = self._data_to_scene(points)
        half = np.array([BOX_HALF_WIDTH, self._mapping.half_depth]) * CLIP_SLACK
        with np.errstate(invalid="ignore"):
            over_box = np.all(np.abs(scene[:, :2]) <= half, axis=1)
        scene[over_box, 2] = clamped[over_box, 2]
        scene[:, 2] = np.clip(scene[:, 2], -FAR_HEIGHT, FAR_HEIGHT)  # finite in the GPU's floats, and far off the box
        return scene

    def _upload_runs(self) -> None:
        """Send the runs' scene points to the trajectory item."""
        self.trajectory_item.set_runs(
            [self.run_scene_points(run.points) for run in self._runs],
            [run.colour for run in self._runs],
            [run.current_index for run in self._runs],
            [run.symbol for run in self._runs],
        )

    # ---------------------------------------------------------------- critical points
    def set_critical_points(self, points: np.ndarray, kinds: Sequence[str], kinks: Sequence[bool] = ()) -> None:
        """Mark critical points of these kinds at (n, 3) data points (x, y, height), or (n, 2) (w, height) on a curve;
        those kinks flags (none if empty) are at a kink of f, named so ("saddle (kink)").

        They are drawn with the text over the picture, the marks of those the surface hides from the camera faintly
        (a minimum at a kink, deep in a V whose near face the camera saw almost edge-on, was left out).
        """
        points = np.asarray(points, dtype=np.float64)
        kinks = tuple(bool(kink) for kink in kinks) or (False,) * len(kinds)
        shown, shown_kinds, shown_kinks = self._critical_points
        if (tuple(kinds), kinks) == (shown_kinds, shown_kinks) and points.shape == shown.shape and np.array_equal(
                points, shown):
            return
        self._critical_points = (points, tuple(kinds), kinks)
        self.mark_scene_changed()

    def hidden_by_surface(self, scene_points: np.ndarray) -> np.ndarray:
        """Whether the surface lies between the camera and each scene point (a curve's thin tube hides nothing).

        The way from just off each point to the camera is sampled: if it passes from one side of the surface drawn
        there (interpolated between its grid points) to the other, the surface hides the point. A point on the
        surface seen from below is seen, as the surface is drawn from both sides.
        """
        hidden = np.zeros(len(scene_points), dtype=bool)
        if self._curve_mode or self._surface_heights is None or not len(scene_points):
            return hidden
        xs, ys, heights = self._surface_heights
        mapping = self._mapping
        scene_xs, scene_ys, scene_zs = mapping.scene_x(xs), mapping.scene_y(ys), mapping.scene_z(heights)
        camera = self.cameraPosition()
        eye = np.array([camera.x(), camera.y(), camera.z()])
        fractions = np.linspace(0.0, 1.0, SIGHT_SAMPLES)[1:, np.newaxis]
        for index, point in enumerate(scene_points):
            way = eye - point
            start = SIGHT_CLEARANCE / max(float(np.linalg.norm(way)), 1e-12)
            samples = point + (start + (1.0 - start) * fractions) * way
            columns = (samples[:, 0] - scene_xs[0]) / (scene_xs[1] - scene_xs[0])
            rows = (samples[:, 1] - scene_ys[0]) / (scene_ys[1] - scene_ys[0])
            over = (columns >= 0) & (columns <= len(xs) - 1) & (rows >= 0) & (rows <= len(ys) - 1)
            if not over.any():
                continue
            column, row = np.minimum(columns[over], len(xs) - 1.001), np.minimum(rows[over], len(ys) - 1.001)
            left, bottom = column.astype(int), row.astype(int)
            across, up = column - left, row - bottom
            surface = ((scene_zs[bottom, left] * (1 - across) + scene_zs[bottom, left + 1] * across) * (1 - up)
                       + (scene_zs[bottom + 1, left] * (1 - across) + scene_zs[bottom + 1, left + 1] * across) * up)
            drawn = np.isfinite(surface)  # where f is undefined no surface is in the way
            above = samples[over, 2][drawn] > surface[drawn]
            hidden[index] = bool(above.any() and not above.all())  # the way passes through the surface
        return hidden

    def _paint_critical_points(self, painter: QtGui.QPainter, to_pixels: Callable[[object], np.ndarray],
                               width: float, height: float, taken: Sequence[QtCore.QRectF]) -> list[QtCore.QRectF]:
        """Mark the critical points in logical pixels, named a gap clear of the labels taken (those hidden, faintly).

        The names of those the camera sees are placed first; the faint marks are drawn first, under them. Names cover
        as little as they can of the runs' paths: the whole paths, so that playing a run does not move them.
        """
        points, kinds, kinks = self._critical_points
        self.drawn_critical_points = self.faint_critical_points = self.drawn_critical_names = ()
        self.drawn_critical_boxes = ()
        if not len(points):
            return []
        scene = self._data_to_scene(points)
        hidden = self.hidden_by_surface(scene)
        pixels = to_pixels(scene)
        self.drawn_critical_points = tuple(QtCore.QPointF(x, y) for x, y in pixels)
        self.faint_critical_points = tuple(point for point, faint in zip(self.drawn_critical_points, hidden,
                                                                         strict=True) if faint)
        font = QtGui.QFont()
        font.setPixelSize(round(PROBE_FONT_PIXELS * self.text_scale))
        bounds = QtCore.QRectF(0.0, 0.0, min(self._colour_bar_left - 6.0, width), height)
        scale = self.presentation_scale
        seen_kinds, hidden_kinds = (np.array(kinds)[~hidden].tolist(), np.array(kinds)[hidden].tolist())
        seen_kinks, hidden_kinks = (np.array(kinks)[~hidden].tolist(), np.array(kinks)[hidden].tolist())
        paths = line_samples(self._path_pixels(to_pixels, whole=True), LINE_SAMPLE_SPACING * scale, bounds)
        pad = LINE_CLEARANCE * scale
        # the names keep a gap from the axes' labels, as those keep from each other: "min" touching a tick read "min-1"
        gap = LABEL_GAP * QtGui.QFontMetricsF(font).capHeight()
        taken = [box.adjusted(-gap, -gap, gap, gap) for box in taken]
        seen_tags = place_critical_tags(painter, pixels[~hidden], seen_kinds, scale, font, bounds, taken, paths, pad,
                                        seen_kinks)
        hidden_tags = place_critical_tags(painter, pixels[hidden], hidden_kinds, scale, font, bounds, seen_tags.taken,
                                          paths, pad, hidden_kinks)
        self.drawn_critical_names = tuple(text for placer in (seen_tags, hidden_tags) for text, _box, _ in placer.tags)
        self.drawn_critical_boxes = tuple(box for placer in (seen_tags, hidden_tags) for _text, box, _ in placer.tags)
        draw_critical_points(painter, pixels[hidden], hidden_kinds, scale, hidden_tags, HIDDEN_MARK_OPACITY)
        draw_critical_points(painter, pixels[~hidden], seen_kinds, scale, seen_tags)
        return hidden_tags.taken[len(taken):]

    # ---------------------------------------------------------------- probe
    def set_probe_overlay(self, overlay: SurfaceProbeOverlay | None) -> None:
        """Draw the partial derivatives at a point (None removes them); only a small buffer is re-sent."""
        self._probe_overlay = overlay
        self._upload_probe_overlay()

    @property
    def probe_overlay(self) -> SurfaceProbeOverlay | None:
        """The overlay drawn now."""
        return self._probe_overlay

    def _upload_probe_overlay(self) -> None:
        """Turn the overlay into scene vertices and strokes for the overlay item.

        Slice curves follow the drawn surface (clamped like it); tangent lines and the tangent plane are
        straight and are cut by the box instead.
        """
        overlay = self._probe_overlay
        if overlay is None:
            self.probe_item.set_geometry(np.zeros((0, 3)), (), None)
            return
        parts: list[np.ndarray] = []
        strokes: list[OverlayStroke] = []

        def add(scene: np.ndarray, mode: int, colour: RgbaColour, width: float = 0.0,
                halo: RgbaColour | None = None, in_front: bool = False) -> None:
            first = sum(len(part) for part in parts)
            strokes.append(OverlayStroke(first, len(scene), mode, colour, width, halo, in_front))
            parts.append(scene)

        if overlay.plane is not None:
            plane = self._data_to_scene(overlay.plane, clamp=False)
            add(plane, GL.GL_TRIANGLE_FAN, PLANE_FILL, in_front=True)
            add(plane, GL.GL_LINE_LOOP, PLANE_EDGE, 1.6, in_front=True)
        for line in overlay.slices:
            scene = self._data_to_scene(line.curve)
            for start, stop in finite_runs(scene):
                add(scene[start:stop], GL.GL_LINE_STRIP, line.colour, SLICE_WIDTH, HALO)
        for line in overlay.slices:
            if line.tangent is not None:
                add(self._data_to_scene(line.tangent, clamp=False), GL.GL_LINES, line.colour, TANGENT_WIDTH,
                    TANGENT_HALO, in_front=True)
        parts.append(self._data_to_scene(np.asarray(overlay.point, dtype=np.float64)[None, :]))
        self.probe_item.set_geometry(np.concatenate(parts), strokes, sum(len(part) for part in parts) - 1)

    def _paint_probe_labels(self, painter: QtGui.QPainter, width: float, height: float,
                            label_boxes: Sequence[QtCore.QRectF] = ()) -> None:
        """Name each tangent line at its visible end, off the labels; the legend goes in the top-left corner.

        The tags cover as little as they can of the lines drawn: the probe's slices and tangents, the runs' paths.
        """
        overlay = self._probe_overlay
        if overlay is None:
            return
        font = self._fonts(width, height, self.text_scale)[0]
        # as large as the map's tags at least: a small 3D view's tick size made them smaller than the map's beside it
        font.setPixelSize(max(font.pixelSize(), round(PROBE_FONT_PIXELS * self.text_scale)))
        to_pixels = self.scene_projector(width, height)
        point = to_pixels(self._data_to_scene(np.asarray(overlay.point)[None, :]))[0]
        left_of_bar = QtCore.QRectF(0.0, 0.0, min(self._colour_bar_left - 6.0, width), height)
        scale = self.presentation_scale
        balls = [square_around(ball, TrajectoryItem.BALL_SIZE * scale / 2)
                 for ball in to_pixels(self.trajectory_item.ball_points())]
        line_height = QtGui.QFontMetricsF(font).height()
        legend = fitted_legend(font, overlay.legend, line_height * 1.2, left_of_bar.width() - line_height * 1.2,
                               LEGEND_SHARE * left_of_bar.width() * left_of_bar.height())
        size = legend.size if legend is not None else QtCore.QSizeF()
        legend_box = QtCore.QRectF(QtCore.QPointF(line_height * 0.6, line_height * 0.6), size)
        avoid = (square_around(point, ProbeOverlayItem.MARKER_SIZE * scale), *balls, *label_boxes, legend_box)
        gap = 5.0 * scale
        measure = TagPlacer(None, font, gap, left_of_bar)
        clearance = gap + ProbeOverlayItem.MARKER_SIZE * scale / 2  # a tag's near end from the point: off its marker
        halves = [self._tangent_pixels(line, to_pixels) for line in overlay.slices]
        lines = [*(to_pixels(self._data_to_scene(line.curve)) for line in overlay.slices),
                 *(np.array(half) for pair in halves for half in pair), *self._path_pixels(to_pixels)]
        crossed = line_samples(lines, LINE_SAMPLE_SPACING * scale, left_of_bar)
        anchored = []
        for index, line in enumerate(overlay.slices):
            others = [half for other, pair in enumerate(halves) if other != index for half in pair]
            anchor = self._tag_anchor(halves[index], others, measure.tag_size(line.label), clearance)
            if anchor is not None:
                anchored.append((line, *anchor))
        for shortened in (False, True):  # names alone ("∂f/∂x") where the tags in full find no room of their own
            placer = TagPlacer(painter, font, gap, left_of_bar, avoid,  # off the legend (it hid one)
                               crossed, LINE_CLEARANCE * scale)  # and, where they can, off the lines
            tags = [placer.place(line.short or line.label if shortened else line.label, anchor, direction, line.colour,
                                 optional=not shortened) for line, anchor, direction in anchored]
            if None not in tags:
                break
        placer.draw()
        self.drawn_labels = (tuple(label_boxes), tuple(box for _text, box, _colour in placer.tags))
        self.drawn_legend = legend_box
        self.drawn_tags, self.drawn_leaders = tuple(placer.tags), tuple(placer.leaders)
        if legend is not None:
            legend.paint(painter, legend_box.topLeft())

    def _path_pixels(self, to_pixels: Callable[[object], np.ndarray], whole: bool = False) -> list[np.ndarray]:
        """The runs' paths as drawn up to their balls (or whole), in pixels."""
        item = self.trajectory_item
        return [to_pixels(item.path_points(index, whole)) for index in range(item.run_count)]

    def _tangent_pixels(self, line: SliceLine, to_pixels: Callable[[object], np.ndarray]
                        ) -> list[tuple[np.ndarray, np.ndarray]]:
        """The halves of a tangent line inside the box, each from the point outwards, in pixels."""
        if line.tangent is None:
            return []
        centre, *ends = self._data_to_scene(np.vstack([self._probe_overlay.point[None, :], line.tangent]), clamp=False)
        halves = [clip_segment(centre, end, *self.probe_item.box) for end in ends]
        projected = [to_pixels(half) for half in halves if half is not None]
        return [(pixels[0], pixels[1]) for pixels in projected]

    def _tag_anchor(self, halves: Sequence[tuple[np.ndarray, np.ndarray]],
                    others: Sequence[tuple[np.ndarray, np.ndarray]], tag_size: tuple[float, float], clearance: float
                    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Where a tangent's tag goes and which way (pixels): beside the longer half of its line, near the point.

        The tag lies across its line, its near end `clearance` pixels along the line from the point (at the
        half's end if shorter), on the side where the other tangent's halves leave the wider angle. At the end of
        the line a long tangent's tag sat far from the point, by other labels.
        """
        if not halves:
            return None
        start, end = max(halves, key=lambda pair: float(np.hypot(*(pair[1] - pair[0]))))
        length = float(np.hypot(*(end - start)))
        if length < 4.0:
            return end, np.array([0.0, -1.0])
        along = (end - start) / length
        if self._curve_mode:  # above the middle of the longer half, as on the map (along it, the tag lay over the
            # curve's other valley)
            return (start + end) / 2, np.array([along[1], -along[0]]) * (1.0 if along[0] >= 0 else -1.0)
        across = max((np.array([along[1], -along[0]]), np.array([-along[1], along[0]])),
                     key=lambda side: (self._opening(along, side, others), -side[1]))
        width, height = tag_size
        reach = (abs(along[0]) * width + abs(along[1]) * height) / 2 + clearance
        return start + along * min(reach, length), across

    @staticmethod
    def _opening(along: np.ndarray, side: np.ndarray, others: Sequence[tuple[np.ndarray, np.ndarray]]) -> float:
        """The angle (radians) between a half line and the nearest other half on this side of it: π for none."""
        opening = math.pi
        for start, end in others:
            length = float(np.hypot(*(end - start)))
            if length >= 4.0 and np.dot(end - start, side) > 0.0:
                cosine = float(np.clip(np.dot(along, end - start) / length, -1.0, 1.0))
                opening = min(opening, math.acos(cosine))
        return opening

    # ---------------------------------------------------------------- camera
    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        """Remember the camera when a drag starts."""
        self._camera_before = self._camera_key()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        """Report a camera the user dragged to."""
        super().mouseReleaseEvent(event)
        self._report_camera()

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:
        """Zoom, and report it."""
        self._camera_before = self._camera_key()
        super().wheelEvent(event)
        self._report_camera()

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        """Remember the camera before arrow keys turn it."""
        if not event.isAutoRepeat() and not self.keysPressed:
            self._camera_before = self._camera_key()
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QtGui.QKeyEvent) -> None:
        """Report a camera the user turned with the keys."""
        super().keyReleaseEvent(event)
        if not event.isAutoRepeat():
            self._report_camera()

    def _report_camera(self) -> None:
        """Emit camera_changed if the camera moved since the user began."""
        if self._camera_key() != self._camera_before:
            self._camera_before = self._camera_key()
            self.camera_changed.emit()

    def reset_view(self) -> None:
        """Return to the default oblique camera."""
        elevation = self.CURVE_ELEVATION if self._curve_mode else self.ELEVATION
        azimuth = -90.0 if self._curve_mode else self.AZIMUTH
        self._set_camera(elevation, azimuth)

    def top_view(self) -> None:
        """Look straight down from far away (almost no perspective), x to the right and y up, like the map."""
        self._set_camera(90.0, -90.0, self.TOP_VIEW_FIELD_OF_VIEW)

    def _set_camera(self, elevation: float, azimuth: float, field_of_view: float = FIELD_OF_VIEW) -> None:
        """Aim at the box centre from a distance that fits the box."""
        self.opts["fov"] = field_of_view
        radius = math.sqrt(BOX_HALF_WIDTH**2 + self._mapping.half_depth**2 + (BOX_HEIGHT / 2) ** 2)
        distance = 0.98 * radius / math.sin(math.radians(field_of_view / 2))
        center = QtGui.QVector3D(0.0, 0.0, BOX_HEIGHT * 0.36)
        self.setCameraPosition(pos=center, distance=distance, elevation=elevation, azimuth=azimuth)

    def projectionMatrix(self, region: tuple, viewport: tuple) -> QtGui.QMatrix4x4:
        """Perspective whose field of view spans the shorter side, so any aspect ratio fits the box.

        The picture keeps clear of a strip on the right for the colour bar and of a narrower one on the left
        for the height labels: at least the room their text takes, and in frames that are not wide up to
        COLOUR_BAR_SHARE and LABEL_SHARE of the width (in square and tall frames; none from WIDE_FRAME on, in
        between in proportion, so resizing never makes the picture jump).
        """
        x0, y0, frame_width, height = viewport
        narrowness = min(max((WIDE_FRAME - frame_width / height) / (WIDE_FRAME - 1.0), 0.0), 1.0)
        scale = self.frame_scale(frame_width, height)
        bar_room, label_room = self.text_room(frame_width / scale, height / scale)
        margin = max(label_room * scale, LABEL_SHARE * narrowness * frame_width)
        right = max(bar_room * scale, COLOUR_BAR_SHARE * narrowness * frame_width)
        fit = min(1.0, MOST_TEXT_ROOM * frame_width / (margin + right))  # a tiny frame keeps a picture
        margin, width = margin * fit, frame_width - (margin + right) * fit
        distance = self.opts["distance"]
        near, far = distance * 0.01, distance * 100.0
        half = near * math.tan(0.5 * math.radians(self.opts["fov"]))
        right_edge, top_edge = (half * width / height, half) if width >= height else (half, half * height / width)
        left = right_edge * ((region[0] - x0 - margin) * (2.0 / width) - 1)
        right = right_edge * ((region[0] + region[2] - x0 - margin) * (2.0 / width) - 1)
        bottom = top_edge * ((region[1] - y0) * (2.0 / height) - 1)
        top = top_edge * ((region[1] + region[3] - y0) * (2.0 / height) - 1)
        matrix = QtGui.QMatrix4x4()
        matrix.frustum(left, right, bottom, top, near, far)
        return matrix

    def project_scene_points(self, scene_points: np.ndarray, width: float, height: float) -> np.ndarray:
        """Pixel positions (n, 2), origin top-left, of scene points in a frame of the given size."""
        return self.scene_projector(width, height)(scene_points)

    def scene_projector(self, width: float, height: float) -> Callable[[object], np.ndarray]:
        """project_scene_points for a frame of this size and the current camera, its matrix worked out once.

        pyqtgraph builds the camera's matrices in Python: the frame's labels, projected a few points at a time,
        spent over a millisecond rebuilding them.
        """
        viewport = (0, 0, width, height)
        transposed = qmatrix_to_array(self.projectionMatrix(viewport, viewport) * self.viewMatrix()).T

        def to_pixels(scene_points: object) -> np.ndarray:
            points = np.asarray(scene_points, dtype=np.float64).reshape(-1, 3)
            clip = points @ transposed[:3] + transposed[3]
            ndc = clip[:, :2] / clip[:, 3:4]
            return np.column_stack([(ndc[:, 0] + 1.0) * 0.5 * width, (1.0 - ndc[:, 1]) * 0.5 * height])

        return to_pixels

    # ---------------------------------------------------------------- drawing
    def context(self) -> QtGui.QOpenGLContext | None:
        """The view's OpenGL context, once created."""
        return self._gl_context

    def isValid(self) -> bool:
        """Whether the OpenGL context exists (items are initialised in it when added)."""
        return self._gl_context is not None

    def make_current(self) -> None:
        """Make the offscreen context current, initialising the view's items in it on first use."""
        context, surface = offscreen_context()
        if not context.makeCurrent(surface):
            raise RuntimeError("OpenGL is not available: the 3D view's context cannot be made current")
        if self._gl_context is None:
            self._gl_context, self._gl_surface = context, surface
            self.initializeGL()

    def done_current(self) -> None:
        """Release the context from this thread."""
        if self._gl_context is not None:
            self._gl_context.doneCurrent()

    def release_gl(self) -> None:
        """Delete the view's framebuffers and GPU buffers (for a view that draws no more, such as an export's).

        A frame asked for later (the window closing lays itself out again) is drawn without the items: drawn
        with the deleted buffers, it crashed.
        """
        self._released = True
        self._settle_timer.stop()
        if self._gl_context is None:
            return
        self.make_current()
        self._drop_smooth_layer()
        self._framebuffers.clear()
        for item in self.items:
            if isinstance(item, ShadedItem):
                item.release_gl()
        self.done_current()
        self._static_keys.clear()
        self._static_text.clear()

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        """Draw a frame offscreen and paint it into the widget."""
        image = self.render_window_image()
        painter = QtGui.QPainter(self)
        painter.drawImage(QtCore.QPointF(0.0, 0.0), image)
        painter.end()

    def update(self, *area: object) -> None:
        """Schedule a repaint, and start drawing the frame as soon as this round of changes is over.

        The frame is handed to OpenGL in a posted event, which Qt delivers before its repaint; software OpenGL
        draws it on its own threads while the window paints its other widgets (this view paints last), and
        paintEvent only reads it back.
        """
        super().update(*area)
        self._frame_revision += 1
        if not self._prerender_posted:
            self._prerender_posted = True
            QtCore.QCoreApplication.postEvent(self, QtCore.QEvent(PRERENDER_EVENT))

    def event(self, event: QtCore.QEvent) -> bool:
        """Start the posted frame early (see update)."""
        if event.type() != PRERENDER_EVENT:
            return super().event(event)
        self._prerender_posted = False
        first_paint = self._painted_revision < 0  # the window is still being laid out: its size may change yet
        started = self._prerendered is not None and self._prerendered[0] == self._frame_revision
        if not first_paint and not started and self._frame_revision != self._painted_revision and self.isVisible():
            # The change may have resized the view too (the equations above it grew a line): lay the window out
            # first, or the frame is drawn at the old size and again at the new one.
            for _ in range(LAYOUT_ROUNDS):
                QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.LayoutRequest)
            self._prerendered = (self._frame_revision, self._start_frame(*self._window_frame_size()))
        return True

    def _window_frame_size(self) -> tuple[str, int, int, float]:
        """The purpose, device-pixel size and pixel scale of the window's frame."""
        return "window", max(self.deviceWidth(), 1), max(self.deviceHeight(), 1), self.devicePixelRatioF()

    def render_window_image(self) -> QtGui.QImage:
        """The frame the window shows, at the widget's device-pixel size (started early if nothing changed since).

        A repaint the view did not ask for (the window moved it, or uncovered it) shows the last frame again:
        drawing it anew took 10–15 ms of the main thread.
        """
        prerendered, self._prerendered = self._prerendered, None
        self._painted_revision = self._frame_revision
        _, width, height, pixel_scale = self._window_frame_size()
        key = (self._frame_revision, width, height, pixel_scale)
        if self._shown_image is not None and self._shown_image[0] == key:
            return self._shown_image[1]
        if prerendered is not None and prerendered[0] == self._frame_revision and (
                prerendered[1].width, prerendered[1].height) == (width, height):
            image = self._finish_frame(prerendered[1])
        else:
            image = self._frame_image(*self._window_frame_size())
        image.setDevicePixelRatio(pixel_scale)
        self._shown_image = (key, image)
        return image

    def set_presentation_scale(self, scale: float) -> None:
        """Draw lines, markers, the probe overlay and text this many times larger (see bounded_presentation_scale)."""
        scale = bounded_presentation_scale(scale)
        if scale != self.presentation_scale:
            self.presentation_scale = scale
            self.update()

    def _show_font_scale(self) -> None:
        """Draw the text at the new font scale (the static layer's key holds it)."""
        self.update()

    def render_to_array(self, width: int, height: int, presentation_scale: float | None = None) -> np.ndarray:
        """Render what the window shows into an (height, width, 4) uint8 RGBA array, scaled to that size.

        Lines, markers and text are drawn at the view's presentation scale, or at the one given.
        """
        if presentation_scale is not None and presentation_scale != self.presentation_scale:
            kept = self.presentation_scale
            self.presentation_scale = bounded_presentation_scale(presentation_scale)
            try:
                return self.render_to_array(width, height)
            finally:
                self.presentation_scale = kept
        return self.finish_render(self.start_render(width, height))

    def start_render(self, width: int, height: int) -> PendingFrame:
        """Start drawing what the window shows at this size; other work can go on until finish_render."""
        width, height = int(width), int(height)
        return self._start_frame("export", width, height, self.frame_scale(width, height))

    def finish_render(self, pending: PendingFrame) -> np.ndarray:
        """The started frame as an (height, width, 4) uint8 RGBA array."""
        return qimage_to_array(self._finish_frame(pending))

    def mark_scene_changed(self) -> None:
        """Redraw the static layer on the next frame (call after changing items added from outside)."""
        self._scene_revision += 1
        self.update()

    def _camera_key(self) -> tuple:
        """Everything about the camera that changes the picture."""
        opts = self.opts
        center = opts["center"]
        return (center.x(), center.y(), center.z(), opts["distance"], opts["elevation"], opts["azimuth"], opts["fov"])

    def _scene_key(self, width: int, height: int, pixel_scale: float) -> tuple:
        """Everything the static layer's picture depends on."""
        return (width, height, pixel_scale, self.presentation_scale, self.font_scale, self._scene_revision,
                self._camera_key())

    def _render_frame(self, purpose: str, target: int, width: int, height: int, pixel_scale: float) -> None:
        """Draw a frame into the target framebuffer: the static layer (cached once antialiased), then the runs on top.

        The static layer (box, surface, text and colour bar) is kept and redrawn only when the
        surface, the camera or the frame size changed, so an animation step costs one copy plus the
        runs (whose lines and points smooth their own edges). In the window a changed layer is first
        drawn quickly without supersampling, straight into the frame, and redrawn antialiased into
        the cache once the picture has settled; exports are always antialiased. Quick frames are not
        cached: copying a layer just drawn makes software OpenGL finish it first, which held up the
        rest of the window for about 6 ms after every change.
        """
        self.pixel_scale = pixel_scale
        scene_key = self._scene_key(width, height, pixel_scale)
        if purpose == "window" and scene_key != self._window_scene_key:
            self._window_scene_key = scene_key
            self._drop_smooth_layer()  # an antialiased layer of the picture before
            self._settled = False
            self._settle_timer.start()
        smooth = purpose == "export" or self._settled
        cached = False
        if self._use_static_cache and smooth:
            gl_failed()  # forget errors from before
            layer = self._framebuffers.get(f"static {purpose}", width, height)
            if self._static_keys.get(purpose) != scene_key:
                self._static_keys.pop(purpose, None)
                self._draw_static_layer(purpose, layer.handle(), width, height, True)
                self._static_keys[purpose] = scene_key
            self._copy_framebuffer(layer.handle(), target, width, height)
            cached = not gl_failed()
            self._use_static_cache = cached  # a driver that cannot copy framebuffers gets every layer drawn
        if not cached:
            self._static_keys.pop(purpose, None)  # the text layer now belongs to this frame, not the cached one
            self._draw_static_layer(purpose, target, width, height, False)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        GL.glViewport(0, 0, width, height)
        self._draw_items(list(self._dynamic_items), width, height)
        self._make_opaque(target)

    def _frame_image(self, purpose: str, width: int, height: int, pixel_scale: float) -> QtGui.QImage:
        """A frame drawn with OpenGL and read back, with the text and the probe's labels painted on the image."""
        return self._finish_frame(self._start_frame(purpose, width, height, pixel_scale))

    def _start_frame(self, purpose: str, width: int, height: int, pixel_scale: float) -> PendingFrame:
        """Hand a frame's drawing to OpenGL, which (in software) draws it on its own threads meanwhile."""
        self.make_current()
        try:
            fbo = self._framebuffers.get(purpose, width, height)
            self._render_frame(purpose, fbo.handle(), width, height, pixel_scale)
            GL.glFlush()
        finally:
            self.done_current()
        return PendingFrame(purpose, fbo, width, height, pixel_scale)

    def _finish_frame(self, pending: PendingFrame) -> QtGui.QImage:
        """Read a started frame back and paint its text and the probe's labels on it.

        Painting text on the read-back image costs far less than QPainter's OpenGL engine.
        """
        self.make_current()
        try:
            image = pending.framebuffer.toImage()
            pending.framebuffer.release()
        finally:
            self.done_current()
        painter = QtGui.QPainter(image)
        text = self._static_text.get(pending.purpose)
        if text is not None:
            text.paint(painter)
        scale = pending.pixel_scale
        painter.scale(scale, scale)
        width, height = pending.width / scale, pending.height / scale
        self._paint_exit_pointers(painter, width, height)
        if self._probe_overlay is not None:
            self._paint_probe_labels(painter, width, height, text.label_boxes if text is not None else ())
        painter.end()
        return image

    def _paint_exit_pointers(self, painter: QtGui.QPainter, width: float, height: float) -> None:
        """Where a run's ball has left the box, a pointer in its colour where its path leaves, pointing on."""
        self.exit_pointers = []
        exits = self.trajectory_item.exits()
        if not exits:
            return
        to_pixels = self.scene_projector(width, height)
        size = POINTER_SIZE * self.presentation_scale
        for point, step, colour in exits:
            start, ahead = to_pixels(np.array([point, point + step * 1e-3]))
            direction = ahead - start
            length = float(np.hypot(*direction))
            if length == 0.0 or not np.all(np.isfinite(start)):
                continue
            direction = direction / length
            pointer = draw_pointer(painter, start + direction * size, direction, size, QtGui.QColor.fromRgbF(*colour))
            self.exit_pointers.append(pointer)

    @staticmethod
    def _make_opaque(target: int) -> None:
        """Set every pixel's alpha to one: blending leaves partial alpha that images would otherwise keep."""
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        GL.glDisable(GL.GL_SCISSOR_TEST)
        GL.glColorMask(GL.GL_FALSE, GL.GL_FALSE, GL.GL_FALSE, GL.GL_TRUE)
        GL.glClearColor(0.0, 0.0, 0.0, 1.0)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT)
        GL.glColorMask(GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE)

    def _settle(self) -> None:
        """Draw the window's antialiased static layer now that the picture stopped changing, in the background.

        Software OpenGL draws the supersampled layer on its own threads; the window goes on handling events
        and shows the layer once it is finished (see _poll_smooth_layer). Reducing it at once made the window
        wait for it: a stall of about 45 ms, 200 ms after every change. Without OpenGL sync objects, or where
        the layer is not cached, the next frame is drawn antialiased instead.
        """
        self._drop_smooth_layer()
        _, width, height, pixel_scale = self._window_frame_size()
        scene_key = self._scene_key(width, height, pixel_scale)
        if scene_key != self._window_scene_key:
            return  # a change is on its way to the screen; its frame starts the wait again
        if self._use_static_cache:
            self.make_current()
            try:
                self.pixel_scale = pixel_scale
                layer = self._framebuffers.get("static window", width, height)
                canvas, factor = self._draw_static_items("window", layer.handle(), width, height, True)
                fence = GL.glFenceSync(GL.GL_SYNC_GPU_COMMANDS_COMPLETE, 0)
                GL.glFlush()
            except GL.GLError:
                fence = None
            finally:
                self.done_current()
            if fence:
                self._smoothing = SmoothLayer(scene_key, fence, canvas, layer, width, height, factor)
                self._smoothing_timer.start()
                return
        self._settled = True
        self.update()

    def _poll_smooth_layer(self) -> None:
        """Show the antialiased layer once OpenGL has drawn it (reduced to the frame's size), if still current."""
        pending = self._smoothing
        if pending is None:
            return
        self.make_current()
        try:
            if GL.glClientWaitSync(pending.fence, 0, 0) == GL.GL_TIMEOUT_EXPIRED:
                self._smoothing_timer.start()
                return
            self._drop_smooth_layer()
            if pending.scene_key != self._scene_key(pending.width, pending.height, self.pixel_scale):
                return  # the picture changed meanwhile: its own wait draws it antialiased
            if pending.factor > 1:
                self._reduce_framebuffer(pending.canvas, pending.layer.handle(), pending.width, pending.height,
                                         pending.factor)
            self._static_keys["window"] = pending.scene_key
        finally:
            self.done_current()
        self._settled = True
        self.update()

    def _drop_smooth_layer(self) -> None:
        """Forget the antialiased layer being drawn, if any (the context must be current, or made so here)."""
        pending, self._smoothing = self._smoothing, None
        self._smoothing_timer.stop()
        if pending is None or self._gl_context is None:
            return
        current = QtGui.QOpenGLContext.currentContext() is self._gl_context
        if not current:
            self.make_current()
        GL.glDeleteSync(pending.fence)
        if not current:
            self.done_current()

    def _draw_static_layer(self, purpose: str, target: int, width: int, height: int, smooth: bool) -> None:
        """Draw every item except the runs into target; paint the text on an image.

        Smooth, the items are drawn supersampled (twice as wide and high, lines twice as thick) and reduced
        by averaging each 2×2 block: with software OpenGL that takes about half as long as 4× multisampling. The text
        (ticks, titles, colour bar) is painted with QPainter's raster engine on a transparent image that each
        frame lays over the read-back picture: far quicker than QPainter's OpenGL engine.
        """
        canvas, factor = self._draw_static_items(purpose, target, width, height, smooth)
        if factor > 1:
            self._reduce_framebuffer(canvas, target, width, height, factor)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)

    def _draw_static_items(self, purpose: str, target: int, width: int, height: int, smooth: bool) -> tuple[int, int]:
        """Draw the static items (supersampled when smooth and not too large) and paint the text layer.

        Returns the framebuffer drawn in and the factor by which it is larger than target (1: target itself).
        """
        fits = max(width, height) * self.SUPERSAMPLING <= self.SUPERSAMPLED_LIMIT
        factor = self.SUPERSAMPLING if smooth and fits else 1
        canvas = target
        if factor > 1:
            canvas = self._framebuffers.get(f"supersampled {purpose}", width * factor, height * factor).handle()
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, canvas)
        GL.glViewport(0, 0, width * factor, height * factor)
        GL.glClearColor(*self.opts["bgcolor"])
        GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
        static_items = [item for item in self.items if item.parentItem() is None and item not in self._dynamic_items]
        self.mesh_item.full_detail = smooth or not self._use_static_cache
        pixel_scale = self.pixel_scale
        self.pixel_scale = pixel_scale * factor
        try:
            self._draw_items(static_items, width * factor, height * factor)
        finally:
            self.pixel_scale = pixel_scale
        text = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        text.fill(QtCore.Qt.GlobalColor.transparent)
        painter = QtGui.QPainter(text)
        painter.scale(pixel_scale, pixel_scale)
        label_boxes = self._paint_overlay(painter, width / pixel_scale, height / pixel_scale)
        painter.end()
        self._static_text[purpose] = TextLayer(text, label_boxes)
        return canvas, factor

    def _draw_items(self, items: list, width: int, height: int) -> None:
        """Draw these top-level items (and their children) with the current camera."""
        if self._released:
            return
        viewport = (0, 0, width, height)
        self.setProjection(viewport, viewport)
        self.setModelview()
        for item in sorted(items, key=lambda item: item.depthValue()):
            if item.visible():
                self.drawItemTree(item)

    @staticmethod
    def _reduce_framebuffer(source: int, target: int, width: int, height: int, factor: int) -> None:
        """Shrink a framebuffer factor times larger into target: colours averaged, depth sampled."""
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, source)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
        large = (0, 0, width * factor, height * factor)
        GL.glBlitFramebuffer(*large, 0, 0, width, height, GL.GL_COLOR_BUFFER_BIT, GL.GL_LINEAR)
        GL.glBlitFramebuffer(*large, 0, 0, width, height, GL.GL_DEPTH_BUFFER_BIT, GL.GL_NEAREST)

    @staticmethod
    def _copy_framebuffer(source: int, target: int, width: int, height: int) -> None:
        """Copy colour and depth from one framebuffer to another of the same size and sample count."""
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, source)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
        GL.glBlitFramebuffer(
            0, 0, width, height, 0, 0, width, height,
            GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT, GL.GL_NEAREST,
        )

    # ---------------------------------------------------------------- overlay
    @staticmethod
    def _fonts(width: float, height: float, scale: float = 1.0) -> tuple[QtGui.QFont, QtGui.QFont]:
        """Tick and title fonts sized for a frame of this logical size, times the text scale."""
        base = min(max(min(width, height) / 44.0, 11.0), 18.0) * scale
        tick_font = QtGui.QFont()
        tick_font.setPixelSize(round(base))
        title_font = QtGui.QFont()
        title_font.setPixelSize(round(base * 1.25))
        title_font.setItalic(True)
        return tick_font, title_font

    def frame_scale(self, width: float, height: float) -> float:
        """Pixels of a frame of this size per logical pixel (its text is laid out as in the window's view)."""
        return min(width / max(self.width(), 1), height / max(self.height(), 1))

    def text_room(self, width: float, height: float) -> tuple[float, float]:
        """Logical pixels the colour bar takes right of the picture and the height labels left of it.

        For a frame of this logical size: both are as wide as their widest height label needs, the labels' side
        as wide as the height axis's title too where it names an offset ("f − 1000", drawn where they are).
        """
        tick_font, title_font = self._fonts(width, height, self.text_scale)
        metrics = QtGui.QFontMetricsF(tick_font)
        widest = max((metrics.horizontalAdvance(text) for _, text in self._axis_labels.z_ticks), default=0.0)
        if self._height_title_names_offset():
            widest = max(widest, QtGui.QFontMetricsF(title_font).horizontalAdvance(self._axis_labels.titles[2]))
        widest_bar = max((metrics.horizontalAdvance(text) for _, text in self.colour_bar_ticks()), default=0.0)
        bar = (BAR_GAP + BAR_WIDTH) * metrics.height() + BAR_TICK_ROOM * self.presentation_scale + widest_bar
        return bar + EDGE_ROOM, widest + Z_LABEL_OFFSET * metrics.height() + EDGE_ROOM

    def _paint_overlay(self, painter: QtGui.QPainter, width: float, height: float) -> list[QtCore.QRectF]:
        """Draw tick labels, axis titles and the colour bar in logical pixels; return the labels' boxes."""
        painter.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing)
        painter.setPen(TEXT_COLOUR)
        tick_font, title_font = self._fonts(width, height, self.text_scale)
        placer = TextPlacer(painter, QtCore.QRectF(0.0, 0.0, width, height))

        to_pixels = self.scene_projector(width, height)
        gap = BAR_GAP * QtGui.QFontMetricsF(tick_font).height()
        w, d = BOX_HALF_WIDTH, self._mapping.half_depth
        corners = [(x, y, z) for x in (-w, w) for y in (-d, d) for z in (FLOOR_Z, BOX_HEIGHT)]
        bar_left = min(float(to_pixels(corners)[:, 0].max()) + gap, width - self.text_room(width, height)[0] + gap)
        self._colour_bar_left = bar_left
        placer.frame = QtCore.QRectF(0.0, 0.0, bar_left - gap, height)  # the axes' labels keep clear of the bar
        self._paint_axis_labels(placer, to_pixels, tick_font, title_font)
        placer.frame = QtCore.QRectF(0.0, 0.0, width, height)
        self._paint_colour_bar(placer, bar_left, height, tick_font, title_font)
        self.drawn_axis_texts = tuple(zip(placer.texts, placer.taken, strict=True))
        return [*placer.taken, *self._paint_critical_points(painter, to_pixels, width, height, placer.taken)]

    def _paint_axis_labels(self, placer: TextPlacer, to_pixels, tick_font: QtGui.QFont,
                           title_font: QtGui.QFont) -> None:
        """Tick labels along the front floor edges and a vertical edge, and the axis titles."""
        labels, mapping = self._axis_labels, self._mapping
        w, d = BOX_HALF_WIDTH, mapping.half_depth
        z = FLOOR_Z
        front = self._second_edge_in_front
        sign_y = 1.0 if front(to_pixels, ((-w, -d, z), (w, -d, z)), ((-w, d, z), (w, d, z))) else -1.0
        sign_x = 1.0 if front(to_pixels, ((-w, -d, z), (-w, d, z)), ((w, -d, z), (w, d, z))) else -1.0
        gap_x, gap_y = 0.1, 0.1 * max(d, 0.5)
        corner = self._height_axis_corner(to_pixels)
        clear_of = None if corner is None else to_pixels([(*corner, z)])[0]
        room = QtGui.QFontMetricsF(tick_font).height() * HEIGHT_AXIS_CLEARANCE
        x_anchors = to_pixels([(mapping.scene_x(v), sign_y * (d + gap_y), z) for v, _ in labels.x_ticks])
        y_anchors = to_pixels([(sign_x * (w + gap_x), mapping.scene_y(v), z) for v, _ in labels.y_ticks])
        title_x, title_y, title_z = labels.titles
        distance = QtGui.QFontMetricsF(tick_font).height() * 2.4
        # The titles first: in a small frame one moved inside it takes the place of a tick label, not the other way
        x_title = self._beyond_edge(to_pixels, (0.0, sign_y * d, z), (0.0, sign_y, 0.0), x_anchors, distance)
        placer.draw(title_font, *x_title, title_x, kept_inside=True)
        if title_y:
            y_title = self._beyond_edge(to_pixels, (sign_x * w, 0.0, z), (sign_x, 0.0, 0.0), y_anchors, distance)
            placer.draw(title_font, *y_title, title_y, kept_inside=True)
        # Of the labels of an edge that fit (not read as a height), every k-th one, each a gap from the next and from
        # the labels drawn: in a small frame (a narrow panel of a picture) they crowded slantwise along the edge,
        # 0 2 4 touching, and x's 4 ran into y's −4
        gap = LABEL_GAP * QtGui.QFontMetricsF(tick_font).capHeight()
        for anchors, ticks in ((x_anchors, labels.x_ticks), (y_anchors, labels.y_ticks)):
            fitting = [(box, (px, py), text) for (px, py), (_, text) in zip(anchors, ticks, strict=True)
                       if (clear_of is None or math.hypot(px - clear_of[0], py - clear_of[1]) > room)
                       and placer.fits(box := placer.box(tick_font, px, py, text), gap)]
            texts = [placer.text_of(box) for box, _, _ in fitting]
            for index in spaced_boxes(texts, gap, [text for _, _, text in fitting]):
                _box, (px, py), text = fitting[index]
                placer.draw(tick_font, px, py, text, gap=gap)
        self._paint_z_axis(placer, to_pixels, tick_font, title_font, title_z)

    @staticmethod
    def _beyond_edge(to_pixels, edge_middle: tuple, outward: tuple, tick_anchors: np.ndarray,
                     distance: float) -> np.ndarray:
        """A title position past the tick labels of an edge, moving away from the box on screen."""
        start, end = to_pixels([edge_middle, tuple(np.add(edge_middle, np.multiply(outward, 0.2)))])
        direction = end - start
        length = float(np.hypot(*direction))
        direction = direction / length if length > 1.0 else np.array([0.0, 1.0])
        base = tick_anchors.mean(axis=0) if len(tick_anchors) else start
        return base + direction * distance

    @staticmethod
    def _second_edge_in_front(to_pixels, first_edge: tuple, second_edge: tuple) -> bool:
        """Whether the second edge is the front one: lower on screen, or further left when level."""
        first, second = to_pixels(first_edge).mean(axis=0), to_pixels(second_edge).mean(axis=0)
        if abs(first[1] - second[1]) > 1.0:
            return bool(second[1] > first[1])
        return bool(second[0] < first[0])

    def _height_axis_corner(self, to_pixels) -> tuple[float, float] | None:
        """The floor corner (scene x, y) under the height axis: the box's leftmost; None when seen from above."""
        if self.opts["elevation"] > 75.0:
            return None
        w, d = BOX_HALF_WIDTH, self._mapping.half_depth
        corners = [(sx * w, sy * d) for sx in (-1.0, 1.0) for sy in (-1.0, 1.0)]
        return corners[int(np.argmin(to_pixels([(x, y, FLOOR_Z) for x, y in corners])[:, 0]))]

    def _paint_z_axis(self, placer: TextPlacer, to_pixels, tick_font: QtGui.QFont, title_font: QtGui.QFont,
                      title: str) -> None:
        """Height ticks left of the leftmost vertical edge of the box, unless it is seen end-on."""
        corner = self._height_axis_corner(to_pixels)
        if corner is None:
            return
        ticks = self._axis_labels.z_ticks
        anchors = to_pixels([(corner[0], corner[1], float(self._mapping.scene_z(v))) for v, _ in ticks])
        metrics = QtGui.QFontMetricsF(tick_font)
        offset = metrics.height() * Z_LABEL_OFFSET
        top = to_pixels([(corner[0], corner[1], BOX_HEIGHT * 1.09)])[0]
        title_width = QtGui.QFontMetricsF(title_font).horizontalAdvance(title)

        def draw_title() -> None:
            placer.draw(title_font, max(top[0] - offset, title_width + EDGE_ROOM), top[1], title, right_aligned=True,
                        kept_inside=True)

        if self._height_title_names_offset():  # "f − 1000": the labels cannot be read without it
            draw_title()  # before the labels: the top one gives way to it, not it to the top one
        widest = max((metrics.horizontalAdvance(text) for _, text in ticks), default=0.0)
        gap = LABEL_GAP * metrics.capHeight()  # as the floor's labels keep: Himmelblau's 1 sat on 0.007, touching
        # from the drawn height 0 (f's lowest value, or 0 for a signed f) outwards: crowded labels give way evenly
        # on both sides (30xy's axis kept −1 and dropped 0 and 1)
        for index in sorted(range(len(ticks)), key=lambda index: abs(ticks[index][0])):  # kept whole inside the frame
            (px, py), text = anchors[index], ticks[index][1]
            placer.draw(tick_font, max(px - offset, widest + EDGE_ROOM), py, text, right_aligned=True, gap=gap)
        if not self._height_title_names_offset():
            draw_title()

    def _height_title_names_offset(self) -> bool:
        """Whether the height axis's title names an offset its labels count from ("f − 1000", not "f")."""
        return self._axis_labels.titles[2] != self._height_name

    def _paint_colour_bar(self, placer: TextPlacer, left: float, height: float, tick_font: QtGui.QFont,
                          title_font: QtGui.QFont) -> None:
        """A vertical colour bar with the height ticks, its left side at the given pixel column."""
        painter = placer.painter
        metrics = QtGui.QFontMetricsF(tick_font)
        bar = QtCore.QRectF(left, height * 0.22, metrics.height() * BAR_WIDTH, height * 0.56)
        gradient = QtGui.QLinearGradient(bar.bottomLeft(), bar.topLeft())
        fractions = np.linspace(0.0, 1.0, 33)
        for fraction, colour in zip(fractions, sample_lut(self._lut, fractions), strict=True):
            gradient.setColorAt(float(fraction), QtGui.QColor.fromRgbF(*(float(c) for c in colour)))
        painter.fillRect(bar, gradient)
        scale = self.presentation_scale
        painter.setPen(QtGui.QPen(TEXT_COLOUR, 1.0 * scale))
        painter.drawRect(bar)
        ticks = sorted(self.colour_bar_ticks(), reverse=True)  # top down
        ys = np.array([bar.bottom() - fraction * bar.height() for fraction, _ in ticks])
        for y in ys:
            painter.drawLine(QtCore.QPointF(bar.right(), y), QtCore.QPointF(bar.right() + 4.0 * scale, y))
        cap = metrics.capHeight()
        for index in spaced_labels(ys - cap / 2.0, ys + cap / 2.0, LABEL_GAP * cap, [text for _, text in ticks]):
            placer.draw(tick_font, bar.right() + BAR_TICK_ROOM * scale, float(ys[index]), ticks[index][1],
                        left_aligned=True)
        placer.draw(title_font, bar.center().x(), bar.top() - metrics.height(), self.colour_bar_title(),
                    kept_inside=True)

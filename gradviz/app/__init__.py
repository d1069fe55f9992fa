"""The Qt desktop application: windows and views that observe one session."""

import OpenGL

# PyOpenGL asks glGetError after every call unless told not to, before OpenGL.GL is first imported: about 5 % of
# a playback frame. The 3D view asks for errors itself where it can fall back (see surface_view.gl_failed).
OpenGL.ERROR_CHECKING = False

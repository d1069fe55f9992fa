"""The Qt desktop application: windows and views that observe one session."""

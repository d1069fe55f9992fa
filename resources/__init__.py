"""Data shipped with gradviz: presets, lessons, icons."""

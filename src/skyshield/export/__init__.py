"""Replays of one replication's night for other tools: Tacview ACMI, KML, GeoJSON and CZML.

:mod:`skyshield.export.tracks` turns the outcome tables into a :class:`Scene` (tracks in degrees
and metres, kills, zones, places); one module per format renders a scene as text;
:func:`render` picks the format.
"""

from skyshield.export.formats import FORMATS, format_for, render
from skyshield.export.tracks import Kill, Place, Scene, Track, build_scene, scene_from_replay

__all__ = [
    "FORMATS",
    "Kill",
    "Place",
    "Scene",
    "Track",
    "build_scene",
    "format_for",
    "render",
    "scene_from_replay",
]

"""The preset gallery: worked examples from the tutorials and classic surfaces, shipped as data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from gradviz.core.errors import ScenarioError
from gradviz.core.scenario import Scenario, scenario_from_dict
from gradviz.core.shipped import read_resource_text

PRESETS_FORMAT = "gradviz-presets"
DEFAULT_PRESET = "cubic-mixed"


@dataclass(frozen=True)
class Preset:
    """One entry of the gallery: an id for the command line, a title, where it comes from, and its scenario."""

    id: str
    title: str
    source: str
    description: str
    scenario: Scenario


def _preset_from_dict(data: dict[str, Any]) -> Preset:
    try:
        return Preset(
            id=data["id"],
            title=data["title"],
            source=data.get("source", ""),
            description=data.get("description", ""),
            scenario=scenario_from_dict(data["scenario"]),
        )
    except (KeyError, ScenarioError) as error:
        raise ScenarioError(f"preset {data.get('id', '?')}: {error}") from None


@cache
def all_presets() -> tuple[Preset, ...]:
    """Every preset in gallery order."""
    data = json.loads(read_resource_text("presets.json"))
    if data.get("format") != PRESETS_FORMAT:
        raise ScenarioError("the shipped presets file is not a gradviz presets file")
    return tuple(_preset_from_dict(entry) for entry in data["presets"])


def find_preset(preset_id: str) -> Preset:
    """The preset with this id; raise ScenarioError listing the ids when there is none."""
    for preset in all_presets():
        if preset.id == preset_id:
            return preset
    names = ", ".join(preset.id for preset in all_presets())
    raise ScenarioError(f"no preset named '{preset_id}'; the presets are: {names}")

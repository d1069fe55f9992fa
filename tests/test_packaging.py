"""The wheel holds every module and resource, installs into a fresh environment, and the desktop files are valid."""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import pytest
from installed_app import app_environment, check_version_and_derive, run_app

import gradviz

pytestmark = pytest.mark.xdist_group("wheel")  # with test_bundle's tests, on one worker: the wheel is built once

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DESKTOP_FILE = PACKAGING / "gradviz.desktop"
METAINFO_FILE = PACKAGING / "io.github.gradviz.Gradviz.metainfo.xml"


def _source_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` except Python's byte-code caches."""
    return [path for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"]


def expected_wheel_files() -> set[str]:
    """The paths in the wheel of every module under gradviz/ and every file under resources/."""
    modules = {f"gradviz/{path.relative_to(ROOT / 'gradviz').as_posix()}"
               for path in _source_files(ROOT / "gradviz") if path.suffix == ".py"}
    resources = {f"gradviz/resources/{path.relative_to(ROOT / 'resources').as_posix()}"
                 for path in _source_files(ROOT / "resources")}
    return modules | resources


def test_wheel_holds_exactly_the_modules_and_resources(built_wheel: tuple[Path, str]) -> None:
    wheel, _ = built_wheel
    with zipfile.ZipFile(wheel) as archive:
        names = {name for name in archive.namelist() if ".dist-info/" not in name}
    assert expected_wheel_files() - names == set(), "missing from the wheel (see package-data in pyproject.toml)"
    assert names - expected_wheel_files() == set(), "in the wheel but not in the source tree"


def test_wheel_declares_the_command_and_version(built_wheel: tuple[Path, str]) -> None:
    wheel, _ = built_wheel
    assert wheel.name == f"gradviz-{gradviz.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        entry_points = archive.read(f"gradviz-{gradviz.__version__}.dist-info/entry_points.txt").decode()
    assert "gradviz = gradviz.cli:main" in entry_points


def test_build_leaves_no_data_folder_undeclared(built_wheel: tuple[Path, str]) -> None:
    _, log = built_wheel
    assert "Package would be ignored" not in log, "add the new resources folder to [tool.setuptools] packages"


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_environment(built_wheel: tuple[Path, str], tmp_path: Path) -> None:
    wheel, _ = built_wheel
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    try:
        # this pip installs into it (setting up its own took seconds), leaving the byte code to be compiled as each
        # run imports it (compiling SymPy whole on install took 12 s), and minding none of the source tree's settings
        install = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                                  "-q", "--no-input", "--no-compile", str(wheel)],
                                 env=app_environment(), capture_output=True, text=True, timeout=600, check=False)
        assert install.returncode == 0, f"pip install failed:\n{install.stderr[-3000:]}"
        check_version_and_derive(venv / "bin" / "gradviz", cwd=tmp_path)
        located = run_app(venv / "bin" / "python", "-c",
                          "import gradviz, importlib.resources as r; print(gradviz.__file__); "
                          "print(r.files('gradviz.resources').joinpath('icons/gradviz.svg').is_file())", cwd=tmp_path)
        module_file, icon_found = located.stdout.split()
        assert Path(module_file).is_relative_to(venv) and icon_found == "True"
        assert run_app(venv / "bin" / "gradviz", "presets", cwd=tmp_path).stdout.strip()
    finally:
        shutil.rmtree(venv, ignore_errors=True)  # Qt and SymPy make it big


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG file's header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_icon_is_rendered_at_every_size() -> None:
    assert (ICONS / "gradviz.svg").is_file() and (ICONS / "gradviz-small.svg").is_file()
    for size in ICON_SIZES:
        assert _png_size(ICONS / f"gradviz-{size}.png") == (size, size)


def test_icon_svgs_are_well_formed_and_square() -> None:
    for path in ICONS.glob("*.svg"):
        root = ElementTree.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("viewBox") == "0 0 512 512"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # desktop keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_launches_gradviz_with_its_icon() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "gradviz"
    assert entry["Categories"] == "Education;Science;Math;"
    assert (ICONS / f"{entry['Icon']}.svg").is_file()
    assert entry["StartupWMClass"] == "gradviz"  # Qt's WM_CLASS: the application name set at launch


def test_metainfo_names_the_desktop_entry_and_this_version() -> None:
    component = ElementTree.parse(METAINFO_FILE).getroot()
    assert component.get("type") == "desktop-application"
    assert METAINFO_FILE.name == f"{component.findtext('id')}.metainfo.xml"
    assert component.findtext("launchable") == DESKTOP_FILE.name
    assert component.find("releases/release").get("version") == gradviz.__version__  # type: ignore[union-attr]


@pytest.mark.parametrize(("tool", "arguments", "target"), [
    ("desktop-file-validate", (), DESKTOP_FILE),
    ("appstreamcli", ("validate", "--no-net"), METAINFO_FILE),
])
def test_desktop_files_pass_their_validators(tool: str, arguments: tuple[str, ...], target: Path) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    result = subprocess.run([tool, *arguments, str(target)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

#!/usr/bin/env bash
# Set up gradviz on a fresh Debian machine and launch it or run its tests.
#   bash packaging/dev.sh app [gradviz arguments]   install, then launch the app
#   bash packaging/dev.sh test [pytest arguments]   install with test extras, then run the whole suite
#                                                    (on one worker per core, at most four, then the tests
#                                                    marked timing alone; -n 0: in one process)
# System libraries Qt and OpenGL need (and a virtual display) are installed with apt-get where missing.
set -euo pipefail

mode="${1:-app}"
[ $# -gt 0 ] && shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="${GRADVIZ_VENV:-$root/.venv}"

system_packages=(
    xvfb xauth libgl1 libegl1 libgl1-mesa-dri libglx-mesa0 libglib2.0-0 libfontconfig1 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-render-util0 libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxcb-xfixes0
    libxrender1 libxi6 libsm6 libice6 fonts-dejavu-core desktop-file-utils appstream
)

install_system_packages() {
    local missing=()
    for package in "${system_packages[@]}"; do
        [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" == *"install ok installed"* ]] || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "gradviz: installing system packages: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_packages() {
    local extras="$1"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$venv/bin/python" -m pip install -q -e ".$extras"
}

run_tests() {
    "$venv/bin/python" -m pytest "$@" || { local code=$?; [ "$code" -eq 5 ] || return "$code"; }
}

install_system_packages
case "$mode" in
    app)
        install_python_packages ""
        if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
            echo "gradviz: no display found; running on a virtual display (see README: --screenshot)" >&2
            exec xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX +render" "$venv/bin/gradviz" "$@"
        fi
        exec "$venv/bin/gradviz" "$@"
        ;;
    test)
        install_python_packages "[test]"
        "$venv/bin/ruff" check gradviz tests benchmarks
        # Tests that measure the window's timing run alone, after the others have run on their workers; each run
        # may find none of the tests asked for (pytest's status 5), and the worse status of the two is the result.
        status=0
        run_tests -n auto --maxprocesses 4 --dist loadgroup -m "not timing" "$@" || status=$?
        run_tests -n 0 -m timing "$@" || status=$?
        exit "$status"
        ;;
    *)
        echo "usage: bash packaging/dev.sh app|test [arguments]" >&2
        exit 2
        ;;
esac

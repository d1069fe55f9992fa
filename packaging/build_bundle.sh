#!/usr/bin/env bash
# Build the one-folder gradviz bundle with PyInstaller and report its size and its largest parts.
#   bash packaging/build_bundle.sh [DIST [WHEEL]]     the bundle goes to DIST/gradviz (default: dist/gradviz)
# The bundle is made from gradviz's wheel: WHEEL, one built already, or else one built here first (the sdist, then
# the wheel from the sdist, as `python -m build` builds it); PYTHON (default .venv/bin/python) runs the build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$(realpath -m "${1:-$root/dist}")"
python="${PYTHON:-$root/.venv/bin/python}"
work="$(mktemp -d "${TMPDIR:-/tmp}/gradviz-bundle.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if ! "$python" -c "import PyInstaller, build" 2>/dev/null; then
    echo "build_bundle: installing PyInstaller and build into $("$python" -c 'import sys; print(sys.prefix)')" >&2
    "$python" -m pip install -q "pyinstaller>=6.0,<7" "build>=1.0"
fi

start=$SECONDS
if [ -n "${2:-}" ]; then
    wheel="$(realpath "$2")"
else
    echo "build_bundle: building the wheel" >&2
    "$python" -m build --outdir "$work/wheel" "$root" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
    wheel="$(ls "$work"/wheel/gradviz-*.whl)"
fi
"$python" -m zipfile -e "$wheel" "$work/stage"

echo "build_bundle: running PyInstaller" >&2
GRADVIZ_STAGE="$work/stage" "$python" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$dist" --workpath "$work/pyinstaller" "$root/packaging/gradviz.spec"

bundle="$dist/gradviz"
# Python built from source keeps its debugging symbols (20 MB and more); drop them from the Python runtime only:
# stripping every library would break the ones whose headers were rewritten when their wheels were made.
if command -v strip >/dev/null; then
    for library in "$bundle"/_internal/libpython3*.so* "$bundle"/_internal/python3*/lib-dynload/*.so; do
        if [[ "$(readelf -S "$library" 2>/dev/null)" == *.debug_info* ]]; then
            strip --strip-debug "$library"
        fi
    done
fi
"$bundle/gradviz" --version >/dev/null
echo "build_bundle: built $bundle in $((SECONDS - start)) s"
echo "size: $(du -sh "$bundle" | cut -f1)"
echo "largest parts:"
# sed reads to the end (head would stop early, and pipefail would turn sort's SIGPIPE into the script's failure).
du -s -B1 "$bundle/gradviz" "$bundle"/_internal/* | sort -rn | sed -n '1,10p' \
    | while read -r bytes path; do printf '  %8s  %s\n' "$(numfmt --to=iec "$bytes")" "${path#"$bundle"/}"; done

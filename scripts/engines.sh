#!/usr/bin/env bash
# Installs what `synergai profile measure` loads at run time, with pip as
# configured on this machine, under ${XDG_CACHE_HOME:-~/.cache}/synergai/engines/py:
# the onnxruntime wheel (libonnxruntime.so, loaded by the binary; tract is
# compiled in) and the onnx wheel (its model-zoo graphs, e.g.
# onnx/backend/test/data/light/light_resnet50.onnx, weights generated at
# load time). Only the two wheels (--no-deps): no Python code of theirs runs.
# Prints the library and the models' directory. Idempotent; re-run to change
# versions (ONNXRUNTIME_VERSION, ONNX_VERSION).
set -euo pipefail
ort_version="${ONNXRUNTIME_VERSION:-1.32.0}"
onnx_version="${ONNX_VERSION:-1.23.2}"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/synergai/engines"
py="$dir/py"
stamp="$dir/installed-$ort_version-$onnx_version"

if [ ! -e "$stamp" ]; then
    if command -v pip3 >/dev/null; then pip=(pip3)
    elif command -v pip >/dev/null; then pip=(pip)
    elif command -v python3 >/dev/null; then pip=(python3 -m pip)
    else
        echo "engines.sh: pip is needed (apt-get install python3-pip)" >&2
        exit 1
    fi
    rm -rf "$py"
    mkdir -p "$dir"
    "${pip[@]}" install --quiet --disable-pip-version-check --no-deps --target "$py" \
        "onnxruntime==$ort_version" "onnx==$onnx_version" >&2
    touch "$stamp"
fi

lib=$(find "$py/onnxruntime/capi" -name 'libonnxruntime.so*' -type f | sort | tail -1)
models="$py/onnx/backend/test/data/light"
[ -n "$lib" ] && [ -d "$models" ] || { echo "engines.sh: the install under $py is incomplete" >&2; exit 1; }
echo "onnxruntime $lib"
echo "models $models"

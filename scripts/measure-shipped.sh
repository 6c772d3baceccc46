#!/usr/bin/env bash
# Measures this machine for the shipped profile and regenerates it:
#
#   scripts/measure-shipped.sh            # ~2 minutes on 2 cores
#
# `synergai profile measure` (release build) runs resnet50 (the onnx wheel's
# model-zoo graph, scripts/engines.sh) on onnxruntime and tract at 1 and 2
# threads, 10 s each, and writes fixtures/profiles/measured/ARCH.json;
# scripts/gen-profile.py then appends that architecture, its rows and its
# provenance to fixtures/profiles/edge-cloud.yaml, which is validated and
# copied into deploy/profile-configmap.yaml.
# Run it on an otherwise idle machine: the rows are what it measured.
#
# ARCH defaults to xeon-vm-2c (the 2-vCPU Xeon VM the project's CI runs on);
# another machine class should be measured under another name:
#
#   SYNERGAI_ARCH=graviton-vm-2c scripts/measure-shipped.sh
set -euo pipefail
cd "$(dirname "$0")/.."

arch=${SYNERGAI_ARCH:-xeon-vm-2c}
duration=${SYNERGAI_MEASURE_DURATION:-10s}
out=fixtures/profiles/measured/$arch.json

scripts/engines.sh >/dev/null
cargo build --release --quiet
mkdir -p fixtures/profiles/measured
target/release/synergai profile measure \
    --arch "$arch" --name "measured-$arch" \
    --model resnet50 --engine onnxruntime,tract --threads 1,2 \
    --duration "$duration" --warmup 5 \
    -o json --out "$out"
python3 scripts/gen-profile.py > fixtures/profiles/edge-cloud.yaml.new
mv fixtures/profiles/edge-cloud.yaml.new fixtures/profiles/edge-cloud.yaml
target/release/synergai fixture validate fixtures/profiles/edge-cloud.yaml
scripts/gen-deploy-profile.sh   # deploy/'s profile ConfigMap carries the same profile
echo "measured $arch into $out; fixtures/profiles/edge-cloud.yaml regenerated"

#!/usr/bin/env bash
# Regenerates docs/ from the schema descriptions and examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja >/dev/null
fi
cmake --build "$BUILD_DIR" --target secureaml-docgen -j "$(nproc)" >/dev/null
"$BUILD_DIR/provider/docgen/secureaml-docgen" --examples examples --out docs

#!/usr/bin/env bash
# Installs what is missing, configures, builds and runs every test.
# This is the README's test command; .ci/run calls it unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

bash scripts/install-deps.sh

BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-$(nproc)}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSECUREAML_TOLERATE_MISSING_SOURCES=OFF >/dev/null
echo "test: building in $BUILD_DIR with $JOBS jobs"
cmake --build "$BUILD_DIR" -j "$JOBS"

echo "test: running ctest"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 900
echo "test: finished in $(( $(date +%s) - start ))s"

#!/usr/bin/env bash
# Produces the files the Terraform Registry expects for one platform:
#   dist/terraform-provider-secureaml_<version>_linux_amd64.zip
#   dist/terraform-provider-secureaml_<version>_manifest.json
#   dist/terraform-provider-secureaml_<version>_SHA256SUMS
# Signing (SHA256SUMS.sig) needs the maintainers' GPG key and happens on the
# release machine: gpg --detach-sign dist/*_SHA256SUMS
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build-release}"
version=$(sed -n 's/^project(terraform-provider-secureaml VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
name=terraform-provider-secureaml

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSECUREAML_BUILD_TESTS=OFF -DSECUREAML_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target "$name" -j "$(nproc)" >/dev/null

dist=dist
rm -rf "$dist" && mkdir -p "$dist/stage"
install -m 0755 "$BUILD_DIR/provider/$name" "$dist/stage/${name}_v$version"
strip "$dist/stage/${name}_v$version"
(cd "$dist/stage" && zip -q -X "../${name}_${version}_linux_amd64.zip" "${name}_v$version")
cp terraform-registry-manifest.json "$dist/${name}_${version}_manifest.json"
(cd "$dist" && sha256sum "${name}_${version}_linux_amd64.zip" "${name}_${version}_manifest.json" > "${name}_${version}_SHA256SUMS")
rm -rf "$dist/stage"
ls -l "$dist"

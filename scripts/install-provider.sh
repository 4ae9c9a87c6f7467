#!/usr/bin/env bash
# Builds the provider (if needed) and installs it into the implied local
# mirror Terraform and OpenTofu search without any CLI configuration:
#   ~/.terraform.d/plugins/registry.terraform.io/secureaml/secureaml/<version>/linux_amd64/
# Prints the installed path.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"

version=$(sed -n 's/^project(terraform-provider-secureaml VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD_DIR" --target terraform-provider-secureaml -j "$(nproc)" >/dev/null

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
dir="${TF_PLUGIN_MIRROR:-$HOME/.terraform.d/plugins}/registry.terraform.io/secureaml/secureaml/$version/linux_$arch"
mkdir -p "$dir"
install -m 0755 "$BUILD_DIR/provider/terraform-provider-secureaml" "$dir/terraform-provider-secureaml_v$version"
echo "$dir/terraform-provider-secureaml_v$version"

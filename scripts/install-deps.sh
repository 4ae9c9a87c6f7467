#!/usr/bin/env bash
# Installs everything the build, the tests and the quickstart need on a fresh
# Debian 12 machine: Debian packages only, plus the npm packages the emulator's
# contract check uses (installed inside the clone, never globally).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev nlohmann-json3-dev libssl-dev openssl libcpprest-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-format clang-tidy libclang-rt-14-dev
  zip unzip curl
)
# Node.js and npm run the contract check. A machine may already carry its own
# (not Debian's) Node: use it rather than fight it with Debian's packages.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "install-deps: all Debian packages present"
fi

# npm packages for the ARM contract check (oav) and the second independent
# client (@azure/arm-*) live in tests/emulator/contract/node_modules.
if [ -f tests/emulator/contract/package.json ]; then
  if [ ! -d tests/emulator/contract/node_modules ]; then
    echo "install-deps: npm install in tests/emulator/contract"
    (cd tests/emulator/contract && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
echo "install-deps: done"

#!/usr/bin/env bash
# Drives a provider binary with a real Terraform: filesystem-mirror install,
# init, validate, plan, apply (and in "echo" mode update, replace and
# destroy), once on the protocol Terraform negotiates (6) and once with
# SECUREAML_FORCE_PROTOCOL=5. AutoMTLS stays on (Terraform's default), and
# the Terraform log is checked for the negotiated version and for TLS; one
# extra plan per protocol runs with TF_DISABLE_PLUGIN_TLS=1 (plaintext).
#
# usage: terraform_smoke_test.sh BINARY [echo|empty]
#   echo  - BINARY is secureaml_echo_provider (resource/data "secureaml_echo")
#   empty - any provider binary; only a provider block, zero resources
set -euo pipefail

bin=$(readlink -f "$1")
mode=${2:-empty}
tf=${TERRAFORM:-terraform}
version=0.1.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$work/mirror/registry.terraform.io/secureaml/secureaml/$version/linux_amd64
mkdir -p "$pkg"
cp "$bin" "$pkg/terraform-provider-secureaml_v$version"

cat >"$work/cli.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/secureaml/secureaml"]
  }
}
CFG
export TF_CLI_CONFIG_FILE=$work/cli.tfrc
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_REATTACH_PROVIDERS TF_DISABLE_PLUGIN_TLS SECUREAML_FORCE_PROTOCOL

fail() { echo "FAIL: $*" >&2; exit 1; }

run() {  # run DIR LOGFILE terraform-args...
  local dir=$1 log=$2
  shift 2
  local start end
  start=$(date +%s%N)
  if ! TF_LOG=trace TF_LOG_PATH="$log" "$tf" -chdir="$dir" "$@" -no-color \
      >"$dir/out.txt" 2>&1; then
    cat "$dir/out.txt" >&2
    fail "terraform $*"
  fi
  end=$(date +%s%N)
  printf '  terraform %-28s ok (%d ms)\n' "$1" $(((end - start) / 1000000))
}

expect() {  # expect DIR PATTERN
  grep -qE "$2" "$1/out.txt" || { cat "$1/out.txt" >&2; fail "no '$2'"; }
}

check_log() {  # check_log LOG PROTOCOL
  grep -qE "using plugin.*version=$2" "$1" ||
    fail "Terraform did not negotiate protocol $2 (see $1)"
  grep -qE 'plugin server started.*tls=true' "$1" ||
    fail "provider did not serve AutoMTLS (see $1)"
  if grep -qE 'panic:|Plugin did not respond|unexpected EOF' "$1"; then
    fail "provider crashed or dropped a call (see $1)"
  fi
}

for proto in 6 5; do
  dir=$work/p$proto
  mkdir -p "$dir"
  if [[ $proto == 5 ]]; then export SECUREAML_FORCE_PROTOCOL=5; fi
  echo "protocol $proto:"
  if [[ $mode == echo ]]; then
    cat >"$dir/main.tf" <<'TF'
terraform {
  required_providers {
    secureaml = { source = "secureaml/secureaml" }
  }
}
provider "secureaml" { prefix = "t-" }
variable "name" { default = "a" }
variable "note" { default = "one" }
resource "secureaml_echo" "x" {
  name = var.name
  note = var.note
}
data "secureaml_echo" "y" { input = secureaml_echo.x.id }
output "id" { value = secureaml_echo.x.id }
output "echo" { value = data.secureaml_echo.y.output }
TF
  else
    cat >"$dir/main.tf" <<'TF'
terraform {
  required_providers {
    secureaml = { source = "secureaml/secureaml" }
  }
}
provider "secureaml" {}
TF
  fi
  log=$work/tf$proto.log
  run "$dir" "$log" init
  expect "$dir" "Installed secureaml/secureaml v$version"
  run "$dir" "$log" validate
  run "$dir" "$log" plan -out=tfplan
  run "$dir" "$log" apply tfplan
  check_log "$log" "$proto"
  if [[ $mode == echo ]]; then
    [[ $("$tf" -chdir="$dir" output -raw id) == t-a ]] || fail "id"
    [[ $("$tf" -chdir="$dir" output -raw echo) == echo:t-a ]] || fail "echo"
    run "$dir" "$log" plan -var note=two -out=tfplan
    expect "$dir" "1 to change, 0 to destroy"
    run "$dir" "$log" apply tfplan
    run "$dir" "$log" apply -auto-approve -var note=two -var name=b
    expect "$dir" "1 added, 0 changed, 1 destroyed"
    [[ $("$tf" -chdir="$dir" output -raw id) == t-b ]] || fail "replace"
    run "$dir" "$log" plan -var note=two -var name=b -detailed-exitcode
    expect "$dir" "No changes"
    run "$dir" "$log" destroy -auto-approve -var note=two -var name=b
    expect "$dir" "1 destroyed"
  else
    expect "$dir" "Apply complete! Resources: 0 added"
  fi
  check_log "$log" "$proto"
  # AutoMTLS off (TF_DISABLE_PLUGIN_TLS): no client cert, plaintext server.
  TF_DISABLE_PLUGIN_TLS=1 run "$dir" "$work/plain$proto.log" plan
  grep -qE 'plugin server started.*tls=false' "$work/plain$proto.log" ||
    fail "provider did not serve plaintext without PLUGIN_CLIENT_CERT"
done
echo "PASS"

#!/usr/bin/env bash
# Plans every docs example (examples/resources/*, examples/data-sources/*)
# with a real Terraform core against the ARM emulator's landing zone: the
# snippets in the registry docs must validate and plan without an error.
# How a snippet becomes a plannable configuration: tests/examples/harness.js.
#
#   BUILD_DIR=build bash tests/examples/plan_examples.sh [terraform|tofu]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
tool="${1:-terraform}"
BUILD_DIR="${BUILD_DIR:-build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$root/$BUILD_DIR" ;; esac
work="${EXAMPLES_WORK_DIR:-$BUILD_DIR/examples-plan}"
rm -rf "$work"
mkdir -p "$work"

provider="$BUILD_DIR/provider/terraform-provider-secureaml"
emulator="$BUILD_DIR/tests/emulator/secureaml-arm-emulator"
for f in "$provider" "$emulator"; do
  [ -x "$f" ] || { echo "plan-examples: $f is not built" >&2; exit 1; }
done

# The provider, from a filesystem mirror private to this run.
version=$(sed -n 's/^project(terraform-provider-secureaml VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
mirror="$work/mirror/registry.terraform.io/secureaml/secureaml/$version/linux_amd64"
mkdir -p "$mirror"
cp "$provider" "$mirror/terraform-provider-secureaml_v$version"
cat > "$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/secureaml/secureaml"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
export TF_PLUGIN_CACHE_DIR="$work/plugin-cache"
mkdir -p "$TF_PLUGIN_CACHE_DIR"

echo "==> $tool fmt -check on examples/"
"$tool" fmt -check -recursive -diff examples

echo "==> starting the ARM emulator with the landing zone"
"$emulator" --port 0 --ca-cert-out "$work/ca.pem" --env-out "$work/env.sh" \
  --landing-zone --landing-zone-out "$work/landing-zone.json" \
  >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null || true; wait $emulator_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$work/env.sh" ] && [ -s "$work/landing-zone.json" ] && break
  sleep 0.1
done
# shellcheck disable=SC1091
source "$work/env.sh"
export ARM_USE_CLI=false

# The data-source examples look up workspace ws1103, which another team
# would own: seed it out of band.
sub=$(node -p 'require(process.argv[1]).subscription_id' "$work/landing-zone.json")
ws_id="/subscriptions/$sub/resourceGroups/ws1103/providers/Microsoft.MachineLearningServices/workspaces/ws1103"
curl -sf --cacert "$work/ca.pem" -X PUT \
  "https://$ARM_METADATA_HOSTNAME/_emulator/resources?id=$ws_id" \
  -H 'content-type: application/json' -d "$(node -e '
const lz = require(process.argv[1]);
console.log(JSON.stringify({
  type: "Microsoft.MachineLearningServices/workspaces", name: "ws1103",
  location: lz.location, kind: "Default",
  identity: {type: "SystemAssigned", principalId: "3f2d6c1e-8a4b-4f0e-9b7d-2c5e1a9f4d60", tenantId: lz.tenant_id},
  sku: {name: "Basic", tier: "Basic"},
  properties: {friendlyName: "ws1103", storageAccount: lz.storage_account_id,
    keyVault: lz.key_vault_id, applicationInsights: lz.application_insights_id,
    containerRegistry: lz.container_registry_id, publicNetworkAccess: "Disabled",
    hbiWorkspace: true, provisioningState: "Succeeded",
    workspaceId: "5b1f7c2a-9d3e-4a8b-b6c4-1e2f3a4b5c6d"}}));' "$work/landing-zone.json")" >/dev/null

# Snippets read the user's SSH key with file("~/.ssh/id_rsa.pub"): give
# Terraform a home with a freshly generated one.
export HOME="$work/home"
mkdir -p "$HOME/.ssh"
node -e '
const crypto = require("crypto");
const {publicKey} = crypto.generateKeyPairSync("rsa", {modulusLength: 2048});
const jwk = publicKey.export({format: "jwk"});
const field = b => { const n = Buffer.alloc(4); n.writeUInt32BE(b.length); return Buffer.concat([n, b]); };
const mpint = b64 => { let b = Buffer.from(b64, "base64url"); if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]); return field(b); };
const blob = Buffer.concat([field(Buffer.from("ssh-rsa")), mpint(jwk.e), mpint(jwk.n)]);
console.log(`ssh-rsa ${blob.toString("base64")} examples@plan`);' > "$HOME/.ssh/id_rsa.pub"

failed=0
total=0
for dir in examples/resources/* examples/data-sources/*; do
  [ -d "$dir" ] || continue
  name=${dir#examples/}
  out="$work/$name"
  total=$((total + 1))
  echo "==> $name"
  if ! node tests/examples/harness.js examples "$name" "$work/landing-zone.json" "$out"; then
    failed=$((failed + 1)); continue
  fi
  (
    cd "$out"
    "$tool" init -input=false -no-color >init.log 2>&1 || { cat init.log; exit 1; }
    "$tool" validate -no-color >validate.log 2>&1 || { cat validate.log; exit 1; }
    set +e
    "$tool" plan -input=false -no-color -detailed-exitcode >plan.log 2>&1
    rc=$?
    set -e
    # 0: nothing to do (data sources only), 2: a plan with changes.
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then cat plan.log; exit 1; fi
    grep -E "^Plan:|^No changes" plan.log || true
    if grep -q "^Warning:" plan.log; then
      grep -A3 "^Warning:" plan.log | sed 's/^/    /'
    fi
  ) || { echo "plan-examples: $name does not plan cleanly" >&2; failed=$((failed + 1)); }
done

echo "plan-examples: $((total - failed)) of $total example folders planned cleanly with $tool"
[ "$failed" -eq 0 ]

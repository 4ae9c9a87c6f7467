#!/usr/bin/env bash
# The quickstart: builds the provider, starts the local ARM emulator with the
# walkthrough's landing zone and realistic operation durations, and applies
# examples/secure-platform with terraform (or tofu). Without either on PATH it
# runs the same scenario through the conformance client instead.
#
#   bash scripts/quickstart.sh            # apply, re-plan, show outputs
#   bash scripts/quickstart.sh --destroy  # ... then destroy everything
#   bash scripts/quickstart.sh --fast     # emulator durations of zero
#   bash scripts/quickstart.sh --verify   # also update in place, destroy,
#                                         # and fail unless the emulator is
#                                         # back to its landing zone (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

destroy=0
fast=0
verify=0
for arg in "$@"; do
  case "$arg" in
    --destroy) destroy=1 ;;
    --fast) fast=1 ;;
    --verify) verify=1; destroy=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "quickstart: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

BUILD_DIR="${BUILD_DIR:-build}"
work="${QUICKSTART_DIR:-$root/build-quickstart}"
mkdir -p "$work"

t0=$(date +%s)
stage_start=$t0
stage() {
  local now; now=$(date +%s)
  if [ -n "${stage_name:-}" ]; then
    printf '  done in %ss\n' "$((now - stage_start))"
  fi
  stage_name="$1"; stage_start=$now
  printf '==> %s\n' "$1"
}

stage "Installing dependencies (Debian packages)"
bash scripts/install-deps.sh >"$work/install-deps.log" 2>&1 || {
  cat "$work/install-deps.log"; exit 1; }

stage "Building the provider, the ARM emulator and the conformance client"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/cmake.log"
fi
cmake --build "$BUILD_DIR" -j "$(nproc)" --target terraform-provider-secureaml \
  secureaml-arm-emulator secureaml-conformance >"$work/build.log" 2>&1 || {
  tail -50 "$work/build.log"; exit 1; }

# QUICKSTART_TOOL=terraform|tofu picks one; QUICKSTART_TOOL=none forces the
# conformance-client path.
tool=""
for candidate in ${QUICKSTART_TOOL:-terraform tofu}; do
  [ "$candidate" = none ] && break
  if command -v "$candidate" >/dev/null 2>&1; then tool=$candidate; break; fi
done

if [ -z "$tool" ]; then
  echo "quickstart: neither terraform nor tofu is on PATH; running the same scenario through the conformance client"
  stage "Applying, re-planning, updating, importing and destroying the secure platform (conformance client)"
  scenario=examples/secure-platform/scenario.json
  if [ "$fast" = 1 ]; then
    sed 's/emulator-realistic.json/emulator-fast.json/' "$scenario" > "$work/scenario.json"
    scenario="$work/scenario.json"
  fi
  "$BUILD_DIR/tests/conformance/secureaml-conformance" \
    --provider "$BUILD_DIR/provider/terraform-provider-secureaml" \
    --emulator "$BUILD_DIR/tests/emulator/secureaml-arm-emulator" \
    --scenario "$scenario"
  stage "Finished"
  echo "quickstart: total $(( $(date +%s) - t0 ))s"
  exit 0
fi

stage "Starting the ARM emulator with the landing zone"
config=examples/secure-platform/emulator-realistic.json
[ "$fast" = 1 ] && config=examples/secure-platform/emulator-fast.json
rm -f "$work/emulator.out"
"$BUILD_DIR/tests/emulator/secureaml-arm-emulator" --port 0 \
  --ca-cert-out "$work/ca.pem" --env-out "$work/env.sh" \
  --landing-zone --landing-zone-out "$work/landing-zone.json" \
  --config "$config" >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
cleanup() {
  kill "$emulator_pid" 2>/dev/null || true
  wait "$emulator_pid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  [ -s "$work/emulator.out" ] && break
  sleep 0.1
done
head -1 "$work/emulator.out"
# shellcheck disable=SC1091
source "$work/env.sh"
export ARM_USE_CLI=false

# Inputs for the root module, from the landing zone the emulator created.
node -e '
const lz = require(process.argv[1]);
const vars = {
  location: lz.location,
  resource_group_name: lz.resource_group_name,
  vnet_id: lz.vnet_id,
  training_subnet_id: lz.training_subnet_id,
  scoring_subnet_id: lz.scoring_subnet_id,
  nsg_id: lz.nsg_id,
  key_vault_id: lz.key_vault_id,
  key_id: lz.key_versioned_id,
  storage_account_id: lz.storage_account_id,
  container_registry_id: lz.container_registry_id,
  application_insights_id: lz.application_insights_id,
  aks_cluster_id: lz.aks_cluster_id,
  data_scientist_object_id: lz.principals.data_scientist.object_id,
  tenant_id: lz.tenant_id,
};
process.stdout.write(JSON.stringify(vars, null, 2));
' "$work/landing-zone.json" > examples/secure-platform/quickstart.auto.tfvars.json


stage "Installing the provider into the local plugin mirror"
bash scripts/install-provider.sh

cd examples/secure-platform
export TF_IN_AUTOMATION=1
export TF_CLI_CONFIG_FILE="$work/terraformrc"
: > "$TF_CLI_CONFIG_FILE"
rm -rf .terraform .terraform.lock.hcl terraform.tfstate terraform.tfstate.*backup

stage "$tool init"
"$tool" init -input=false -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }

stage "$tool apply (the whole secure platform)"
"$tool" apply -input=false -auto-approve -no-color

stage "$tool plan (must report no changes)"
set +e
"$tool" plan -input=false -detailed-exitcode -no-color >"$work/replan.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  cat "$work/replan.log"
  echo "quickstart: the second plan was not empty (exit $rc)" >&2
  exit 1
fi
grep -E "No changes" "$work/replan.log" || true

stage "Outputs"
"$tool" output -no-color

# The --verify update: new tags everywhere, and the training cluster scaled.
update_vars=(-var 'extra_tags={"stage":"updated"}' -var training_max_nodes=8)

if [ "$verify" = 1 ]; then
  stage "$tool apply with changed tags and a scaled cluster (must update in place, replace nothing)"
  "$tool" apply -input=false -auto-approve -no-color \
    "${update_vars[@]}" >"$work/update.log" 2>&1 || {
    cat "$work/update.log"; exit 1; }
  summary=$(grep -E "^Apply complete" "$work/update.log")
  echo "$summary"
  case "$summary" in
    *" 0 added, "*" 0 destroyed"*) ;;
    *) echo "quickstart: the update did not happen in place" >&2; exit 1 ;;
  esac
  case "$summary" in
    *" 0 changed"*) echo "quickstart: the update changed nothing" >&2; exit 1 ;;
  esac
  grep -q "secureaml_compute_cluster.training: Modifications complete" "$work/update.log" || {
    echo "quickstart: the training cluster was not scaled in place" >&2; exit 1; }
  set +e
  "$tool" plan -input=false -detailed-exitcode -no-color \
    "${update_vars[@]}" >"$work/replan2.log" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || { cat "$work/replan2.log"; echo "quickstart: plan after update not empty" >&2; exit 1; }

  stage "$tool import of every resource (state rm, import, plan must be empty)"
  "$tool" show -json | node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  const out = [];
  const walk = m => {
    (m.resources || []).filter(r => r.mode === "managed")
        .forEach(r => out.push(r.address + "\t" + r.values.id));
    (m.child_modules || []).forEach(walk);
  };
  walk(JSON.parse(s).values.root_module);
  console.log(out.join("\n"));
});' > "$work/import-ids.tsv"
  imported=0
  while IFS=$'\t' read -r addr id; do
    "$tool" state rm -no-color "$addr" >/dev/null
    "$tool" import -input=false -no-color "${update_vars[@]}" \
      "$addr" "$id" >"$work/import.log" 2>&1 || {
      cat "$work/import.log"; echo "quickstart: import of $addr failed" >&2; exit 1; }
    imported=$((imported + 1))
  done < "$work/import-ids.tsv"
  set +e
  "$tool" plan -input=false -detailed-exitcode -no-color \
    "${update_vars[@]}" >"$work/replan3.log" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || { cat "$work/replan3.log"; echo "quickstart: plan after import not empty" >&2; exit 1; }
  echo "imported $imported resources; the plan after import is empty"
fi

if [ "$destroy" = 1 ]; then
  stage "$tool destroy"
  destroy_vars=()
  [ "$verify" = 1 ] && destroy_vars=("${update_vars[@]}")
  "$tool" destroy -input=false -auto-approve -no-color "${destroy_vars[@]}"
  # Everything left must belong to the landing zone (or be a built-in role).
  leftovers=$(curl -s --cacert "$work/ca.pem" \
    "https://$ARM_METADATA_HOSTNAME/_emulator/resources" | node -e '
const lz = require(process.argv[1]);
const seeded = new Set(Object.values(lz).filter(v => typeof v === "string")
                           .map(v => v.toLowerCase()));
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  const list = JSON.parse(s).value || [];
  const extra = list.filter(r => !seeded.has(r.id.toLowerCase()) &&
      !r.id.toLowerCase().startsWith("/providers/microsoft.authorization/") &&
      !/\/subnets\/|\/keys\//i.test(r.id));
  extra.forEach(r => console.log(r.id));
});' "$work/landing-zone.json")
  if [ -n "$leftovers" ]; then
    echo "quickstart: resources left in the emulator after destroy:" >&2
    echo "$leftovers" >&2
    [ "$verify" = 1 ] && exit 1
  else
    echo "emulator: only the landing zone is left"
  fi
else
  echo "(run with --destroy to tear everything down; state is in examples/secure-platform)"
fi
stage "Finished"
echo "quickstart: total $(( $(date +%s) - t0 ))s"

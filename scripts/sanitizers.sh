#!/usr/bin/env bash
# Sanitizer and fuzzing stages (scripts/test.sh runs all of them after the
# normal build; CI therefore runs them). By hand:
#
#   bash scripts/sanitizers.sh            # asan, fuzz, tsan
#   bash scripts/sanitizers.sh fuzz       # any subset, in the order given
#
# asan: clang build with ASan+UBSan and libFuzzer coverage (build-asan), the
#       unit-labelled tests (ctest -L unit).
# fuzz: every libFuzzer target from that same build, FUZZ_SECONDS (60) each,
#       over a copy of its corpus in the repo; any crash, leak, UB report or
#       timeout fails. Crash inputs stay in build-asan/fuzz/<target>/.
# tsan: clang build with TSan (build-tsan) of the tests that issue
#       concurrent requests against our own code.
#
# One clang build serves asan and fuzz: the coverage instrumentation is
# inert without libFuzzer's driver, and compiling the tree twice would cost
# more than the whole CI budget for these stages.
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS="${JOBS:-$(nproc)}"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
ASAN_DIR="${ASAN_BUILD_DIR:-build-asan}"
TSAN_DIR="${TSAN_BUILD_DIR:-build-tsan}"
# -O1 and line tables only: fast enough to build on 2 cores, and sanitizer
# reports still name file:line. CMAKE_BUILD_TYPE=None adds no flags of its
# own (an empty build type becomes RelWithDebInfo in CMakeLists.txt, which
# means -O2 -g and NDEBUG: slower builds and no asserts).
SAN_FLAGS="-O1 -gline-tables-only"

# No suppressions: the TSan tests below run only our own threads, so
# nothing from uninstrumented Debian libraries (gRPC, protobuf, abseil)
# needs one. Add a file only for such code, with the reason per entry.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_init_order=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"

stage_start=0
begin() {
  stage_start=$(date +%s)
  echo "sanitizers: $1"
}
finish() { echo "sanitizers: $1 took $(($(date +%s) - stage_start))s"; }

# The executables behind the tests carrying a ctest label, as build targets.
# (The test named docs_up_to_date runs secureaml-docgen, so names alone are
# not enough.)
targets_for_label() {
  local dir="$1" label="$2" name exe
  for name in $(ctest --test-dir "$dir" -N -L "$label" |
    sed -n 's/^ *Test *#[0-9]*: //p'); do
    exe=$(find "$dir" -name CTestTestfile.cmake \
      -exec grep -h "^add_test(\[=\[$name\]=\]" {} + |
      sed -E 's/^add_test\(\[=\[[^]]*\]=\] "([^"]*)".*/\1/')
    basename "$exe"
  done | sort -u
}

# Warnings are the normal (gcc) build's gate; clang's extra ones must not
# stop a sanitizer stage.
configure_clang() {
  local dir="$1" sanitize="$2" extra_flags="$3"
  shift 3
  # Each stage's compiler cache stays inside the clone, beside its build.
  export CCACHE_DIR="$PWD/$dir/.ccache"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$SAN_FLAGS $extra_flags" \
    -DSECUREAML_SANITIZE="$sanitize" -DSECUREAML_BUILD_BENCHMARKS=OFF \
    -DSECUREAML_WERROR=OFF -DSECUREAML_TOLERATE_MISSING_SOURCES=OFF "$@" \
    >/dev/null
}

stage_asan() {
  begin "ASan+UBSan build of the unit tests in $ASAN_DIR"
  configure_clang "$ASAN_DIR" "address;undefined" -fsanitize=fuzzer-no-link \
    -DSECUREAML_FUZZ=ON
  # shellcheck disable=SC2046 # one target per word
  cmake --build "$ASAN_DIR" -j "$JOBS" --target \
    $(targets_for_label "$ASAN_DIR" unit) value_codec_fuzz protocol_request_fuzz
  echo "sanitizers: running ctest -L unit under ASan+UBSan"
  ctest --test-dir "$ASAN_DIR" -L unit --output-on-failure -j "$JOBS" \
    --timeout 600
  finish asan
}

# fuzz_one <target> <corpus in the repo>: runs in the background; the
# caller waits. libFuzzer adds what it finds to the copy, never the repo.
fuzz_one() {
  local target="$1" corpus="$2" work="$ASAN_DIR/fuzz/$1"
  rm -rf "$work" && mkdir -p "$work/corpus"
  cp "$corpus"/* "$work/corpus/"
  "$ASAN_DIR/$(dirname "$corpus")/$target" "$work/corpus" \
    -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 >"$work/log" 2>&1
}

stage_fuzz() {
  begin "fuzzing for ${FUZZ_SECONDS}s per target"
  if [[ ! -x "$ASAN_DIR/provider/value/value_codec_fuzz" ||
    ! -x "$ASAN_DIR/provider/protocol/protocol_request_fuzz" ]]; then
    echo "sanitizers: fuzz targets missing; run the asan stage first" >&2
    return 1
  fi
  # Both at once: one core each.
  local pids=() targets=(value_codec_fuzz protocol_request_fuzz) failed=0 t i
  fuzz_one value_codec_fuzz provider/value/fuzz_corpus &
  pids+=($!)
  fuzz_one protocol_request_fuzz provider/protocol/fuzz_corpus &
  pids+=($!)
  for i in "${!pids[@]}"; do
    t="${targets[$i]}"
    if wait "${pids[$i]}"; then
      echo "sanitizers: $t: $(grep -m1 -E '^stat::number_of_executed_units' \
        "$ASAN_DIR/fuzz/$t/log" | awk '{print $2}') inputs, no failure"
    else
      failed=1
      echo "sanitizers: $t FAILED; its log:" >&2
      tail -n 60 "$ASAN_DIR/fuzz/$t/log" >&2
      echo "sanitizers: reproduce with $ASAN_DIR/provider/*/$t" \
        "$ASAN_DIR/fuzz/$t/<crash file>; then add that file to the" \
        "target's fuzz_corpus/ with the fix." >&2
    fi
  done
  finish fuzz
  return "$failed"
}

# The tests whose threads run our own concurrency (core request path, stop
# token, logging, credential cache): gRPC from Debian is not instrumented,
# so nothing here starts a gRPC server.
TSAN_TESTS=(cancellation_test logging_test provider_server_test
  protocol_concurrent_rpc_test credentials_test)

stage_tsan() {
  begin "TSan build of the concurrent request path in $TSAN_DIR"
  configure_clang "$TSAN_DIR" thread ""
  cmake --build "$TSAN_DIR" -j "$JOBS" --target "${TSAN_TESTS[@]}"
  local regex
  regex="^($(
    IFS='|'
    echo "${TSAN_TESTS[*]}"
  ))\$"
  ctest --test-dir "$TSAN_DIR" -R "$regex" --output-on-failure -j "$JOBS" \
    --timeout 600
  finish tsan
}

stages=("$@")
[[ ${#stages[@]} -gt 0 ]] || stages=(asan fuzz tsan)
total_start=$(date +%s)
for s in "${stages[@]}"; do
  case "$s" in
  asan) stage_asan ;;
  fuzz) stage_fuzz ;;
  tsan) stage_tsan ;;
  *)
    echo "sanitizers: unknown stage $s (asan, fuzz, tsan)" >&2
    exit 2
    ;;
  esac
done
echo "sanitizers: all stages took $(($(date +%s) - total_start))s"

#!/usr/bin/env bash
# Fuzzes the TIFF, EDF and HDF5 readers with libFuzzer (Debian's clang + libclang-rt-14-dev)
# for a fixed number of executions each, starting from small valid seed files.
#   ./scripts/fuzz.sh [RUNS_PER_TARGET=20000] [TARGETS="tiff edf hdf5"]
#   FUZZ_KEEP_GOING_SECONDS=150 ./scripts/fuzz.sh 0 hdf5   # fork mode: keep going after crashes
#     for that long, then print executions and crash/oom/timeout counts (libhdf5 1.10's own
#     bugs otherwise stop the HDF5 fuzzer within about a thousand executions).
# Builds only core and the fuzz targets in ./build-fuzz (ASan + UBSan). Prints, per target, the
# executions run and whether any crashed; exits non-zero on a crash (reproducer in build-fuzz/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20000}
targets=${2:-"tiff edf hdf5"}
cd "$root"
./scripts/install-deps.sh clang libclang-rt-14-dev libomp-dev >/dev/null

generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPHASELAB_BUILD_FUZZERS=ON -DPHASELAB_BUILD_GUI=OFF -DPHASELAB_BUILD_TESTS=OFF \
    -DPHASELAB_BUILD_BENCHMARKS=OFF >/dev/null
fi
build_targets=(fuzz_make_seeds)
for t in $targets; do build_targets+=("fuzz_$t"); done
cmake --build build-fuzz --parallel "$(nproc)" --target "${build_targets[@]}"

cd build-fuzz
rm -rf seeds && ./tests/fuzz/fuzz_make_seeds seeds >/dev/null
status=0
export UBSAN_OPTIONS=print_stacktrace=1
for t in $targets; do
  # HDF5 keeps global free lists and caches that LeakSanitizer reports as leaks at exit; the
  # TIFF and EDF readers are checked for leaks.
  # libhdf5 asks malloc for absurd sizes from corrupt headers and handles the NULL it gets
  # back as an error; ASan would abort on the request itself, so let it return NULL there.
  if [[ $t == hdf5 ]]; then
    export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
  else
    export ASAN_OPTIONS=detect_leaks=1
  fi
  mkdir -p "corpus/$t"
  log="fuzz_$t.log"
  if [[ -n ${FUZZ_KEEP_GOING_SECONDS:-} ]]; then
    mkdir -p "keep_going_$t"
    cp -n seeds/"$t"/* "corpus/$t"/
    ./tests/fuzz/fuzz_$t -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -max_total_time="$FUZZ_KEEP_GOING_SECONDS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="keep_going_$t/" "corpus/$t" >"$log" 2>&1 || true
    last=$(grep -E '^#[0-9]+:.*oom/timeout/crash' "$log" | tail -1)
    counts=${last##*crash: }
    echo "fuzz_$t (keep going ${FUZZ_KEEP_GOING_SECONDS}s): executions ${last%%:*}, oom/timeout/crash ${counts%% *}"
    echo "  reproducers in build-fuzz/keep_going_$t/"
    continue
  fi
  set +e
  ./tests/fuzz/fuzz_$t -runs="$runs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="crash_${t}_" "corpus/$t" "seeds/$t" >"$log" 2>&1
  rc=$?
  set -e
  done_runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo "?")
  if ((rc == 0)); then
    echo "fuzz_$t: $done_runs executions, no crash"
  else
    echo "fuzz_$t: CRASH after ${done_runs} executions (exit $rc); see build-fuzz/$log and build-fuzz/crash_${t}_*"
    grep -E "ERROR|SUMMARY|non-InputError" "$log" | head -5 || true
    status=1
  fi
done
exit $status

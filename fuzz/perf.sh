#!/usr/bin/env bash
# Speed of the fuzz targets next to their baselines, measured in the same run on the
# same inputs (fuzz/README.md, "Speed"):
#   framer  / empty_fuzzer      goal >= 40 %
#   session / empty_fuzzer      goal >= 10 %
#   wire    / bare_wire_fuzzer  goal >= 50 %
# Builds the fuzz-perf preset (libFuzzer, no sanitizers), then runs each target and
# its baseline in the fixed-input form: `-runs=K` over the target's seed corpus files,
# both with the same K, K chosen so that the target runs about SECONDS. The runs
# alternate (target, baseline, target, baseline, ...) for ROUNDS rounds; exec/s is
# runs / CPU seconds (user + system, steadier than wall time on a shared machine),
# and the table shows the median ratio over the rounds (wall-time ratio alongside).
#
#   fuzz/perf.sh [--seconds SECONDS] [--rounds ROUNDS] [--build-dir DIR] [--no-build]
#                [--per-input] [--grow RUNS] [TARGET...]
#
# Defaults: 5 seconds, 5 rounds, build/fuzz-perf, targets framer session wire.
# --per-input: then the same ratio for each seed file alone (one pair of runs of
# about SECONDS / 4 each), to show which inputs the time goes to.
# --grow RUNS: measure on the inputs fuzzing actually keeps instead of the hand-made
# seeds: the target first fuzzes a copy of its seed corpus for RUNS inputs (-seed=1,
# its .options, so the grown corpus is the same every time), and both the target and
# its baseline then run the grown corpus.
# Exit status: 0 measured (whether or not the goals are met), 1 a run failed,
# 2 bad usage.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
seconds=5
rounds=5
build_dir="$root/build/fuzz-perf"
build=1
per_input=0
grow=0
targets=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --help) usage; exit 0 ;;
    --version) echo "fuzz/perf.sh $(sed -n 's/^project(linespec VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")"; exit 0 ;;
    --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
    --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
    --no-build) build=0; shift ;;
    --per-input) per_input=1; shift ;;
    --grow) grow=${2:?--grow needs a value}; shift 2 ;;
    framer|session|wire) targets+=("$1"); shift ;;
    *) echo "fuzz/perf.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "fuzz/perf.sh: bad --seconds '$seconds'" >&2; exit 2; }
[[ $rounds =~ ^[0-9]+$ && $rounds -gt 0 ]] || { echo "fuzz/perf.sh: bad --rounds '$rounds'" >&2; exit 2; }
[[ $grow =~ ^[0-9]+$ ]] || { echo "fuzz/perf.sh: bad --grow '$grow'" >&2; exit 2; }
[[ ${#targets[@]} -gt 0 ]] || targets=(framer session wire)

declare -A baseline=([framer]=empty [session]=empty [wire]=bare_wire)
declare -A goal=([framer]=40 [session]=10 [wire]=50)

bin="$build_dir/bin"
if [[ $build -eq 1 ]]; then
  binaries=()
  for t in "${targets[@]}"; do binaries+=("${t}_fuzzer" "${baseline[$t]}_fuzzer"); done
  (cd "$root" && cmake --preset fuzz-perf -B "$build_dir" >/dev/null &&
     nice cmake --build "$build_dir" --target "${binaries[@]}" -j2 >/dev/null) ||
    { echo "fuzz/perf.sh: building the fuzz-perf preset failed" >&2; exit 1; }
fi

# cpu_seconds BINARY RUNS FILE...: runs BINARY over the files RUNS times each;
# prints "CPU WALL" in seconds.
cpu_seconds() {
  local binary=$1 runs=$2 log
  shift 2
  log=$(mktemp)
  local start end usage
  start=$(date +%s.%N)
  if ! /usr/bin/env time -f '%U %S' -o "$log.time" "$binary" -runs="$runs" -timeout=60 "$@" >"$log" 2>&1; then
    echo "fuzz/perf.sh: $binary failed:" >&2
    tail -20 "$log" >&2
    rm -f "$log" "$log.time"
    return 1
  fi
  end=$(date +%s.%N)
  usage=$(tail -1 "$log.time")
  rm -f "$log" "$log.time"
  awk -v u="$usage" -v s="$start" -v e="$end" 'BEGIN { split(u, t, " "); printf "%.4f %.4f\n", t[1] + t[2], e - s }'
}

# calibrate BINARY SECONDS FILE...: the number of passes over the files that keeps
# BINARY busy for about SECONDS of CPU (doubled from 10 until a run takes 0.3 s, so
# that the clock's 10 ms steps do not matter).
calibrate() {
  local binary=$1 seconds=$2 runs=10 cpu
  shift 2
  while :; do
    read -r cpu _ < <(cpu_seconds "$binary" "$runs" "$@")
    awk -v c="$cpu" 'BEGIN { exit !(c >= 0.3) }' && break
    runs=$((runs * 2))
  done
  awk -v k="$runs" -v c="$cpu" -v s="$seconds" 'BEGIN { n = int(k * s / c); print (n < 1 ? 1 : n) }'
}

# grown_corpus TARGET: a directory holding the target's seed files plus what RUNS
# fuzzing runs added to them (libFuzzer writes each new input there).
grown_corpus() {
  local t=$1 dir max_len dict
  dir=$(mktemp -d "/tmp/linespec-perf-$t.XXXXXX")
  cp "$root/fuzz/corpus/$t"/* "$dir/"
  max_len=$(sed -n 's/^max_len *= *//p' "$root/fuzz/${t}_fuzzer.options")
  dict=$(sed -n 's/^dict *= *//p' "$root/fuzz/${t}_fuzzer.options")
  if ! "$bin/${t}_fuzzer" -seed=1 -runs="$grow" ${max_len:+-max_len=$max_len} \
       ${dict:+-dict="$root/fuzz/$dict"} -timeout=60 "$dir" >"$dir.log" 2>&1; then
    echo "fuzz/perf.sh: growing the $t corpus failed:" >&2
    tail -20 "$dir.log" >&2
    return 1
  fi
  rm -f "$dir.log"
  echo "$dir"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "fuzz/perf.sh: $(uptime | sed 's/^ *//')"
echo "fuzz/perf.sh: $seconds s per target run, $rounds rounds, binaries in $bin"
rows=()
grown_dirs=()
trap 'for d in "${grown_dirs[@]}"; do rm -rf "$d"; done' EXIT
for t in "${targets[@]}"; do
  base=${baseline[$t]}
  for b in "$bin/${t}_fuzzer" "$bin/${base}_fuzzer"; do
    [[ -x $b ]] || { echo "fuzz/perf.sh: $b not built" >&2; exit 1; }
  done
  corpus="$root/fuzz/corpus/$t"
  if [[ $grow -gt 0 ]]; then
    corpus=$(grown_corpus "$t") || exit 1
    grown_dirs+=("$corpus")
    echo "fuzz/perf.sh: $t corpus grown by $grow runs to $(ls "$corpus" | wc -l) inputs ($corpus)"
  fi
  files=("$corpus"/*)
  runs=$(calibrate "$bin/${t}_fuzzer" "$seconds" "${files[@]}")
  execs=$((runs * ${#files[@]}))
  ratios=() wall_ratios=() target_rates=() base_rates=()
  for ((round = 1; round <= rounds; ++round)); do
    read -r t_cpu t_wall < <(cpu_seconds "$bin/${t}_fuzzer" "$runs" "${files[@]}")
    read -r b_cpu b_wall < <(cpu_seconds "$bin/${base}_fuzzer" "$runs" "${files[@]}")
    target_rates+=("$(awk -v n="$execs" -v c="$t_cpu" 'BEGIN { printf "%.0f", n / c }')")
    base_rates+=("$(awk -v n="$execs" -v c="$b_cpu" 'BEGIN { printf "%.0f", n / c }')")
    ratios+=("$(awk -v t="$t_cpu" -v b="$b_cpu" 'BEGIN { printf "%.4f", b / t }')")
    wall_ratios+=("$(awk -v t="$t_wall" -v b="$b_wall" 'BEGIN { printf "%.4f", b / t }')")
    echo "  $t round $round: ${target_rates[-1]} exec/s, $base ${base_rates[-1]} exec/s," \
         "ratio ${ratios[-1]} (wall ${wall_ratios[-1]}), $execs inputs each"
  done
  ratio=$(printf '%s\n' "${ratios[@]}" | median)
  wall=$(printf '%s\n' "${wall_ratios[@]}" | median)
  rate=$(printf '%s\n' "${target_rates[@]}" | median)
  base_rate=$(printf '%s\n' "${base_rates[@]}" | median)
  met=$(awk -v r="$ratio" -v g="${goal[$t]}" 'BEGIN { print (100 * r >= g) ? "met" : "not met" }')
  rows+=("$(awk -v t="$t" -v b="$base" -v r="$rate" -v br="$base_rate" -v q="$ratio" -v w="$wall" \
               -v g="${goal[$t]}" -v m="$met" -v n="${#files[@]}" -v k="$runs" \
    'BEGIN { printf "| %s | %d | %s %d | %.1f %% (wall %.1f %%) | >= %d %% | %s | %d files x %d |", t, r, b, br, 100 * q, 100 * w, g, m, n, k }')")
done

if [[ $per_input -eq 1 ]]; then
  echo
  echo "Each seed file alone (one target run and one baseline run of the same inputs):"
  echo
  echo "| target | input | exec/s | baseline exec/s | ratio |"
  echo "|---|---|---|---|---|"
  for t in "${targets[@]}"; do
    base=${baseline[$t]}
    for file in "$root/fuzz/corpus/$t"/*; do
      runs=$(calibrate "$bin/${t}_fuzzer" "$(awk -v s="$seconds" 'BEGIN { print s / 4 }')" "$file")
      read -r t_cpu _ < <(cpu_seconds "$bin/${t}_fuzzer" "$runs" "$file")
      read -r b_cpu _ < <(cpu_seconds "$bin/${base}_fuzzer" "$runs" "$file")
      awk -v t="$t" -v f="${file##*/}" -v n="$runs" -v tc="$t_cpu" -v bc="$b_cpu" -v b="$base" \
        'BEGIN { printf "| %s | %s | %.0f | %s %.0f | %.1f %% |\n", t, f, n / tc, b, n / bc, 100 * bc / tc }'
    done
  done
fi

echo
echo "Median over $rounds interleaved rounds; exec/s per CPU second; $(uptime | sed 's/^ *//')"
echo
echo "| target | exec/s | baseline exec/s | ratio | goal | | inputs |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"

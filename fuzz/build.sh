#!/usr/bin/env bash
# Builds the fuzz targets the way OSS-Fuzz and ClusterFuzzLite build a project:
# compiler and flags from $CXX, $CXXFLAGS and $LIB_FUZZING_ENGINE, and into $OUT
# every <name>_fuzzer with <name>_fuzzer.options, the dictionary it names and
# <name>_fuzzer_seed_corpus.zip: the four targets of fuzz/, and the examples of
# fuzz/examples/ (buggy_handler, fixed_handler) with the driver library they link
# (options and seeds where they have some). Objects go to $WORK (a temporary
# directory without it). Needs only a C++20 compiler and zip: the targets link
# standard-library-only code (plus the server's epoll loop), so -stdlib=libc++ works.
#
#   CXX=clang++-14 CXXFLAGS="-fsanitize=address,fuzzer-no-link -stdlib=libc++" \
#   LIB_FUZZING_ENGINE="-fsanitize=fuzzer -Wl,-lstdc++" OUT=/tmp/out fuzz/build.sh
# (-Wl,-lstdc++ only for a distribution's libFuzzer, which is built against
# libstdc++; OSS-Fuzz's own carries its C++ library.)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${CXX:?set CXX}" "${OUT:?set OUT}" "${LIB_FUZZING_ENGINE:?set LIB_FUZZING_ENGINE}"
CXXFLAGS=${CXXFLAGS:-}
if [[ -n "${WORK:-}" ]]; then
  objects="$WORK/linespec-fuzz"
else
  objects=$(mktemp -d)
  trap 'rm -rf "$objects"' EXIT
fi
mkdir -p "$objects" "$OUT"

# library_sources DIR NAME: the sources of linespec_library(NAME ...) in
# DIR/CMakeLists.txt, so this build links exactly what the CMake build does.
library_sources() {
  awk -v name="$2" -v dir="$1" '
    $0 ~ "^linespec_library[(]" name "([ \t]|$)" { inside = 1 }
    inside { for (i = 1; i <= NF; ++i) { t = $i; gsub(/[()]/, "", t); if (t ~ /[.](cpp|cc)$/) print dir "/" t } }
    inside && /[)]/ { inside = 0 }' "$root/$1/CMakeLists.txt"
}
mapfile -t protocol < <(library_sources protocol linespec_protocol)
mapfile -t reference_core < <(library_sources reference linespec_reference_core)
mapfile -t reference_server < <(library_sources reference linespec_reference_server)
mapfile -t harness_model < <(library_sources harness linespec_harness_model)
mapfile -t fuzz_driver < <(library_sources fuzz/driver linespec_fuzz_driver)
if [[ ${#protocol[@]} -eq 0 || ${#reference_core[@]} -eq 0 || ${#reference_server[@]} -eq 0 ||
      ${#harness_model[@]} -eq 0 || ${#fuzz_driver[@]} -eq 0 ]]; then
  echo "fuzz/build.sh: a library's sources were not found in its CMakeLists.txt" >&2
  exit 1
fi

includes=(-I "$root/protocol/include" -I "$root/reference/include" -I "$root/harness/include"
          -I "$root/fuzz/include" -I "$root/fuzz/driver/include" -I "$root/fuzz/examples"
          -isystem "$root/fuzz/third_party")

object_of() { echo "$objects/${1//\//_}.o"; }

# Compiles one source, once per run (a library source serves several targets).
declare -A compiled=()
compile() {
  [[ -n "${compiled[$1]:-}" ]] && return
  # shellcheck disable=SC2086 # CXXFLAGS is a list of flags
  $CXX $CXXFLAGS -std=c++20 "${includes[@]}" -c "$root/$1" -o "$(object_of "$1")"
  compiled[$1]=1
}

# fuzzer DIR NAME SOURCE...: links DIR/NAME_fuzzer.cc with the sources into $OUT,
# with DIR/NAME_fuzzer.options (and the dictionary it names, from fuzz/) and the
# seeds of DIR/corpus/NAME/ where they exist.
fuzzer() {
  local dir=$1 name=$2
  shift 2
  local objs=() source
  for source in "$dir/${name}_fuzzer.cc" "$@"; do
    compile "$source"
    objs+=("$(object_of "$source")")
  done
  # shellcheck disable=SC2086 # flag lists
  $CXX $CXXFLAGS $LIB_FUZZING_ENGINE "${objs[@]}" -pthread -o "$OUT/${name}_fuzzer"

  local options="$root/$dir/${name}_fuzzer.options"
  if [[ -f "$options" ]]; then
    cp "$options" "$OUT/"
    local dict
    dict=$(sed -n 's/^dict *= *//p' "$options")
    [[ -z "$dict" ]] || cp "$root/fuzz/$dict" "$OUT/"
  fi
  rm -f "$OUT/${name}_fuzzer_seed_corpus.zip"
  if [[ -d "$root/$dir/corpus/$name" ]]; then
    zip -q -j "$OUT/${name}_fuzzer_seed_corpus.zip" "$root/$dir/corpus/$name"/*
  fi
}

fuzzer fuzz framer "${protocol[@]}" "${reference_core[@]}" "${harness_model[@]}"
fuzzer fuzz session "${protocol[@]}" "${reference_core[@]}" "${harness_model[@]}"
fuzzer fuzz wire "${protocol[@]}" "${reference_core[@]}" "${reference_server[@]}" "${harness_model[@]}"
fuzzer fuzz script "${protocol[@]}" "${harness_model[@]}"
# Fuzzing a user's own handler (fuzz/README.md): the driver and its two examples.
fuzzer fuzz/examples fixed_handler "${protocol[@]}" "${harness_model[@]}" "${fuzz_driver[@]}"
fuzzer fuzz/examples buggy_handler "${protocol[@]}" "${harness_model[@]}" "${fuzz_driver[@]}"

#!/bin/bash -eu
# ClusterFuzzLite's (and OSS-Fuzz's) build step: fuzz/build.sh builds every target
# with $CXX $CXXFLAGS $LIB_FUZZING_ENGINE into $OUT.
exec "$SRC/linespec/fuzz/build.sh"

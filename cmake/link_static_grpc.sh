#!/bin/sh
# Link launcher (RULE_LAUNCH_LINK) for the provider binary: runs the link
# command it is given with gRPC, protobuf, abseil, re2, c-ares and upb taken
# from their static archives instead of ~50 shared objects.
#
# Why: Terraform starts a fresh provider process for every phase of every
# command, and resolving the symbols of those shared objects cost the dynamic
# loader ~25 million instructions (~8 ms) per start. OpenSSL, zlib, brotli,
# libstdc++ and cpprest stay shared: cpprest exists only as a shared object
# and loads them anyway, and two copies of OpenSSL in one process would be
# asking for trouble.
#
# CMake links imported libraries by their full .so path, and the targets that
# pull them in are shared with the tests, so swapping them here keeps the
# change to this one binary.
static_names='grpc++ grpc gpr upb address_sorting re2 cares protobuf absl_.*'

is_static_candidate() {
  for pattern in $static_names; do
    if expr "$1" : "${pattern}\$" >/dev/null; then return 0; fi
  done
  return 1
}

for arg in "$@"; do
  shift
  case "$arg" in
    */lib*.so | */lib*.so.*)
      dir=${arg%/*}
      name=${arg##*/lib}
      name=${name%%.so*}
      if is_static_candidate "$name" && [ -f "$dir/lib$name.a" ]; then
        arg="$dir/lib$name.a"
      fi
      ;;
    -l*)
      name=${arg#-l}
      if is_static_candidate "$name"; then arg="-l:lib$name.a"; fi
      ;;
  esac
  set -- "$@" "$arg"
done
exec "$@"

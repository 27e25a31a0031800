#!/bin/sh
# SPDX-License-Identifier: MIT
# public_archive.sh OUTPUT INTERNAL_ARCHIVE OBJCOPY AR CC...: make the installed libnvmu.a.
#
# An archive keeps every global symbol of its members global, so the internal functions
# that the library's layers call across files (hidden, without the nvmu_ prefix) would
# collide with an application's own functions of the same names. Linking all members into
# one relocatable object resolves those calls inside it; the hidden symbols can then be
# made local, exactly as the shared library's link does, leaving only the NVMU_API ones
# global. The compiler driver does the partial link so that it uses the toolchain's
# linker for the objects' target.
set -eu
out=$1 in=$2 objcopy=$3 ar=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$@" -r -nostdlib -o "$tmp/nvmu.o" -Wl,--whole-archive "$in" -Wl,--no-whole-archive
"$objcopy" --localize-hidden "$tmp/nvmu.o"
rm -f "$out"
"$ar" rcD "$out" "$tmp/nvmu.o"

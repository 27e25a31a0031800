#!/bin/sh
# SPDX-License-Identifier: MIT
# link_static.sh SOURCE LIBRARY INCLUDE_DIR OUTPUT CC [CFLAGS...]: compile and link SOURCE
# statically against LIBRARY (the installed libnvmu.a) as an application would, then run
# it. Linking happens here rather than at build time so that a clash fails this test with
# the linker's message instead of breaking the whole build.
set -eu
src=$1 lib=$2 inc=$3 out=$4
shift 4
# -lisal: the TCP transport's digests (CRC32C) come from Intel ISA-L; -luring: the software
# controller's file= namespaces (io_uring); as pkg-config's Requires.private tells a static
# link.
"$@" -std=gnu11 -Wall -Wextra -Werror -I"$inc" -o "$out" "$src" "$lib" -lisal -luring -pthread
"$out"

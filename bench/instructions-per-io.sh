#!/bin/sh
# SPDX-License-Identifier: MIT
# The driver's own cost per I/O: instructions per 4 KiB read (submit + completion), counted
# by callgrind on tests/bench/bench_ipio, which drives N reads at queue depth QD through the
# host API on the software controller in stepped mode (soft:mode=step) and steps the
# controller itself. Collection is on only inside the driver's entry points
# (nvmu_ns_read, nvmu_host_qpair_kick, nvmu_host_qpair_poll, and what they call),
# so the device model's work (nvmu_soft_step) and the benchmark's loop are not counted.
# The completion callback (read_done) is the application's work: its own toggle switches
# collection off while it runs (a toggle inside a collected region) and back on when it
# returns to the driver.
#
# Usage: bench/instructions-per-io.sh [--build-dir DIR] [N [QD]]   (default 100000 reads, QD 32)
# Needs valgrind (Debian package valgrind). Target (issue 7): at most 150 at QD 32.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build-ipio"
if [ "${1:-}" = "--build-dir" ]; then build=$2; shift 2; fi
n=${1:-100000}
qd=${2:-32}
command -v valgrind >/dev/null || { echo "instructions-per-io: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$here" --buildtype=release >/dev/null
fi
ninja -C "$build" tests/bench/bench_ipio >/dev/null
out=$(mktemp /tmp/ipio.XXXXXX)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
	--toggle-collect=nvmu_ns_read --toggle-collect=nvmu_host_qpair_kick \
	--toggle-collect=nvmu_host_qpair_poll --toggle-collect=read_done \
	"$build/tests/bench/bench_ipio" "$n" "$qd" 2>/dev/null >/dev/null
ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p;s/^totals: *\([0-9]*\).*/\1/p' "$out" | head -n1)
[ -n "$ir" ] || { echo "instructions-per-io: no callgrind totals in $out" >&2; exit 1; }
echo "reads: $n at QD $qd on soft:mode=step; instructions collected: $ir"
echo "instructions per 4 KiB read (submit + completion, driver only): $((ir / n))"

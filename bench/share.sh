#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of several processes on one controller (docs/bench.md, "Sharing a
# controller"), in one rig boot on a null-co namespace, randread 4 KiB, polled:
#   - one process at QD 32 (the primary, alone) against two processes at QD 16 each
#     (secondaries of `nvmu serve`, running at once): their summed IOPS over the one's;
#   - a secondary alone at QD 32 against the primary alone at QD 32;
#   - the two at QD 16 on one CPU, plain, with perf --yield, and with --yield under
#     SCHED_FIFO (chrt, copied into the guest), against the one at QD 32.
# Rounds alternate the cases so that drift of the host reaches each alike.
#   bench/share.sh [--no-build] [SECONDS_PER_RUN [ROUNDS]]
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
if [ "${1:-}" = --no-build ]; then
	build=0
	shift
fi
[ "$build" = 1 ] && scripts/build.sh build-gcc >/dev/null
chrt=$(command -v chrt) || { echo "bench/share.sh: chrt (util-linux) is needed" >&2; exit 1; }
exec tests/rig/nvmu-rig --build build-gcc --timeout 1200 --program "$chrt" \
	--ctrl serial=nvmu0 --ns size=1G,backend=null \
	bench/share-guest.sh "${1:-5}" "${2:-3}"

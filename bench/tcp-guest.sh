#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of bench/tcp.sh: nvmet-tcp on loopback (a memory-backed null_blk), then, in
# this one boot, nvmu perf over tcp:// and fio io_uring and io_uring_cmd on the kernel's
# nvme-tcp host, 4 KiB randread and randwrite at QD 1, 4 and 32, and at QD 32 with two
# threads (jobs). CPU is the whole guest's busy time over each run (/proc/stat), host and
# target together, since the kernel host works in kernel threads that no process owns.
# Prints one line per run:
#   RESULT <engine> <workload> <jobs> <qd> <iops> <cpu_us_per_io>
. /nvmu/tests/guest/nvmet-tcp.sh
rt=${1:-10}
nvmet_tcp_up || exit 1
kdev=$(kernel_host_connect)
[ -n "$kdev" ] || { echo "the kernel nvme-tcp host did not connect" >&2; exit 1; }
echo "# kernel host: /dev/$kdev; $(nproc) CPUs; $rt s per run"

busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

# Print a RESULT line: engine "workload jobs" qd iops busy_ticks_before
result() {
	b1=$(busy)
	# (a printf on one line: busybox awk drops one whose arguments span lines)
	awk -v e="$1" -v w="$2" -v q="$3" -v i="$4" -v t=$((b1 - $5)) -v hz=$hz -v rt=$rt '
BEGIN {
	c = i > 0 ? t / hz * 1e6 / (i * rt) : 0
	printf "RESULT %s %s %s %.0f %.1f\n", e, w, q, i, c
}'
}

# One measured run of engine $1 (nvmu, io_uring, io_uring_cmd): workload $2, QD $3, $4 jobs.
run() {
	b0=$(busy)
	case $1 in
	nvmu)
		iops=$(nvmu perf "$NVMET_DEV?queues=$4" -w $2 -q $3 --threads $4 -b 4096 -t $rt \
			-o json 2>/dev/null | awk '/"total"/ { t = 1 }
				t && $1 == "\"iops\":" { gsub(/,/, "", $2); print $2; exit }') ;;
	*)
		# io_uring on the block device (O_DIRECT), io_uring_cmd on its char device
		opts="--filename=/dev/$kdev --direct=1"
		[ $1 = io_uring_cmd ] && opts="--filename=/dev/ng${kdev#nvme} --cmd_type=nvme"
		# (the engine first: fio knows an engine's options only once it is chosen)
		iops=$(fio --name=tcp --ioengine=$1 $opts --rw=$2 --bs=4k \
			--iodepth=$3 --numjobs=$4 --group_reporting --runtime=$rt --time_based \
			--output-format=terse --terse-version=3 2>/dev/null |
			awk -F';' -v w=$2 '{ print (w == "randread") ? $8 : $49 }') ;;
	esac
	result $1 "$2 $4" $3 "${iops:-0}" $b0
}

for wl in randread randwrite; do
	for qd in 1 4 32; do
		for e in nvmu io_uring io_uring_cmd; do run $e $wl $qd 1; done
	done
	for e in nvmu io_uring io_uring_cmd; do run $e $wl 32 2; done
done
kernel_host_disconnect

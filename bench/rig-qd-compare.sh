#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest script for the rig (busybox sh): 512-byte random reads on the rig's first
# controller through VFIO at each queue depth, the programs taking turns, ROUNDS rounds of
# SECONDS per run. Each run is framed by "MEASURE LABEL" and "RESULT LABEL IOPS" lines,
# which bench/qemu-sleeps.py reads (labels rROUND-qQD-PROGRAM).
#
#   rig-qd-compare.sh [--libvfn] [--bare] [--nvmu NAME]... ROUNDS SECONDS QD...
#
# nvmu perf always runs. The other programs are copied in with the rig's --program:
#   --libvfn     libvfn's examples/perf, as /usr/bin/perf
#                (perf -d BDF -N 1 -t SECONDS -p randread -q QD; 512-byte reads only)
#   --bare       a bare polled read loop, as /usr/bin/bare-loop
#                (bare-loop BDF /dev/vfio/GROUP QD SECONDS BLOCKS, prints "iops=N")
#   --nvmu NAME  another nvmu binary, e.g. an older build (--program PATH:/usr/bin/NAME)
dev=0000:00:10.0
progs=""
while [ $# -gt 0 ]; do
	case $1 in
	--libvfn) progs="$progs libvfn" ;;
	--bare) progs="$progs bare" ;;
	--nvmu) progs="$progs nvmu:$2"; shift ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 3 ] || { echo "usage: rig-qd-compare.sh [--libvfn] [--bare] [--nvmu NAME]... ROUNDS SECONDS QD..." >&2; exit 2; }
rounds=$1
t=$2
shift 2
nvmu bind $dev >/dev/null || exit 1
group=$(basename "$(readlink /sys/bus/pci/devices/$dev/iommu_group)")

run() { # PROGRAM QD: one run, prints its IOPS (0 if it failed)
	case $1 in
	libvfn) perf -d $dev -N 1 -t "$t" -p randread -q "$2" 2>/dev/null | tail -n 1 |
		awk '{ print $1 + 0 }' ;;
	bare) bare-loop $dev /dev/vfio/"$group" "$2" "$t" 1 | sed -n 's/.*iops=\([0-9.]*\).*/\1/p' ;;
	nvmu:*) "${1#nvmu:}" perf $dev -b 512 -w randread -q "$2" -t "$t" -o json |
		awk '/"total": \{/ { t = 1 } t && /"iops":/ { gsub(/[",]/, "", $2); print $2; exit }' ;;
	esac
}

for r in $(seq "$rounds"); do
	for qd in "$@"; do
		for p in $progs nvmu:nvmu; do
			label=r$r-q$qd-${p#nvmu:}
			echo "MEASURE $label"
			v=$(run "$p" "$qd")
			echo "RESULT $label ${v:-0}"
		done
	done
done

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# NVMe/TCP benchmark (not a test): in one rig boot, against the same nvmet-tcp target on
# loopback, nvmu perf over tcp:// and fio io_uring on the guest kernel's nvme-tcp host,
# 4 KiB randread/randwrite at QD 1, 4 and 32 (bench/tcp-guest.sh). Prints a table with
# the ratios and writes bench/results/tcp-DATE.json.
#   bench/tcp.sh [--runtime S] [--no-build]     (as root on Debian bookworm; needs fio)
set -euo pipefail
cd "$(dirname "$0")/.."
rt=10
build=1
while [ $# -gt 0 ]; do
	case $1 in
	--runtime) rt=$2; shift 2 ;;
	--no-build) build=0; shift ;;
	*) echo "usage: bench/tcp.sh [--runtime S] [--no-build]" >&2; exit 2 ;;
	esac
done
command -v fio >/dev/null || { echo "bench/tcp.sh: needs fio (apt-get install fio)" >&2; exit 2; }
[ $build = 0 ] || scripts/build.sh build-gcc >/dev/null
mkdir -p bench/results
stamp=$(date -u +%Y%m%d-%H%M%S)
log=bench/results/tcp-$stamp.log
json=bench/results/tcp-$stamp.json
tests/rig/nvmu-rig --build build-gcc --timeout $((rt * 12 + 600)) \
	--program "$(command -v fio)" \
	--module fs/configfs/configfs.ko --module drivers/nvme/target/nvmet.ko \
	--module drivers/nvme/target/nvmet-tcp.ko \
	--module drivers/block/null_blk/null_blk.ko \
	--module drivers/nvme/host/nvme-fabrics.ko --module drivers/nvme/host/nvme-tcp.ko \
	bench/tcp-guest.sh "$rt" > "$log"
grep '^#' "$log" || true
awk -v json="$json" -v rt="$rt" '
$1 == "RESULT" {
	k = $3 " " $4; iops[$2, k] = $5; cpu[$2, k] = $6
	if (!(k in seen)) { seen[k] = 1; order[n++] = k }
}
END {
	printf "%-10s %3s %12s %12s %7s %14s %14s %7s\n", "workload", "QD", "nvmu IOPS",
	       "kernel IOPS", "ratio", "nvmu CPU us/IO", "kernel us/IO", "ratio"
	printf "{\n  \"runtime_s\": %d,\n  \"rows\": [\n", rt > json
	for (i = 0; i < n; i++) {
		k = order[i]; split(k, f, " ")
		a = iops["nvmu", k]; b = iops["fio-io_uring", k]
		c = cpu["nvmu", k]; d = cpu["fio-io_uring", k]
		r = b > 0 ? a / b : 0; s = c > 0 ? d / c : 0
		printf "%-10s %3s %12.0f %12.0f %6.2fx %14.1f %14.1f %6.2fx\n", f[1], f[2], a, b, r,
		       c, d, s
		printf "    {\"workload\": \"%s\", \"qd\": %s, ", f[1], f[2] > json
		printf "\"nvmu_iops\": %.0f, \"kernel_iops\": %.0f, \"iops_ratio\": %.3f, ", a, b,
		       r > json
		printf "\"nvmu_cpu_us_per_io\": %.1f, \"kernel_cpu_us_per_io\": %.1f}%s\n", c, d,
		       i < n - 1 ? "," : "" > json
	}
	printf "  ]\n}\n" > json
}' "$log"
echo "(CPU: the whole guest's busy time per I/O, host and target; ratio > 1: nvmu uses less)"
echo "results: $json, log: $log"

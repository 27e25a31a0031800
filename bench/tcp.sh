#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# NVMe/TCP benchmark (not a test): in one rig boot, against the same nvmet-tcp target on
# loopback, nvmu perf over tcp:// and fio io_uring / io_uring_cmd on the guest kernel's
# nvme-tcp host, 4 KiB randread/randwrite at QD 1, 4 and 32 and two threads at QD 32
# (bench/tcp-guest.sh). Prints a table with the ratios and writes
# bench/results/tcp-DATE.json.
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
tests/rig/nvmu-rig --build build-gcc --timeout $((rt * 24 + 600)) \
	--program "$(command -v fio)" \
	--module fs/configfs/configfs.ko --module drivers/nvme/target/nvmet.ko \
	--module drivers/nvme/target/nvmet-tcp.ko \
	--module drivers/block/null_blk/null_blk.ko \
	--module drivers/nvme/host/nvme-fabrics.ko --module drivers/nvme/host/nvme-tcp.ko \
	bench/tcp-guest.sh "$rt" > "$log"
grep '^#' "$log" || true
awk -v json="$json" -v rt="$rt" '
$1 == "RESULT" {
	k = $3 " " $4 " " $5; iops[$2, k] = $6; cpu[$2, k] = $7
	if (!(k in seen)) { seen[k] = 1; order[n++] = k }
}
END {
	printf "%-10s %4s %3s %9s %9s %6s %9s %6s %8s %8s %8s\n", "workload", "jobs", "QD",
	       "nvmu", "io_uring", "ratio", "uring_cmd", "ratio", "nvmu", "io_uring", "uring_cmd"
	printf "%-10s %4s %3s %9s %9s %6s %9s %6s %8s %8s %8s\n", "", "", "", "IOPS", "IOPS",
	       "", "IOPS", "", "us CPU", "us CPU", "us CPU"
	printf "{\n  \"runtime_s\": %d,\n  \"rows\": [\n", rt > json
	for (i = 0; i < n; i++) {
		k = order[i]; split(k, f, " ")
		a = iops["nvmu", k]; b = iops["io_uring", k]; c = iops["io_uring_cmd", k]
		r1 = b > 0 ? a / b : 0; r2 = c > 0 ? a / c : 0
		printf "%-10s %4s %3s %9.0f %9.0f %5.2fx %9.0f %5.2fx %8.1f %8.1f %8.1f\n", f[1],
		       f[2], f[3], a, b, r1, c, r2, cpu["nvmu", k], cpu["io_uring", k],
		       cpu["io_uring_cmd", k]
		printf "    {\"workload\": \"%s\", \"jobs\": %s, \"qd\": %s, ", f[1], f[2],
		       f[3] > json
		printf "\"nvmu_iops\": %.0f, \"io_uring_iops\": %.0f, ", a, b > json
		printf "\"io_uring_cmd_iops\": %.0f, ", c > json
		printf "\"ratio_io_uring\": %.3f, \"ratio_io_uring_cmd\": %.3f, ", r1, r2 > json
		printf "\"nvmu_cpu_us_per_io\": %.1f, \"io_uring_cpu_us_per_io\": %.1f, ",
		       cpu["nvmu", k], cpu["io_uring", k] > json
		printf "\"io_uring_cmd_cpu_us_per_io\": %.1f}%s\n", cpu["io_uring_cmd", k],
		       i < n - 1 ? "," : "" > json
	}
	printf "  ]\n}\n" > json
}' "$log"
echo "(ratio: nvmu IOPS / fio IOPS; CPU: the whole guest's busy time per I/O, host and target)"
echo "results: $json, log: $log"

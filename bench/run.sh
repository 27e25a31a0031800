#!/usr/bin/env bash
# The benchmark harness, one command (as root on Debian bookworm; see docs/bench.md):
#   bench/run.sh [--runtime S] [--ramp S] [--out FILE.json] [--paths a,b] [--no-build] ...
# Installs what it needs, builds nvmu (scripts/build.sh build-gcc), boots one rig guest
# with a null-co NVMe namespace and compares nvmu perf with fio psync, io_uring and
# io_uring_cmd on the guest kernel's driver. Prints a table; writes
# bench/results/bench-DATE.{json,png,log}. bench/run.sh --help lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."

case " $* " in
*" -h "* | *" --help "*) exec python3 bench/bench.py --help ;;
esac

# The project's own dependencies (QEMU, busybox, compilers...), then the benchmark's:
# fio is copied from the host into the guest, gnuplot draws the chart. These two stay
# out of scripts/install-deps.sh: the test path does not need them.
scripts/install-deps.sh
missing=()
for p in fio gnuplot-nox; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "bench: missing packages: ${missing[*]}; run as root (or apt-get install them)" >&2
		exit 2
	fi
	echo "bench: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi
exec python3 bench/bench.py "$@"

#!/usr/bin/env bash
# Install what nvmu needs to build, test and run its guest rig on Debian bookworm (as root).
set -euo pipefail

PACKAGES=(
	gcc g++ clang libclang-rt-14-dev meson ninja-build pkg-config python3 libnvme-dev
	libjson-c-dev libssl-dev # what libnvme.pc names: pkg-config needs them to give its flags
	qemu-system-x86 busybox-static cpio kmod
	nvme-cli # the guest test of nvmu's admin verbs compares with nvme-cli's output
	strace   # the guest check that nvmu perf makes no system call per I/O
	libisal-dev # CRC32C of the NVMe/TCP header and data digests
	liburing-dev # io_uring: the software controller's file= namespaces
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: missing packages: ${missing[*]}; run as root (or apt-get install them)" >&2
		exit 1
	fi
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The rig resolves the guest kernel package with apt-cache, which needs package lists.
if ! apt-cache depends linux-image-cloud-amd64 2>/dev/null | grep -q 'Depends: linux-image-'; then
	apt-get update -qq
fi

#!/usr/bin/env bash
# The main job: build nvmu, boot a QEMU guest with an emulated NVMe controller behind an
# emulated IOMMU, give the controller to vfio-pci with nvmu, and show it through nvmu.
# Installs what it needs (run as root on Debian bookworm; no NVMe hardware needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== building nvmu"
CC=gcc scripts/build.sh build-gcc
echo "== booting the guest rig (QEMU TCG, emulated Intel IOMMU, emulated NVMe)"
exec tests/rig/nvmu-rig --build build-gcc --timeout 600 \
	--ctrl serial=nvmu-demo --ns size=1G,backend=null \
	tests/guest/demo.sh

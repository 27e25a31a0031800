#!/usr/bin/env bash
# Run every nvmu test: builds with gcc and clang (+ASan/UBSan), unit tests, and the guest
# suites in QEMU (emulated NVMe behind an emulated IOMMU, real kernel VFIO path).
# Installs what it needs (run as root on Debian bookworm). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
results=${NVMU_RESULTS:-$top/build-results}
rm -rf "$results"
mkdir -p "$results"

step() { echo "== $*"; }
record() { # name status: a whole step that passed or failed, as one TAP line
	if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1"; fi >> "$results/steps.tap"
}

step "installing dependencies"
scripts/install-deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

for flavour in gcc clang-sanitize; do
	case $flavour in
	gcc) dir=build-gcc; env=(CC=gcc); opts=() ;;
	clang-sanitize) dir=build-clang-sanitize; env=(CC=clang)
		opts=(-Db_sanitize=address,undefined -Db_lundef=false) ;;
	esac
	step "building with $flavour"
	env "${env[@]}" scripts/build.sh "$dir" "${opts[@]}"
	status=$?
	record "build with $flavour (-Wall -Wextra -Werror)" $status
	[ $status -eq 0 ] || continue
	step "unit tests ($flavour)"
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "$dir" --suite unit --logbase unit --print-errorlogs >"$results/unit-$flavour.log" 2>&1
	record "unit test run ($flavour)" $?
	python3 - "$dir/meson-logs/unit.json" >"$results/unit-$flavour.tap" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    for l in t.get("stdout", "").splitlines():
        if l.startswith(("ok ", "not ok ")):
            print(l.replace(" - ", " - %s: " % t["name"], 1))
PY
	grep -h '^not ok' "$results/unit-$flavour.tap" || true
done

# libFuzzer target of the software controller (clang build only): a bounded run, no crash.
if [ -x build-clang-sanitize/tests/fuzz/fuzz_soft_device ]; then
	step "fuzzing the NVMe core through the software controller (60 s)"
	mkdir -p "$results/fuzz-corpus"
	build-clang-sanitize/tests/fuzz/fuzz_soft_device -max_total_time=60 -timeout=30 \
		"$results/fuzz-corpus" >"$results/fuzz-soft-device.log" 2>&1
	record "fuzz_soft_device for 60 s without a finding" $?
fi
if [ -x build-clang-sanitize/tests/fuzz/fuzz_tcp_pdu ]; then
	step "fuzzing the NVMe/TCP receive path (30 s)"
	mkdir -p "$results/fuzz-tcp-corpus"
	build-clang-sanitize/tests/fuzz/fuzz_tcp_pdu -max_total_time=30 -timeout=10 \
		"$results/fuzz-tcp-corpus" >"$results/fuzz-tcp-pdu.log" 2>&1
	record "fuzz_tcp_pdu for 30 s without a finding" $?
fi

step "guest rig self-test"
tests/rig/selftest/run.sh > "$results/rig-selftest.tap"
grep '^not ok' "$results/rig-selftest.tap" || true

if [ -x build-gcc/tools/nvmu/nvmu ]; then
	step "guest suite (QEMU NVMe behind an emulated IOMMU)"
	sanitized=()  # the guest tests built with clang + ASan/UBSan, run beside the gcc ones
	for t in test_vfio test_nvme_core; do
		if [ -x "build-clang-sanitize/tests/guest/$t" ]; then
			sanitized+=(--program "build-clang-sanitize/tests/guest/$t:/nvmu/sanitize/$t")
		fi
	done
	tests/rig/nvmu-rig --build build-gcc --timeout 900 "${sanitized[@]}" \
		--ctrl serial=nvmu0 --ns size=64M --ctrl serial=nvmu1 --ns size=64M \
		--bridge br0 --ctrl serial=nvmu2,bridge=br0 --ns size=16M \
		--ctrl serial=nvmu3,bridge=br0 --ns size=16M \
		tests/guest/suite.sh > "$results/guest.tap"
	record "guest suite run (no pci_nvme_ub_* events)" $?
	grep -E '^(not ok|#)' "$results/guest.tap" || true

	step "guest suite without an IOMMU"
	tests/rig/nvmu-rig --build build-gcc --no-iommu --timeout 300 \
		--ctrl serial=nvmu0 --ns size=16M tests/guest/suite-no-iommu.sh > "$results/guest-no-iommu.tap"
	record "guest suite without IOMMU" $?
	grep -E '^not ok' "$results/guest-no-iommu.tap" || true

	step "guest suite for SR-IOV (nvmu sriov, VFs provisioned and used, three-process perf, a VF in a nested VM)"
	tests/rig/nvmu-rig --build build-gcc --timeout 1500 --program nvme --nested \
		--ctrl serial=nvmu-pf,sriov_max_vfs=2,sriov_vq_flexible=8,sriov_vi_flexible=4,sriov_max_vq_per_vf=6,sriov_max_vi_per_vf=3,max_ioqpairs=16,msix_qsize=17 \
		--ns size=16M --ctrl serial=nvmu-plain --ns size=16M \
		tests/guest/suite-sriov.sh > "$results/guest-sriov.tap"
	record "guest suite for SR-IOV" $?
	grep -E '^(not ok|# perf|# nested)' "$results/guest-sriov.tap" || true

	step "guest suite for hot-remove (device request, release)"
	tests/rig/nvmu-rig --build build-gcc --timeout 300 --ctrl serial=nvmu-hp,hotplug=on --ns size=16M \
		tests/guest/suite-hotplug.sh > "$results/guest-hotplug.tap"
	record "guest suite for hot-remove" $?
	grep -E '^not ok' "$results/guest-hotplug.tap" || true

	step "guest suite for recovery: CFS and reset, perf --verify with resets every 2 s, device_del during perf"
	tests/rig/nvmu-rig --build build-gcc --timeout 600 \
		--ctrl serial=nvmu0 --ns size=256M --ctrl serial=nvmu-hp,hotplug=on --ns size=64M \
		tests/guest/suite-recovery.sh > "$results/guest-recovery.tap"
	record "guest suite for recovery" $?
	grep -E '^(not ok|# [0-9]+ I/Os|# noticed|# reset in)' "$results/guest-recovery.tap" || true

	step "guest suite for NVMe/TCP against nvmet-tcp on loopback (one boot)"
	tests/rig/nvmu-rig --build build-gcc --timeout 600 \
		--module fs/configfs/configfs.ko --module drivers/nvme/target/nvmet.ko \
		--module drivers/nvme/target/nvmet-tcp.ko \
		--module drivers/block/null_blk/null_blk.ko \
		--module drivers/nvme/host/nvme-fabrics.ko --module drivers/nvme/host/nvme-tcp.ko \
		tests/guest/suite-tcp.sh > "$results/guest-tcp.tap"
	record "guest suite for NVMe/TCP" $?
	grep -E '^(not ok|# perf)' "$results/guest-tcp.tap" || true

	step "guest suite for the nvmu tool's admin verbs (against nvme-cli on the same device)"
	tests/rig/nvmu-rig --build build-gcc --timeout 300 --program nvme \
		--ctrl serial=nvmu0 --ns size=64M tests/guest/test_tool_admin.sh > "$results/guest-tool.tap"
	record "guest suite for the nvmu tool's admin verbs" $?
	grep -E '^not ok' "$results/guest-tool.tap" || true

	step "nvmu vhost-blk serving TCG VMs on the host: ext4, QEMU killed mid-write, encrypt"
	tests/vhost/test_vm.py build-gcc > "$results/vhost-vm.tap" 2>&1
	record "nvmu vhost-blk with VMs on the host" $?
	grep -E '^not ok' "$results/vhost-vm.tap" || true

	step "guest suite for vhost-blk on VFIO: protocol and split tests zero copy, nvmu vhost-blk ready/SIGTERM"
	tests/rig/nvmu-rig --build build-gcc --timeout 300 \
		--program build-gcc/tests/vhost/test_vhost_protocol \
		--program build-gcc/tests/vhost/test_vhost_split \
		--ctrl serial=nvmu0 --ns size=64M tests/guest/suite-vhost.sh > "$results/guest-vhost.tap"
	record "guest suite for vhost-blk on VFIO" $?
	grep -E '^(not ok|# regions)' "$results/guest-vhost.tap" || true

	step "guest suite for vhost-blk with a nested VM on the VFIO path (one nested boot)"
	tests/vhost/nested.py build-gcc > "$results/guest-vhost-nested.tap"
	record "nvmu vhost-blk serving a nested VM on VFIO" $?
	grep -E '^(not ok|# nested|# stopped)' "$results/guest-vhost-nested.tap" || true

	step "guest check of nvmu perf: randrw QD 32 --verify on a file backend, -o json"
	tests/rig/nvmu-rig --build build-gcc --timeout 300 --program strace \
		--ctrl serial=nvmu0 --ns size=1G tests/guest/test_perf.sh > "$results/guest-perf.tap"
	record "guest check of nvmu perf" $?
	grep -E '^not ok' "$results/guest-perf.tap" || true

	step "guest suite for sharing a controller (serve, secondaries, resets, SIGKILL, removal)"
	tests/rig/nvmu-rig --build build-gcc --timeout 300 --program strace \
		--ctrl serial=nvmu0,max_ioqpairs=4 --ns size=32M --ns size=32M \
		--ctrl serial=nvmu-hp,hotplug=on --ns size=16M \
		tests/guest/suite-share.sh > "$results/guest-share.tap"
	record "guest suite for sharing a controller" $?
	grep -E '^not ok' "$results/guest-share.tap" || true

	# Host API across controller configurations: test_host_io in the variants named after
	# the script (see tests/guest/suite-host.sh); the first variant also runs sanitized.
	host_sanitized=()
	if [ -x build-clang-sanitize/tests/guest/test_host_io ]; then
		host_sanitized=(--program build-clang-sanitize/tests/guest/test_host_io:/nvmu/sanitize/test_host_io)
	fi
	step "guest suite for the host API: 512 B LBAs, MDTS 7, PRP/SGL, queues of 256 and 2048, AER"
	tests/rig/nvmu-rig --build build-gcc --timeout 600 "${host_sanitized[@]}" \
		--ctrl serial=nvmu0 --ns size=64M tests/guest/suite-host.sh \
		"ios=2000,aer,lbs=512" "sgl,irq,qsize=2048,ios=1000" > "$results/guest-host-512.tap"
	record "guest suite for the host API (512 B LBAs)" $?
	grep -E '^not ok' "$results/guest-host-512.tap" || true

	step "guest suite for the host API: 4 KiB LBAs, MDTS 2 (splitting), two namespaces, queue of 2, no shadow doorbells"
	tests/rig/nvmu-rig --build build-gcc --timeout 600 \
		--ctrl serial=nvmu0,mdts=2 --ns size=64M,lbs=4096 --ns size=32M tests/guest/suite-host.sh \
		"qsize=2,no-dbbuf,ios=400,lbs=4096,ns=2,mdts=2" "sgl,irq,ios=1000,lbs=4096" \
		> "$results/guest-host-4k.tap"
	record "guest suite for the host API (4 KiB LBAs, MDTS 2)" $?
	grep -E '^not ok' "$results/guest-host-4k.tap" || true

	step "guest suite for the host API: MDTS 0 (no limit), interrupts, SGL on a queue of 2"
	tests/rig/nvmu-rig --build build-gcc --timeout 600 \
		--ctrl serial=nvmu0,mdts=0 --ns size=64M tests/guest/suite-host.sh \
		"irq,ios=1000,mdts=0" "sgl,qsize=2,no-dbbuf,ios=200" > "$results/guest-host-mdts0.tap"
	record "guest suite for the host API (MDTS 0)" $?
	grep -E '^not ok' "$results/guest-host-mdts0.tap" || true
fi

passed=$(cat "$results"/*.tap | grep -c '^ok')
failed=$(cat "$results"/*.tap | grep -c '^not ok')
echo "results in $results"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

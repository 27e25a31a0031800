# The guest test suite (runs inside the rig; see scripts/test.sh for the topology):
#   0000:00:10.0 nvmu0   the device under test, given to vfio-pci here
#   0000:00:11.0 nvmu1   left on the kernel nvme driver
#   0000:01:01.0 nvmu2 + 0000:01:02.0 nvmu3 behind one PCIe-to-PCI bridge (one IOMMU group):
#                        nvmu2 on vfio-pci, nvmu3 on nvme -> a group that is not viable
# Prints TAP lines; exits non-zero if anything failed.
rc=0
run() {
	echo "# $*"
	"$@" || rc=1
}
# Run guest test $1 as built by gcc, then as built by clang with ASan/UBSan when the rig
# was given that build (/nvmu/sanitize); the second run's TAP names say "sanitized".
run_both() {
	name=$1
	shift
	run "$name" "$@"
	[ -x "/nvmu/sanitize/$name" ] || return 0
	echo "# sanitized $name $*"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"/nvmu/sanitize/$name" "$@" > /tmp/sanitized.out 2>&1 || rc=1
	sed 's/^\(\(not \)\{0,1\}ok [0-9]* - \)/\1sanitized: /' /tmp/sanitized.out
}

run sh /nvmu/tests/guest/test_bind.sh
nvmu bind 0000:00:10.0 0000:01:01.0 >/dev/null || { echo "not ok - bind devices for test_vfio"; rc=1; }
vfio_args="--dev 0000:00:10.0 --serial nvmu0 --kernel-bound 0000:00:11.0 --non-viable 0000:01:01.0"
run_both test_vfio $vfio_args
run_both test_nvme_core --dev 0000:00:10.0 --serial nvmu0
# test_vfio aimed a DMA at an unmapped IOVA: the IOMMU must have faulted it.
if dmesg | grep -q "DMAR: \[DMA Write.*\] Request device \[00:10.0\] fault addr 0x7ff0000000"; then
	echo "ok - IOMMU faulted the DMA to an unmapped IOVA (DMAR fault logged)"
else
	echo "not ok - IOMMU faulted the DMA to an unmapped IOVA (no DMAR fault in dmesg)"
	rc=1
fi
exit $rc

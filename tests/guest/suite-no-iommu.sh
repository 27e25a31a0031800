# Guest suite for a guest booted without an IOMMU: every entry point must say so.
rc=0
check() { # name, expected text, command...
	name=$1 want=$2
	shift 2
	out=$("$@" 2>&1)
	status=$?
	if [ $status -ne 0 ] && echo "$out" | grep -qF "$want"; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit $status): $out"
		rc=1
	fi
}
check "bind without IOMMU explains how to enable it" "intel_iommu=on" nvmu bind 0000:00:10.0
check "show-regs without IOMMU explains how to enable it" "intel_iommu=on" nvmu show-regs 0000:00:10.0
exit $rc

# Guest test of `nvmu list`, `nvmu bind` and `nvmu unbind` (runs inside tests/rig/nvmu-rig).
# Needs the kernel nvme driver on 0000:00:10.0 with a namespace of at least 16 MiB; uses
# 0000:00:11.0 too when present. Every device ends where it started (on nvme).
#   tests/rig/nvmu-rig --build BUILD --ctrl serial=a --ns size=64M --ctrl serial=b --ns size=64M \
#       tests/guest/test_bind.sh
# Prints TAP lines; exits non-zero if anything failed.
DEV=0000:00:10.0
DEV2=0000:00:11.0
rc=0
OUT=/tmp/test_bind.out
ERR=/tmp/test_bind.err

pass() { echo "ok - $1"; }
fail() { # name, details...
	echo "not ok - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
	[ -s "$OUT" ] && sed 's/^/#   stdout: /' "$OUT"
	[ -s "$ERR" ] && sed 's/^/#   stderr: /' "$ERR"
	rc=1
}
# Run a command, keeping its stdout/stderr in $OUT/$ERR and its status in $status.
run() {
	"$@" >"$OUT" 2>"$ERR"
	status=$?
}

driver_of() { # address -> driver name or "none"
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}

# The whole-namespace block device reached through a PCI function (multipath head or not).
namespace_of() {
	for b in /sys/class/block/nvme*; do
		name=${b##*/}
		case $name in *c*n* | *p[0-9]*) continue ;; esac
		if readlink -f "$b" | grep -q "/$1/"; then
			echo "$name"
			return 0
		fi
		for p in "$b"/multipath/*; do
			if [ -e "$p" ] && readlink -f "$p" | grep -q "/$1/"; then
				echo "$name"
				return 0
			fi
		done
	done
	return 1
}

# Wait (up to 60 s: TCG is slow) until the namespace of $1 has a block device node.
wait_namespace() {
	i=0
	while [ $i -lt 120 ]; do
		ns=$(namespace_of "$1") && [ -b "/dev/$ns" ] && { echo "$ns"; return 0; }
		usleep 500000
		i=$((i + 1))
	done
	return 1
}

expect_driver() { # name, address, driver
	now=$(driver_of "$2")
	if [ "$now" = "$3" ]; then pass "$1"; else fail "$1" "driver of $2 is $now, expected $3"; fi
}

NS=$(wait_namespace $DEV) || { echo "not ok - namespace of $DEV appears at boot"; exit 1; }
pass "namespace $NS of $DEV is up on the kernel nvme driver"

# ---- list ----------------------------------------------------------------------------
run nvmu list
if [ $status -eq 0 ] && grep -q "^$DEV  .* nvme (nvme[0-9]*) " "$OUT" && head -1 "$OUT" | grep -q "^ADDRESS "; then
	pass "list shows $DEV on nvme under a header"
else
	fail "list shows $DEV on nvme under a header" "exit $status"
fi
run nvmu list -o json
if [ $status -eq 0 ] && grep -q "\"Address\": \"$DEV\"" "$OUT" && grep -q '"Driver": "nvme"' "$OUT" &&
	head -1 "$OUT" | grep -q '^{$' && grep -q '"Devices": \[' "$OUT"; then
	pass "list -o json shows $DEV with driver nvme"
else
	fail "list -o json shows $DEV with driver nvme" "exit $status"
fi

# ---- a kernel NVMe device as <dev> -----------------------------------------------------
# While the kernel driver has it, /dev/nvmeX (and its namespace) is refused with the PCI
# address behind it and the bind command to run.
ctrl=$(ls /sys/bus/pci/devices/$DEV/nvme/ | head -1)
for node in "/dev/$ctrl" "/dev/$NS"; do
	run nvmu id-ctrl "$node"
	if [ $status -eq 1 ] && grep -q "PCI address $DEV, bound to the kernel driver nvme" "$ERR" &&
		grep -q "run 'nvmu bind $DEV'" "$ERR"; then
		pass "id-ctrl $node fails naming $DEV and nvmu bind"
	else
		fail "id-ctrl $node fails naming $DEV and nvmu bind" "exit $status"
	fi
done

# ---- bind / unbind -------------------------------------------------------------------
# The first bind names the device as the message above suggests a user would: by its
# kernel name, which nvmu resolves to the PCI function.
group=$(basename "$(readlink /sys/bus/pci/devices/$DEV/iommu_group)")
run nvmu bind "/dev/$ctrl"
if [ $status -eq 0 ] && grep -q "^$DEV: bound to vfio-pci (was nvme)" "$OUT"; then
	pass "bind /dev/$ctrl binds $DEV and reports vfio-pci (was nvme)"
else
	fail "bind /dev/$ctrl binds $DEV and reports vfio-pci (was nvme)" "exit $status"
fi
expect_driver "bind puts $DEV on vfio-pci" $DEV vfio-pci
if [ -c "/dev/vfio/$group" ]; then pass "/dev/vfio/$group appears"; else fail "/dev/vfio/$group appears"; fi
if [ "$(cat /run/nvmu/$DEV.driver 2>/dev/null)" = nvme ]; then
	pass "the previous driver is recorded in /run/nvmu"
else
	fail "the previous driver is recorded in /run/nvmu" "$(ls -l /run/nvmu 2>&1)"
fi
run nvmu list
if grep -q "^$DEV  .* vfio-pci " "$OUT"; then pass "list shows $DEV on vfio-pci"; else fail "list shows $DEV on vfio-pci"; fi
run nvmu bind $DEV
if [ $status -eq 0 ] && grep -q "already bound to vfio-pci" "$OUT"; then
	pass "binding again is a no-op"
else
	fail "binding again is a no-op" "exit $status"
fi

run nvmu unbind $DEV
if [ $status -eq 0 ] && grep -q "^$DEV: returned to nvme (was vfio-pci)" "$OUT"; then
	pass "unbind reports the return to nvme"
else
	fail "unbind reports the return to nvme" "exit $status"
fi
expect_driver "unbind puts $DEV back on nvme" $DEV nvme
if NS=$(wait_namespace $DEV); then pass "/dev/$NS reappears after unbind"; else fail "/dev/$NS reappears after unbind"; fi
if [ -e /run/nvmu/$DEV.driver ]; then
	fail "unbind forgets the recorded driver"
else
	pass "unbind forgets the recorded driver"
fi
run nvmu unbind $DEV
if [ $status -eq 0 ] && grep -q "not bound to vfio-pci (driver nvme), nothing to do" "$OUT"; then
	pass "unbind of a device on nvme does nothing"
else
	fail "unbind of a device on nvme does nothing" "exit $status"
fi

# ---- in-use refusal: swap ------------------------------------------------------------
if mkswap "/dev/$NS" >/dev/null 2>&1 && swapon "/dev/$NS"; then
	run nvmu bind $DEV
	if [ $status -eq 1 ] && grep -q "^nvmu bind: refusing to bind $DEV: $NS is used as swap (unmount/stop them first, or pass --force)$" "$ERR"; then
		pass "bind refuses a namespace used as swap, naming it"
	else
		fail "bind refuses a namespace used as swap, naming it" "exit $status"
	fi
	expect_driver "a refused device stays on nvme" $DEV nvme
	swapoff "/dev/$NS"
	run nvmu bind $DEV
	if [ $status -eq 0 ] && [ "$(driver_of $DEV)" = vfio-pci ]; then
		pass "bind succeeds after swapoff"
	else
		fail "bind succeeds after swapoff" "exit $status"
	fi
	nvmu unbind $DEV >/dev/null
	NS=$(wait_namespace $DEV) || fail "/dev/$NS reappears after unbind"
else
	fail "mkswap/swapon /dev/$NS"
fi

# ---- in-use refusal: mount, and --force ----------------------------------------------
if mke2fs -q "/dev/$NS" >/dev/null 2>&1 && mount -t ext4 "/dev/$NS" /mnt; then
	run nvmu bind $DEV
	if [ $status -eq 1 ] && grep -q "refusing to bind $DEV: $NS is mounted on /mnt (unmount" "$ERR"; then
		pass "bind refuses a mounted namespace, naming the mount point"
	else
		fail "bind refuses a mounted namespace, naming the mount point" "exit $status"
	fi
	run nvmu bind --force $DEV
	if [ $status -eq 0 ] && [ "$(driver_of $DEV)" = vfio-pci ]; then
		pass "bind --force takes a mounted namespace"
	else
		fail "bind --force takes a mounted namespace" "exit $status"
	fi
	timeout 30 umount /mnt 2>/dev/null || timeout 30 umount -l /mnt
	nvmu unbind $DEV >/dev/null
	if NS=$(wait_namespace $DEV); then pass "namespace returns after a forced bind"; else fail "namespace returns after a forced bind"; fi
else
	fail "mke2fs/mount /dev/$NS"
fi

# ---- several devices at once ---------------------------------------------------------
if [ -e /sys/bus/pci/devices/$DEV2 ]; then
	run nvmu bind $DEV $DEV2
	if [ $status -eq 0 ] && [ "$(driver_of $DEV)" = vfio-pci ] && [ "$(driver_of $DEV2)" = vfio-pci ] &&
		[ "$(grep -c 'bound to vfio-pci (was nvme)' "$OUT")" = 2 ]; then
		pass "bind takes several addresses"
	else
		fail "bind takes several addresses" "exit $status"
	fi
	run nvmu unbind $DEV $DEV2
	if [ $status -eq 0 ] && [ "$(driver_of $DEV)" = nvme ] && [ "$(driver_of $DEV2)" = nvme ]; then
		pass "unbind takes several addresses"
	else
		fail "unbind takes several addresses" "exit $status"
	fi
	wait_namespace $DEV >/dev/null && wait_namespace $DEV2 >/dev/null || fail "namespaces return after unbind of both"
fi

# ---- bad addresses -------------------------------------------------------------------
run nvmu bind xyz
if [ $status -eq 2 ] && grep -q "^nvmu bind: 'xyz' is neither a PCI address (0000:01:00.0 or 01:00.0) nor a kernel NVMe device (/dev/nvme0, nvme0n1): bind acts on PCI functions$" "$ERR"; then
	pass "a malformed address is a usage error with the expected form"
else
	fail "a malformed address is a usage error with the expected form" "exit $status"
fi
run nvmu bind 0000:7f:00.0
if [ $status -eq 1 ] && grep -q "^nvmu bind: no PCI device 0000:7f:00.0 (run 'nvmu list' to see NVMe devices)$" "$ERR"; then
	pass "a missing device says how to find one"
else
	fail "a missing device says how to find one" "exit $status"
fi
# q35's LPC bridge is at 0000:00:1f.0
run nvmu bind 0000:00:1f.0
if [ $status -eq 1 ] && grep -q "^nvmu bind: 0000:00:1f.0 is not an NVMe controller (class 0601" "$ERR" &&
	[ "$(driver_of 0000:00:1f.0)" != vfio-pci ]; then
	pass "a device that is not NVMe is refused"
else
	fail "a device that is not NVMe is refused" "exit $status"
fi
run nvmu bind $DEV xyz
if [ $status -eq 2 ] && [ "$(driver_of $DEV)" = nvme ]; then
	pass "nothing is bound when any address is malformed"
else
	fail "nothing is bound when any address is malformed" "exit $status, driver $(driver_of $DEV)"
	nvmu unbind $DEV >/dev/null 2>&1
fi

expect_driver "$DEV ends on nvme" $DEV nvme
exit $rc

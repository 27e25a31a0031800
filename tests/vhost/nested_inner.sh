#!/bin/sh
# SPDX-License-Identifier: MIT
# The nested guest's job (nested.py): its /dev/vda is served by nvmu vhost-blk in the
# rig guest, on the emulated NVMe through VFIO. Writes 4 MiB of a text pattern with
# O_DIRECT, reads it back, and checks it; prints TAP lines prefixed with [nested].
fail=0
check() {
	d=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then echo "ok - [nested] $d"; else
		echo "not ok - [nested] $d"; sed 's/^/# /' /tmp/check.out; fail=1; fi
}
check "the nested guest sees /dev/vda" test -b /dev/vda
check "GET_ID gives the serial" test "$(cat /sys/block/vda/serial)" = nvmu-nested
check "4 MiB written with O_DIRECT" sh -c 'yes NVMU-NESTED-PATTERN | head -c 4194304 |
	dd of=/dev/vda bs=64k seek=16 oflag=direct 2>/dev/null'
check "4 MiB read back with O_DIRECT are the same" sh -c 'test "$(dd if=/dev/vda bs=64k \
	skip=16 count=64 iflag=direct 2>/dev/null | sha256sum)" = \
	"$(yes NVMU-NESTED-PATTERN | head -c 4194304 | sha256sum)"'
check "flush" sync
exit $fail

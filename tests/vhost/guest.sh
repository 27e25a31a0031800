#!/bin/sh
# SPDX-License-Identifier: MIT
# Inside a guest whose /dev/vda is served by nvmu vhost-blk (driven by test_vm.py).
# Usage: guest.sh MODE SERIAL
#   write  - check the disk, make an ext4 file system on its first 192 MiB, write files
#            with checksums, remount and check, write a raw text pattern at 200 MiB,
#            print @@acked once all of that is on the disk, then keep writing until the
#            host kills QEMU;
#   verify - mount the file system and check every file, check the raw pattern, then
#            print @@idle and stay idle for 4 s;
#   plain  - as write, but power off after @@acked instead of writing on.
# Prints TAP lines ("ok - ...", "not ok - ...").
mode=$1
serial=$2
fail=0
check() { # description command...: one TAP line
	d=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then echo "ok - $d"; else
		echo "not ok - $d"; sed 's/^/# /' /tmp/check.out; fail=1; fi
}
pattern() { yes NVMU-VHOST-PATTERN-0123456789 | head -c 1048576; }

check "the guest sees /dev/vda" test -b /dev/vda
check "capacity is 256 MiB (524288 sectors)" test "$(cat /sys/block/vda/size)" = 524288
check "GET_ID gives the serial" test "$(cat /sys/block/vda/serial)" = "$serial"
check "the guest uses 2 queues" test "$(ls /sys/block/vda/mq | wc -l)" = 2
mkdir -p /mnt
case $mode in
write|plain)
	check "mkfs.ext4 on /dev/vda (192 MiB)" mkfs.ext4 -q -F -b 4096 /dev/vda 49152
	check "mount" mount -t ext4 /dev/vda /mnt
	for i in 1 2 3 4 5 6; do
		dd if=/dev/urandom of=/mnt/file$i bs=64k count=$((i * 4)) 2>/dev/null
	done
	(cd /mnt && sha256sum file* > sums)
	sync
	check "umount" umount /mnt
	check "mount again" mount -t ext4 /dev/vda /mnt
	check "every file reads back with its checksum" sh -c 'cd /mnt && sha256sum -c sums'
	check "umount again" umount /mnt
	check "raw pattern written at 200 MiB with O_DIRECT" \
		sh -c 'pattern() { yes NVMU-VHOST-PATTERN-0123456789 | head -c 1048576; };
		       pattern | dd of=/dev/vda bs=64k seek=3200 oflag=direct 2>/dev/null'
	check "write-through cache mode (SET_CONFIG), a write, then write-back again" \
		sh -c 'echo "write through" > /sys/block/vda/cache_type &&
		       dd if=/dev/zero of=/dev/vda bs=4096 seek=60000 count=16 oflag=direct &&
		       echo "write back" > /sys/block/vda/cache_type'
	check "blkdiscard of 1 MiB at 230 MiB" blkdiscard -o $((230 << 20)) -l $((1 << 20)) /dev/vda
	check "raw pattern reads back" sh -c 'test "$(dd if=/dev/vda bs=64k skip=3200 count=16 \
		iflag=direct 2>/dev/null | sha256sum)" = "$(yes NVMU-VHOST-PATTERN-0123456789 |
		head -c 1048576 | sha256sum)"'
	sync
	echo "@@acked"
	if [ "$mode" = write ]; then
		# Writes in flight when the host kills QEMU: the backend must survive them.
		while :; do
			dd if=/dev/urandom of=/dev/vda bs=64k seek=3600 count=64 oflag=direct \
				2>/dev/null
		done
	fi
	;;
verify)
	check "mount the file system written by the first VM" mount -t ext4 /dev/vda /mnt
	check "every file has its checksum" sh -c 'cd /mnt && sha256sum -c sums'
	check "umount" umount /mnt
	check "raw pattern reads back" sh -c 'test "$(dd if=/dev/vda bs=64k skip=3200 count=16 \
		iflag=direct 2>/dev/null | sha256sum)" = "$(yes NVMU-VHOST-PATTERN-0123456789 |
		head -c 1048576 | sha256sum)"'
	# an idle guest with the disk attached: the host measures the backend's CPU use
	sync
	echo "@@idle"
	sleep 4
	;;
esac
exit $fail

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
#   plain  - as write, but power off after @@acked instead of writing on;
#   mirror - as plain, and first read 256 KiB at 240 MiB that the host made unreadable on
#            the primary (the mirror holds them), then write them and read them again;
#   restart - four writers of 24 MiB each in 1 MiB O_DIRECT requests; @@busy once they
#            run, when the host kills the back-end and starts another on the same file
#            (QEMU reconnects); each writer must finish, and all of it read back;
#   reboot - on the first boot: as verify, then write a file, a second raw pattern at
#            210 MiB and a boot mark at 244 MiB, and reboot (the host's QEMU lets it);
#            on the second boot (the mark is there): check all of it, write and read
#            again, and power off.
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
# same BYTES SKIP4K [TEXT]: the disk's BYTES at SKIP4K x 4 KiB (O_DIRECT) are TEXT
# repeated (default: the raw pattern's line).
same() {
	test "$(dd if=/dev/vda bs=4k skip="$2" count=$(($1 >> 12)) iflag=direct 2>/dev/null |
		sha256sum)" = "$(yes "${3:-NVMU-VHOST-PATTERN-0123456789}" | head -c "$1" |
		sha256sum)"
}
# put BYTES SEEK4K TEXT: write TEXT repeated there with O_DIRECT.
put() {
	yes "$3" | head -c "$1" | dd of=/dev/vda bs=4k seek="$2" oflag=direct 2>/dev/null
}
# No sign in the kernel log of a request lost, failed or answered twice.
no_ring_errors() {
	! dmesg | grep -E "I/O error|not a head|out of range|virtio.*(broken|error)"
}
verify_first() { # what the first VM (write) left
	check "mount the file system written by the first VM" mount -t ext4 /dev/vda /mnt
	check "every file has its checksum" sh -c 'cd /mnt && sha256sum -c sums'
	check "umount" umount /mnt
	check "raw pattern reads back" same 1048576 51200
}
file_before_reboot() {
	mount -t ext4 /dev/vda /mnt && (cd /mnt && sha256sum -c sums2) && umount /mnt
}
write_read() { put 1048576 55040 NVMU-VHOST-THIRD && same 1048576 55040 NVMU-VHOST-THIRD; }
MARK=NVMU-VHOST-BOOT-MARK

check "the guest sees /dev/vda" test -b /dev/vda
check "capacity is 256 MiB (524288 sectors)" test "$(cat /sys/block/vda/size)" = 524288
check "GET_ID gives the serial" test "$(cat /sys/block/vda/serial)" = "$serial"
check "the guest uses 2 queues" test "$(ls /sys/block/vda/mq | wc -l)" = 2
mkdir -p /mnt
case $mode in
write|plain|mirror)
	if [ "$mode" = mirror ]; then
		check "blocks the primary cannot read come from the mirror" \
			same 262144 61440 NVMU-MIRROR-ONLY
		check "written again" put 262144 61440 NVMU-MIRROR-ONLY
		check "and read back" same 262144 61440 NVMU-MIRROR-ONLY
	fi
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
	verify_first
	# an idle guest with the disk attached: the host measures the backend's CPU use
	sync
	echo "@@idle"
	sleep 4
	;;
restart)
	for w in 0 1 2 3; do
		yes "NVMU-VHOST-RESTART-$w" | head -c $((24 << 20)) > /tmp/w$w
	done
	for w in 0 1 2 3; do
		(dd if=/tmp/w$w of=/dev/vda bs=1M seek=$((w * 32)) oflag=direct 2>/dev/null
		 echo $? > /tmp/w$w.rc) &
	done
	echo "@@busy"
	wait
	for w in 0 1 2 3; do
		check "writer $w finished across the back-end's restart" \
			test "$(cat /tmp/w$w.rc)" = 0
		check "writer $w's 24 MiB read back" \
			same $((24 << 20)) $((w * 32 * 256)) "NVMU-VHOST-RESTART-$w"
	done
	check "no ring or I/O errors in the kernel log" no_ring_errors
	;;
reboot)
	if ! same 4096 62464 "$MARK"; then
		verify_first
		sync
		echo "@@idle"
		sleep 4
		check "mount for a file written before the reboot" mount -t ext4 /dev/vda /mnt
		dd if=/dev/urandom of=/mnt/before-reboot bs=64k count=8 2>/dev/null
		(cd /mnt && sha256sum before-reboot > sums2)
		check "umount" umount /mnt
		check "second raw pattern at 210 MiB" put 1048576 53760 NVMU-VHOST-SECOND
		check "no ring or I/O errors in the kernel log" no_ring_errors
		check "boot mark written" put 4096 62464 "$MARK"
		sync
		echo "@@rebooting"
		reboot -f
		sleep 60 # the reboot does not return
	fi
	echo "# after the reboot:"
	verify_first
	check "after the reboot: the file written before it" file_before_reboot
	check "after the reboot: the second raw pattern" same 1048576 53760 NVMU-VHOST-SECOND
	check "after the reboot: a new write reads back" write_read
	check "after the reboot: no ring or I/O errors in the kernel log" no_ring_errors
	;;
esac
exit $fail

# SPDX-License-Identifier: MIT
# Runs inside the rig guest (bench/vhost_nested.py): nvmu vhost-blk on the controller at
# 0000:00:10.0 through VFIO, the kernel's nvme driver on the one at 0000:00:11.0, and a
# nested TCG VM with a disk on each (vhost-user-blk, and QEMU's virtio-blk on the kernel's
# block device). Prints the nested guest's '@@' lines, the backend's summary and its CPU
# use while the nested guest sat idle.
dev=0000:00:10.0
nvmu bind $dev >/dev/null || { echo "not ok - bind $dev"; exit 1; }
blk=
for b in /sys/block/nvme*; do
	case "$(readlink -f $b)" in *0000:00:11.0*) blk=${b##*/};; esac
done
[ -b "/dev/$blk" ] || { echo "not ok - no kernel block device of 0000:00:11.0"; exit 1; }
echo none > /sys/block/$blk/queue/scheduler 2>/dev/null
echo "# POSIX path on /dev/$blk"
nvmu vhost-blk $dev --socket /tmp/vb.sock --serial nvmu-bench > /tmp/vb.out 2>&1 &
pid=$!
for i in $(seq 100); do grep -q ready /tmp/vb.out && break; sleep 0.2; done
grep -q ready /tmp/vb.out || { echo "not ok - nvmu vhost-blk ready"; cat /tmp/vb.out; exit 1; }
: > /tmp/nested-out.log
# CPU ticks of the backend while the nested guest sits idle (its markers, seen live).
ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
(
	while ! grep -q '^@@idle-begin' /tmp/nested-out.log; do sleep 0.2; done
	t0=$(cut -d' ' -f1 /proc/uptime); c0=$(ticks)
	while ! grep -q '^@@idle-end' /tmp/nested-out.log; do sleep 0.2; done
	t1=$(cut -d' ' -f1 /proc/uptime); c1=$(ticks)
	echo "$t0 $c0 $t1 $c1" > /tmp/idle.txt
) &
watcher=$!
t0=$(date +%s)
qemu-system-x86_64 -accel tcg -M q35 -cpu max -smp 1 -m 1G -nodefaults -display none \
	-no-reboot -object memory-backend-memfd,id=mem,size=1G,share=on \
	-numa node,memdev=mem -chardev socket,id=c0,path=/tmp/vb.sock \
	-device vhost-user-blk-pci,chardev=c0 \
	-drive file=/dev/$blk,if=none,id=d1,format=raw,aio=io_uring,cache.direct=on \
	-device virtio-blk-pci,drive=d1,serial=posix-bench \
	-kernel /nvmu/nested/vmlinuz -initrd /nvmu/nested/initrd.cpio \
	-append "console=ttyS0 panic=-1 loglevel=4" \
	-serial file:/tmp/nested-console.log -serial file:/tmp/nested-out.log \
	> /tmp/nested-qemu.log 2>&1
echo "# nested VM ran for $(( $(date +%s) - t0 )) s (the rig guest's clock)"
kill $watcher 2>/dev/null
tr -d '\r' < /tmp/nested-out.log | grep -v '^@@nvmu-exit'
if [ -s /tmp/idle.txt ]; then
	# CLK_TCK is 100 on Linux/x86
	awk '{ printf "@@idlecpu %.2f\n", ($4 - $2) / ($3 - $1) }' /tmp/idle.txt
fi
grep -q '^@@nvmu-exit 0' /tmp/nested-out.log ||
	{ echo "not ok - the nested VM's job"; tail -20 /tmp/nested-console.log /tmp/nested-qemu.log | sed 's/^/# /'; }
kill -TERM $pid
wait $pid
echo "# backend: $(grep '^stopped:' /tmp/vb.out)"
sed 's/^/# vb: /' /tmp/vb.out | grep -v '^# vb: stopped:'

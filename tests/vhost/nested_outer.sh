# SPDX-License-Identifier: MIT
# Runs inside the rig guest (nested.py): nvmu vhost-blk on the emulated NVMe at
# 0000:00:10.0 through VFIO, and a nested TCG VM whose disk it serves; the nested
# guest's TAP lines are printed here. Then the backend stops on SIGTERM: it must have
# served every request without a bounce buffer (zero copy), and the data it wrote is
# on the namespace (read back here with nvmu read).
rc=0
dev=0000:00:10.0
nvmu bind $dev >/dev/null || { echo "not ok - bind $dev"; exit 1; }
nvmu vhost-blk $dev --socket /tmp/vb.sock --serial nvmu-nested > /tmp/vb.out 2>&1 &
pid=$!
for i in $(seq 100); do grep -q ready /tmp/vb.out && break; sleep 0.2; done
grep -q ready /tmp/vb.out || { echo "not ok - nvmu vhost-blk ready"; cat /tmp/vb.out; exit 1; }
echo "ok - nvmu vhost-blk ready on $dev"
t0=$(date +%s)
qemu-system-x86_64 -accel tcg -M q35 -cpu max -smp 1 -m 256M -nodefaults -display none \
	-no-reboot -object memory-backend-memfd,id=mem,size=256M,share=on \
	-numa node,memdev=mem -chardev socket,id=c0,path=/tmp/vb.sock \
	-device vhost-user-blk-pci,chardev=c0 \
	-kernel /nvmu/nested/vmlinuz -initrd /nvmu/nested/initrd.cpio \
	-append "console=ttyS0 panic=-1 loglevel=4" \
	-serial file:/tmp/nested-console.log -serial file:/tmp/nested-out.log \
	> /tmp/nested-qemu.log 2>&1
echo "# nested VM ran for $(( $(date +%s) - t0 )) s (the rig guest's clock)"
grep -v '^@@nvmu-exit' /tmp/nested-out.log
if grep -q '^@@nvmu-exit 0' /tmp/nested-out.log && ! grep -q '^not ok' /tmp/nested-out.log; then
	echo "ok - the nested VM checked its data on the VFIO-backed disk"
else
	echo "not ok - the nested VM checked its data on the VFIO-backed disk"
	tail -20 /tmp/nested-console.log /tmp/nested-qemu.log | sed 's/^/# /'
	rc=1
fi
kill -TERM $pid
wait $pid
st=$?
sed 's/^/# /' /tmp/vb.out
if [ $st = 0 ] && grep -q " 0 bounced" /tmp/vb.out && ! grep -q "stopped: 0 requests" /tmp/vb.out
then
	echo "ok - nvmu vhost-blk served the nested VM without a bounce buffer and exits 0"
else
	echo "not ok - nvmu vhost-blk served the nested VM without a bounce buffer and exits 0"
	rc=1
fi
# the pattern is on the namespace: 64 KiB blocks 16.. = LBA 2048.. of 512 bytes
nvmu read $dev -n 1 -s 2048 -c 7 -d /tmp/ns.bin > /dev/null 2>&1
if [ "$(head -c 4096 /tmp/ns.bin | sha256sum | cut -d' ' -f1)" = \
     "$(yes NVMU-NESTED-PATTERN | head -c 4096 | sha256sum | cut -d' ' -f1)" ]; then
	echo "ok - the namespace holds what the nested VM wrote"
else
	echo "not ok - the namespace holds what the nested VM wrote"
	rc=1
fi
exit $rc

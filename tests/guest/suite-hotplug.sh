# Guest suite for hot-remove: one controller behind a hot-pluggable root port (QOM id nvme0).
rc=0
addr=$(nvmu list -o json | grep -o '"Address": "[^"]*"' | head -1 | cut -d'"' -f4)
nvmu bind "$addr" >/dev/null || { echo "not ok - bind $addr"; exit 1; }
rm -f /tmp/hotplug.ready
test_hotplug "$addr" /tmp/hotplug.ready > /tmp/hotplug.out 2>&1 &
pid=$!
i=0
while [ ! -e /tmp/hotplug.ready ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
echo '@@nvmu-host {"qmp": {"execute": "device_del", "arguments": {"id": "nvme0"}}}'
read -r reply < /dev/ttyS1
echo "# device_del: $reply"
wait $pid || rc=1
cat /tmp/hotplug.out
i=0
while [ -e "/sys/bus/pci/devices/$addr" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if [ -e "/sys/bus/pci/devices/$addr" ]; then
	echo "not ok - the kernel finished removing $addr once nvmu let go"; rc=1
else
	echo "ok - the kernel finished removing $addr once nvmu let go (after ~$((i / 10)) s)"
fi
exit $rc

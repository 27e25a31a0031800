#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest suite for recovery (runs inside the rig; see scripts/test.sh for the topology):
#   0000:00:10.0  serial nvmu0, a file-backed namespace: CFS from unmapped queue memory and
#                 reset (test_recovery), then nvmu perf --verify with a reset every 2 s
#   (hot-plug)    serial nvmu-hp behind a hot-pluggable root port (QOM id nvme1):
#                 QMP device_del while nvmu perf runs on it
# Prints TAP lines; exits non-zero if anything failed.
rc=0
dev=0000:00:10.0
n=100 # the TAP numbers of this script's own checks (test_recovery numbers its own)
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; rc=1; }
# Value of the first "KEY": NUMBER after the line matching SECTION in JSON on stdin.
json_num() {
	awk -v s="$1" -v k="\"$2\":" '$0 ~ s { t = 1 } t && $1 == k { gsub(/[",]/, "", $2); print $2; exit }'
}

hp=$(nvmu list -o json | grep -o '"Address": "[^"]*"' | cut -d'"' -f4 | grep -v "^$dev$" | head -1)
if nvmu bind $dev $hp >/dev/null; then ok "bind $dev and $hp"; else nok "bind $dev and $hp"; fi

echo "# test_recovery $dev"
test_recovery $dev || rc=1

echo "# nvmu perf $dev -w randrw -q 32 -t 60 --verify --reset-interval 2"
out=$(nvmu perf $dev -w randrw -q 32 -t 60 --verify --reset-interval 2 -o json 2>/tmp/perf-reset.err)
prc=$?
sed 's/^/# /' /tmp/perf-reset.err
resets=$(echo "$out" | json_num '"devices"' resets)
reposted=$(echo "$out" | json_num '"devices"' reposted)
reset_ms=$(echo "$out" | json_num '"devices"' reset_ms_mean)
reset_max=$(echo "$out" | json_num '"devices"' reset_ms_max)
mism=$(echo "$out" | json_num '"total"' mismatches)
errs=$(echo "$out" | json_num '"total"' errors)
ios=$(echo "$out" | json_num '"total"' ios)
iops=$(echo "$out" | json_num '"total"' iops)
echo "# $ios I/Os ($iops IOPS), $resets resets (mean $reset_ms ms, max $reset_max ms), $reposted reposted, $errs errors, $mism mismatches"
if [ $prc -eq 0 ] && [ "${mism:-x}" = 0 ] && [ "${errs:-x}" = 0 ] && [ "${resets:-0}" -ge 20 ]; then
	ok "perf --verify --reset-interval 2 for 60 s: $resets resets, 0 mismatches, 0 errors"
else
	nok "perf --verify --reset-interval 2 for 60 s (exit $prc, resets ${resets:-?}, mismatches ${mism:-?}, errors ${errs:-?})"
fi

if [ -z "$hp" ]; then
	nok "hot-plug controller present"
	exit $rc
fi
echo "# nvmu perf $hp -t 120, then QMP device_del of nvme1"
nvmu perf $hp -q 32 -t 120 > /tmp/perf-hp.out 2>&1 &
pid=$!
sleep 3
echo '@@nvmu-host {"qmp": {"execute": "device_del", "arguments": {"id": "nvme1"}}}'
read -r reply < /dev/ttyS1
echo "# device_del: $reply"
t0=$(cut -d' ' -f1 /proc/uptime)
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
t1=$(cut -d' ' -f1 /proc/uptime)
if kill -0 $pid 2>/dev/null; then
	nok "nvmu perf ended after the device was removed (still running after 60 s)"
	kill -9 $pid
else
	wait $pid
	prc=$?
	sed 's/^/# /' /tmp/perf-hp.out
	secs=$(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")
	if [ $prc -eq 1 ] && grep -q "was removed during the run" /tmp/perf-hp.out; then
		ok "nvmu perf ended $secs s after device_del, exit 1, saying the device was removed"
	else
		nok "nvmu perf on a removed device (exit $prc after $secs s)"
	fi
fi
i=0
while [ -e "/sys/bus/pci/devices/$hp" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if [ -e "/sys/bus/pci/devices/$hp" ]; then
	nok "the kernel finished removing $hp once nvmu perf let go"
else
	ok "the kernel finished removing $hp once nvmu perf let go (~$((i / 10)) s after perf ended)"
fi
if nvmu unbind $dev >/dev/null; then ok "unbind $dev"; else nok "unbind $dev"; fi
exit $rc

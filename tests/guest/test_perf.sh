#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest check of nvmu perf on QEMU's NVMe (a file backend, so data is stored): a verified
# randrw run at QD 32 passes with 0 mismatches, -o json has total.iops, and (as TAP
# comments) the guest's clocksource and QD 1 IOPS with the tsc and monotonic clocks.
# Runs inside the rig: tests/rig/nvmu-rig --ctrl serial=nvmu0 --ns size=1G tests/guest/test_perf.sh
dev=0000:00:10.0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
echo "1..5"
if nvmu bind $dev >/dev/null 2>&1; then ok "bind $dev"; else nok "bind $dev"; fi
out=$(nvmu perf $dev -w randrw -q 32 -t 3 --verify 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc -eq 0 ] && echo "$out" | grep -q ', 0 mismatches'; then
	ok "perf randrw QD 32 --verify: 0 mismatches"
else
	nok "perf randrw QD 32 --verify (exit $rc)"
fi
json=$(nvmu perf $dev -w randread -q 32 -t 2 -o json 2>/dev/null); rc=$?
iops=$(echo "$json" | awk '/"total": \{/ { t = 1 } t && /"iops":/ { gsub(/[",]/, "", $2); print $2; exit }')
echo "# total.iops: $iops"
if [ $rc -eq 0 ] && [ -n "$iops" ] && awk "BEGIN { exit !($iops > 0) }"; then
	ok "perf -o json has total.iops"
else
	nok "perf -o json has total.iops (exit $rc)"
fi
# No system call on the I/O path: the whole run under strace -f -c makes a number of
# calls that does not grow with the I/Os (setup, the progress thread's 100 ms sleeps, the
# driver's 100 ms status checks: a clock read and a device-request eventfd read), far
# below one per hundred I/Os.
if command -v strace >/dev/null; then
	json=$(strace -f -c -o /tmp/strace.txt nvmu perf $dev -w randread -q 32 -t 3 -o json 2>/dev/null)
	ios=$(echo "$json" | awk '/"total": \{/ { t = 1 } t && /"ios":/ { gsub(/[",]/, "", $2); print $2; exit }')
	calls=$(awk '$NF == "total" { print $(NF - 2) }' /tmp/strace.txt)
	sed 's/^/# /' /tmp/strace.txt
	echo "# system calls in the whole run: $calls, I/Os: $ios"
	if [ -n "$ios" ] && [ -n "$calls" ] && [ "$ios" -gt 0 ] && [ $((calls * 100)) -lt "$ios" ]; then
		ok "perf under strace: $calls system calls for $ios I/Os (none per I/O)"
	else
		nok "perf under strace: ${calls:-?} system calls for ${ios:-?} I/Os"
	fi
else
	nok "strace in the guest"
fi
echo "# clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
for c in tsc monotonic; do
	echo "# QD 1 randread, clock $c: $(nvmu perf $dev -q 1 -t 2 --clock $c -o json 2>/dev/null |
		awk '/"total": \{/ { t = 1 } t && /"iops":/ { print $2; exit }') IOPS"
done
if nvmu unbind $dev >/dev/null 2>&1; then ok "unbind $dev"; else nok "unbind $dev"; fi

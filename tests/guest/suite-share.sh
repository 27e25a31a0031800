#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest suite for several processes on one controller (docs/architecture.md), in one
# boot: `nvmu serve` holds QEMU's NVMe as the primary; secondaries (every other nvmu
# process) join it without a flag. Checks: a secondary's verified data round trip; no
# system call per I/O on a secondary (strace); two `nvmu perf --verify` at once on
# disjoint ranges (namespaces 1 and 2) with the management verbs running meanwhile;
# resets asked by one of two processes running I/O, done once by the primary, the other
# recovered too; a secondary killed with SIGKILL mid-I/O (its queues come back: a run
# that needs every queue of the controller succeeds); --group lets another user in, and
# without it another user is refused by the peer check; the primary killed with SIGKILL
# (the secondary stops with -ENODEV and says why; a new primary starts); hot-removal of a
# second controller used by two processes (both let go, the kernel removes it).
# Runs inside the rig:
#   tests/rig/nvmu-rig --program strace --ctrl serial=nvmu0,max_ioqpairs=4 \
#       --ns size=32M --ns size=32M --ctrl serial=nvmu-hp,hotplug=on --ns size=16M \
#       tests/guest/suite-share.sh
dev=0000:00:10.0
queues=4
sock=/run/nvmu/pci-$dev.sock
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { # description command...: ok when the command exits 0, its output as comments
	desc=$1; shift
	if out=$("$@" 2>&1); then ok "$desc"; else nok "$desc (exit $?)"; fi
	echo "$out" | tail -n 4 | sed 's/^/# /'
}
serve() { # [options]: start nvmu serve and wait until it serves
	rm -f /tmp/serve.out # a line of the last one must not count
	nvmu serve $dev "$@" > /tmp/serve.out 2>&1 &
	spid=$!
	i=0
	while ! grep -q '^Serving' /tmp/serve.out && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q '^Serving' /tmp/serve.out
}
unserve() { kill -TERM $spid; wait $spid; }

echo "1..21"
check "bind $dev" nvmu bind $dev
if serve; then ok "nvmu serve holds $dev"; else nok "nvmu serve holds $dev"; cat /tmp/serve.out; fi

check "a secondary's verified round trip (perf randrw --verify, namespace 1)" \
	nvmu perf $dev -w randrw -q 8 -t 2 -n 1 --verify

# No system call per I/O on a secondary either (strace -f -c over a whole run: setup and
# the 100 ms checks, a number that does not grow with the I/Os; below one call per ten
# I/Os even when the guest is slow).
if command -v strace >/dev/null; then
	json=$(strace -f -c -o /tmp/strace.txt nvmu perf $dev -w randread -q 32 -t 3 -o json 2>/dev/null)
	ios=$(echo "$json" |
		awk '/"total": \{/ { t = 1 } t && /"ios":/ { gsub(/[",]/, "", $2); print $2; exit }')
	calls=$(awk '$NF == "total" { print $(NF - 2) }' /tmp/strace.txt)
	echo "# a secondary's system calls in the whole run: $calls, I/Os: $ios"
	if [ -n "$ios" ] && [ -n "$calls" ] && [ "$ios" -gt 0 ] && [ $((calls * 10)) -lt "$ios" ]; then
		ok "a secondary's perf under strace: $calls system calls for $ios I/Os"
	else
		nok "a secondary's perf under strace: $calls system calls for $ios I/Os"
	fi
else
	ok "# SKIP strace is not in the guest"
fi

# Two secondaries at once on disjoint ranges, management verbs beside them.
nvmu perf $dev -w randrw -q 16 -t 6 -n 1 --verify > /tmp/perf1.out 2>&1 &
p1=$!
nvmu perf $dev -w randrw -q 16 -t 6 -n 2 --verify > /tmp/perf2.out 2>&1 &
p2=$!
sleep 2
mgmt=0
for verb in "id-ctrl" "smart-log" "get-log --log-id=2 --log-len=512" "get-feature -f 7" \
	"error-log"; do
	# shellcheck disable=SC2086
	if ! nvmu $verb $dev > /tmp/verb.out 2>&1; then
		mgmt=1
		echo "# nvmu $verb failed:"
		sed 's/^/#   /' /tmp/verb.out
	fi
done
if [ $mgmt -eq 0 ]; then ok "id-ctrl, smart-log, get-log, get-feature, error-log during perf"
else nok "management verbs during perf"; fi
for p in 1 2; do
	eval "wait \$p$p"
	rc=$?
	sed 's/^/# /' /tmp/perf$p.out | tail -n 3
	if [ $rc -eq 0 ] && grep -q ', 0 mismatches' /tmp/perf$p.out; then
		ok "perf --verify on namespace $p beside another perf: 0 mismatches"
	else
		nok "perf --verify on namespace $p beside another perf (exit $rc)"
	fi
done

# Resets while two processes run I/O: the one with --reset-interval asks for them, the
# primary does each once, and the other process's queues are paused and recovered too.
nvmu perf $dev -w randrw -q 16 -t 8 -n 1 --verify --retries 4 > /tmp/perf1.out 2>&1 &
p1=$!
nvmu perf $dev -w randrw -q 16 -t 8 -n 2 --verify --reset-interval 3 > /tmp/perf2.out 2>&1 &
p2=$!
for p in 1 2; do
	eval "wait \$p$p"
	rc=$?
	sed 's/^/# /' /tmp/perf$p.out | tail -n 4
	if [ $rc -eq 0 ] && grep -q ', 0 mismatches' /tmp/perf$p.out; then
		ok "resets asked by one perf, done by the primary: perf $p verified, no error"
	else
		nok "resets asked by one perf, done by the primary: perf $p (exit $rc)"
	fi
done

# SIGKILL of a secondary in the middle of its I/O: the primary takes its queues back.
nvmu perf $dev -w randwrite -q 32 -t 60 -n 1 --threads 2 > /tmp/victim.out 2>&1 &
victim=$!
sleep 3
kill -KILL $victim
wait $victim
sleep 1
check "after a secondary's SIGKILL, all $queues queues can be taken again" \
	nvmu perf $dev -w randread -q 4 -t 1 --threads $queues
if kill -0 $spid 2>/dev/null; then ok "the primary lives on"; else nok "the primary lives on"; fi

# Access: --group lets its members in; without it, another user is refused.
unserve
serve --group nogroup
check "nobody joins a primary served with --group nogroup" \
	su -s /bin/sh nobody -c "nvmu id-ctrl $dev"
unserve
serve
chmod 666 "$sock" # so that the primary's peer check is what refuses
out=$(su -s /bin/sh nobody -c "nvmu id-ctrl $dev" 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc -ne 0 ] && echo "$out" | grep -q 'may not join'; then
	ok "another user is refused (SO_PEERCRED)"
else
	nok "another user is refused (exit $rc)"
fi

# SIGKILL of the primary: the secondary ends with a reason, a new primary starts.
nvmu perf $dev -w randread -q 16 -t 60 -n 1 > /tmp/orphan.out 2>&1 &
orphan=$!
sleep 3
kill -KILL $spid
wait $spid
wait $orphan
rc=$?
sed 's/^/# /' /tmp/orphan.out | tail -n 4
if [ $rc -ne 0 ] && grep -q 'exited or stopped sharing' /tmp/orphan.out; then
	ok "the secondary stops when the primary is killed, and says why"
else
	nok "the secondary stops when the primary is killed (exit $rc)"
fi
check "a new process owns $dev after the primary's SIGKILL" nvmu id-ctrl $dev
if serve; then ok "a new nvmu serve starts"; else nok "a new nvmu serve starts"; fi
check "its secondary's verified round trip" nvmu perf $dev -w randrw -q 8 -t 1 -n 2 --verify
unserve

# Hot-removal of a controller that two processes use (the second controller, QOM id
# nvme1, behind a hot-pluggable root port): the primary sees the device request, tells
# its secondary and lets go; the secondary stops and lets go of the doorbells too, so
# the kernel can finish removing the device.
hp=$(nvmu list -o json | grep -o '"Address": "[^"]*"' | cut -d'"' -f4 | grep -v "^$dev$" |
	head -1)
nvmu bind "$hp" > /dev/null 2>&1
dev=$hp
if serve; then ok "nvmu serve holds $hp"; else nok "nvmu serve holds $hp"; fi
nvmu perf $hp -w randread -q 16 -t 60 > /tmp/removed.out 2>&1 &
victim=$!
sleep 3
echo '@@nvmu-host {"qmp": {"execute": "device_del", "arguments": {"id": "nvme1"}}}'
read -r reply < /dev/ttyS1
echo "# device_del: $reply"
wait $victim
rc=$?
sed 's/^/# /' /tmp/removed.out | tail -n 2
if [ $rc -ne 0 ] && grep -q 'removed' /tmp/removed.out; then
	ok "the secondary stops when the device is removed, and says so"
else
	nok "the secondary stops when the device is removed (exit $rc)"
fi
wait $spid
rc=$?
sed 's/^/# /' /tmp/serve.out | tail -n 1
if [ $rc -eq 1 ] && grep -q 'was removed' /tmp/serve.out; then
	ok "nvmu serve ends when the device is removed"
else
	nok "nvmu serve ends when the device is removed (exit $rc)"
fi
i=0
while [ -e "/sys/bus/pci/devices/$hp" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if [ -e "/sys/bus/pci/devices/$hp" ]; then
	nok "the kernel finished removing $hp once both processes let go"
else
	ok "the kernel finished removing $hp once both processes let go (~$((i / 10)) s)"
fi
exit $((failed > 0))

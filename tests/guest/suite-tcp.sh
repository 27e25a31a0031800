#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest suite for NVMe over TCP (runs inside the rig; see scripts/test.sh for the modules
# it needs). Linux's nvmet-tcp serves, on loopback port 4420, one subsystem with two
# namespaces: a memory-backed null_blk (1) and a file on tmpfs (2). nvmu reaches it through
# tcp:// device strings: discovery, id-ctrl, write/read round trips of one block to 5 MiB
# with the data checked, digests, nvmu perf --verify, the port removed and re-added under
# perf (reconnect, nothing lost), keep-alive while idle, and data exchanged with the
# kernel's own nvme-tcp host both ways.
# Prints TAP lines; exits non-zero if anything failed.
rc=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; rc=1; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2 (exit $1)"; fi; }
# Value of the first "KEY": NUMBER after the line matching SECTION in JSON on stdin.
json_num() {
	awk -v s="$1" -v k="\"$2\":" '$0 ~ s { t = 1 } t && $1 == k { gsub(/[",]/, "", $2); print $2; exit }'
}

. /nvmu/tests/guest/nvmet-tcp.sh
NQN=$NVMET_NQN
DEV=$NVMET_DEV

# ---- the target ----
nvmet_tcp_up file
check $? "nvmet-tcp serves $NQN on 127.0.0.1:4420 (null_blk and a file)"

# ---- discovery and identify ----
out=$(nvmu discover tcp://127.0.0.1 -o json 2>&1)
drc=$?
echo "$out" | grep -q "\"device\": \"tcp://127.0.0.1:4420/$NQN\"" && [ $drc -eq 0 ]
check $? "nvmu discover lists $NQN with its device string"
echo "$out" | grep -q '"subtype": "current discovery subsystem"'
check $? "nvmu discover lists the discovery subsystem itself"
out=$(nvmu id-ctrl "$DEV" -o json 2>&1)
echo "$out" | grep -q "\"subnqn\": \"$NQN\""
check $? "nvmu id-ctrl over tcp:// names the subsystem"
echo "$out" | grep -q '"mdts": 10'
check $? "MDTS as the core sees it: 4 MiB"

# ---- write/read round trips ----
lbs_of() { # LBA size of namespace $2 of device $1
	ds=$(nvmu id-ns "$1" -n "$2" -o json | awk '$1 == "\"ds\":" { gsub(/,/, "", $2); print $2; exit }')
	echo $((1 << ds))
}
round_trip() { # device nsid blocks slba label
	head -c $(($3 * $6)) /dev/urandom > /tmp/w.bin
	nvmu write "$1" -n "$2" -s "$4" -c $(($3 - 1)) -d /tmp/w.bin 2>/tmp/rt.err &&
		nvmu read "$1" -n "$2" -s "$4" -c $(($3 - 1)) -d /tmp/r.bin 2>>/tmp/rt.err &&
		cmp -s /tmp/w.bin /tmp/r.bin
	r=$?
	[ $r -eq 0 ] || sed 's/^/# /' /tmp/rt.err
	check $r "$5: ns $2, $3 blocks of $6 bytes at $4 written and read back"
}
for ns in 1 2; do
	lbs=$(lbs_of "$DEV" $ns)
	echo "# namespace $ns: $lbs-byte blocks"
	for bytes in $lbs 4096 16384 20480 1048576 5242880; do
		[ $bytes -lt $lbs ] && continue
		round_trip "$DEV" $ns $((bytes / lbs)) $((ns * 1000)) "tcp://" $lbs
	done
done
lbs=$(lbs_of "$DEV" 1)
for b in 1 32 2048 10240; do
	round_trip "$DEV?hdgst=on,ddgst=on" 1 $b 20000 "digests on" $lbs
done
round_trip "$DEV?hdgst=on" 2 16 300 "header digest only" $(lbs_of "$DEV" 2)

# ---- nvmu perf --verify ----
# (an entry is device options, then perf flags after a space: " --irq" waits on interrupts)
for opts in "" "?hdgst=on,ddgst=on" " --irq"; do
	out=$(nvmu perf "$DEV${opts%% *}" ${opts#"${opts%% *}"} -w randrw -q 32 -t 5 --verify \
		-o json 2>/tmp/perf.err)
	prc=$?
	mism=$(echo "$out" | json_num '"total"' mismatches)
	ios=$(echo "$out" | json_num '"total"' ios)
	iops=$(echo "$out" | json_num '"total"' iops)
	echo "# perf --verify $opts: $ios I/Os ($iops IOPS), ${mism:-?} mismatches"
	[ $prc -eq 0 ] && [ "${mism:-x}" = 0 ] && [ "${ios:-0}" -gt 0 ]
	r=$?
	[ $r -eq 0 ] || sed 's/^/# /' /tmp/perf.err
	check $r "nvmu perf --verify randrw QD 32 over tcp://$opts"
done

# ---- the port goes away and comes back under perf ----
echo "# perf --verify for 20 s; the port is removed at 5 s and re-added at 9 s"
nvmu perf "$DEV?reconnect-delay=500,ctrl-loss-tmo=60000" -w randrw -q 16 -t 20 --verify \
	--retries 4 -o json > /tmp/perf-port.json 2>/tmp/perf-port.err &
pid=$!
sleep 5
nvmet_tcp_unlink
sleep 4
nvmet_tcp_link
wait $pid
prc=$?
sed 's/^/# /' /tmp/perf-port.err | head -20
out=$(cat /tmp/perf-port.json)
reposted=$(echo "$out" | json_num '"devices"' reposted)
mism=$(echo "$out" | json_num '"total"' mismatches)
errs=$(echo "$out" | json_num '"total"' errors)
ios=$(echo "$out" | json_num '"total"' ios)
echo "# $ios I/Os, ${reposted:-?} reposted after the reconnect, ${errs:-?} errors, ${mism:-?} mismatches"
grep -q "connection lost" /tmp/perf-port.err && [ $prc -eq 0 ] && [ "${mism:-x}" = 0 ] &&
	[ "${errs:-x}" = 0 ] && [ "${reposted:-0}" -ge 1 ]
check $? "port removed and re-added under perf --verify: reconnected, nothing lost"

# ---- keep-alive ----
test_tcp_idle "$DEV?kato=2000" 8 | sed 's/^ok 1 /# ok /; s/^not ok 1 /# not ok /'
check $? "an idle controller (KATO 2 s, 8 s idle) is kept by the keep-alive thread"

# ---- the kernel's nvme-tcp host and nvmu on the same data ----
new=$(kernel_host_connect)
if [ -z "$new" ]; then
	nok "the kernel nvme-tcp host connects"
else
	ok "the kernel nvme-tcp host connects ($new)"
	lbs=$(lbs_of "$DEV" 1)
	head -c 1048576 /dev/urandom > /tmp/k.bin
	nvmu write "$DEV" -n 1 -s 40000 -c $((1048576 / lbs - 1)) -d /tmp/k.bin 2>/dev/null
	dd if=/dev/$new of=/tmp/k2.bin bs=4096 skip=$((40000 * lbs / 4096)) count=256 \
		iflag=direct 2>/dev/null
	cmp -s /tmp/k.bin /tmp/k2.bin
	check $? "data written by nvmu is read back by the kernel host"
	head -c 1048576 /dev/urandom > /tmp/k3.bin
	dd if=/tmp/k3.bin of=/dev/$new bs=4096 seek=$((60000 * lbs / 4096)) count=256 \
		oflag=direct conv=fsync 2>/dev/null
	nvmu read "$DEV" -n 1 -s 60000 -c $((1048576 / lbs - 1)) -d /tmp/k4.bin 2>/dev/null
	cmp -s /tmp/k3.bin /tmp/k4.bin
	check $? "data written by the kernel host is read back by nvmu"
	kernel_host_disconnect
fi

# ---- errors ----
out=$(nvmu id-ctrl "tcp://127.0.0.1/nqn.2024-01.io.nvmu:nobody" 2>&1)
echo "# $out"
echo "$out" | grep -q "serves no subsystem"
check $? "an unknown subsystem NQN is refused in words"
out=$(nvmu id-ctrl "tcp://127.0.0.1:4421/$NQN" 2>&1)
echo "# $out"
echo "$out" | grep -q "refused the connection"
check $? "a port nobody listens on is refused in words"

echo "1..$n"
exit $rc

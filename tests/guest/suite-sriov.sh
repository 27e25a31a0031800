# Guest suite for SR-IOV, in one boot (tests/rig/nvmu-rig; scripts/test.sh has the command):
# an SR-IOV controller behind a root port with a subsystem, sriov_max_vfs=2, 8 VQ and 4 VI
# flexible resources (at most 6 VQ and 3 VI per VF) and one shared namespace, plus a controller
# without SR-IOV at 0000:00:11.0; nvme-cli is given with --program nvme.
# 1. PF on the kernel driver: nvme-cli's primary-ctrl-caps and list-secondary captured.
# 2. PF on vfio-pci: nvmu's verbs of the same names print what nvme-cli printed; sriov show
#    agrees; the bad inputs (more VFs than offered, more resources than allowed or free,
#    kernel-bound PF, device without SR-IOV, bad token) fail with the numbers and leave
#    the PF as it was.
# 3. `nvmu sriov enable --vfs 2` holds the PF: VF lines, token, ready; sriov show through
#    the holder; the VF token (none, wrong, right); identify, data written through the PF
#    read on each VF, a write on one VF read on the other, perf --verify on each VF;
#    finer control (offline, assign while online refused, assign, online).
# 4. Disable while a VF is open: refused naming the process; disable: the VFs are gone,
#    the PF works and still has the data.
# 4b. With the rig's --nested: VF 1 in a nested VM; its kernel NVMe driver sees the queues
#    assigned and reads data written through the PF.
# 5. perf on the PF (which enables the VFs: --sriov-vfs 2) and on both VFs at the same
#    time from three processes; the IOPS of each are printed as "# perf" lines.
# Prints TAP lines; exits non-zero if anything failed.
PF=0000:01:00.0
PLAIN=0000:00:11.0
T=/tmp/suite-sriov
OUT=$T/out
ERR=$T/err
rc=0
mkdir -p $T

. /nvmu/tests/guest/tap.sh
# check NAME CONDITION...: passes if the command CONDITION succeeds.
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "failed: $*"; fi
}
# expect NAME STATUS TEXT command...: exit status STATUS and TEXT in stderr (for status 0:
# in stdout or stderr).
expect() {
	name=$1 want=$2 text=$3
	shift 3
	run "$@"
	where=$ERR
	[ "$want" -eq 0 ] && where="$OUT $ERR"
	if [ "$status" -ne "$want" ]; then
		fail "$name" "exit status $status, expected $want: $*"
	elif ! cat $where | grep -qF -- "$text"; then
		fail "$name" "expected: $text"
	else
		pass "$name"
	fi
}
# verdict NAME: passes if the last command succeeded.
verdict() {
	if [ $? -eq 0 ]; then pass "$1"; else fail "$1"; fi
}
# jval FILE KEY: the first number under "KEY" in a JSON file.
jval() { grep -o "\"$2\": *[0-9]*" "$1" | head -n 1 | sed 's/.*: *//'; }
numvfs() { cat /sys/bus/pci/devices/$PF/sriov_numvfs; }
# uuid_ok TEXT: TEXT has the form of a UUID.
uuid_ok() {
	echo "$1" | grep -qE '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
}
# wait_for FILE TEXT SECONDS: until TEXT appears in FILE.
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $(($3 * 10)) ] && return 1
		sleep 0.1
	done
}

# ---- 1. nvme-cli with the PF on the kernel driver ----------------------------------
CTRL=$(ls /sys/bus/pci/devices/$PF/nvme 2>/dev/null | head -n 1)
for f in normal json; do
	nvme primary-ctrl-caps /dev/$CTRL -o $f > $T/nvme-caps.$f
	nvme list-secondary /dev/$CTRL -o $f > $T/nvme-list.$f
done
nvme primary-ctrl-caps /dev/$CTRL -H > $T/nvme-caps.human
nvme list-secondary /dev/$CTRL -c 2 -e 1 > $T/nvme-list.c2
check "nvme-cli reads the PF ($PF, /dev/$CTRL) on the kernel driver" \
	grep -q '"vqfrt"' $T/nvme-caps.json
check "vfio-pci's enable_sriov is off at boot (nvmu turns it on)" \
	grep -q N /sys/module/vfio_pci/parameters/enable_sriov
expect "enable on a PF bound to the kernel driver: refused with the bind to run" 1 \
	"bound to the nvme driver, not vfio-pci: run 'nvmu bind $PF' first" \
	nvmu sriov enable $PF --vfs 2

# ---- 2. PF on vfio-pci: nvme-cli's verbs, show, bad input ---------------------------
nvmu bind $PF $PLAIN > /dev/null || fail "bind $PF and $PLAIN"
nvmu primary-ctrl-caps $PF > $T/nvmu-caps.normal
nvmu primary-ctrl-caps $PF -H > $T/nvmu-caps.human
nvmu list-secondary $PF > $T/nvmu-list.normal
nvmu list-secondary $PF -c 2 -e 1 > $T/nvmu-list.c2
for f in caps.normal caps.human list.normal list.c2; do
	check "nvmu ${f%.*} prints what nvme-cli printed ($f)" cmp -s $T/nvme-$f $T/nvmu-$f
done
nvmu primary-ctrl-caps $PF -o json > $T/nvmu-caps.json
nvmu list-secondary $PF -o json > $T/nvmu-list.json
check "primary-ctrl-caps JSON: every nvme-cli value agrees" \
	json_common $T/nvme-caps.json $T/nvmu-caps.json
check "list-secondary JSON: every nvme-cli value agrees" \
	json_common $T/nvme-list.json $T/nvmu-list.json
nvmu sriov show $PF -o json > $T/show.json
ok=1
for k in vqfrt vqprt vqfrsm vifrt viprt vifrsm vqrfa virfa; do
	[ "$(jval $T/show.json $k)" = "$(jval $T/nvme-caps.json $k)" ] || ok=0
done
check "sriov show agrees with nvme-cli's primary-ctrl-caps" [ $ok -eq 1 ]
check "sriov show lists 2 offline secondaries with no VF, as list-secondary" \
	[ "$(grep -c '"state": "offline"' $T/show.json)" -eq 2 ]

expect "more VFs than offered: refused with the count" 1 "$PF offers 2 VFs; cannot enable 3" \
	nvmu sriov enable $PF --vfs 3
expect "more VQ resources than free: refused with the numbers" 1 \
	"2 VFs x 5 VQ (queue) resources = 10, but only 8 of $PF's 8 flexible ones are free" \
	nvmu sriov enable $PF --vfs 2 --vq 5
expect "more VQ per VF than allowed: refused with the maximum" 1 \
	"gives a VF at most 6 VQ (queue) resources, not 7" nvmu sriov enable $PF --vfs 1 --vq 7
expect "too few VQ to go online: refused" 1 "a VF needs at least 2 VQ (queue) resources" \
	nvmu sriov enable $PF --vfs 2 --vq 1
expect "more VI than free: refused with the numbers" 1 \
	"2 VFs x 3 VI (interrupt) resources = 6, but only 4" nvmu sriov enable $PF --vfs 2 --vi 3
expect "more VI per VF than allowed: refused with the maximum" 1 \
	"gives a VF at most 3 VI (interrupt) resources, not 4" nvmu sriov enable $PF --vfs 1 --vi 4
expect "no --vfs: usage error" 2 "give the number of VFs with --vfs N" nvmu sriov enable $PF
expect "a token that is not a UUID: usage error" 2 "is not a UUID" \
	nvmu sriov enable $PF --vfs 2 --token 1234
expect "a device without SR-IOV: refused" 1 "$PLAIN has no SR-IOV capability" \
	nvmu sriov show $PLAIN
check "after the refusals no VF is enabled" [ "$(numvfs)" -eq 0 ]
dd if=/dev/urandom of=$T/pattern bs=4096 count=8 2>/dev/null
expect "the PF works after the refusals (a write)" 0 "write: Success" \
	nvmu write $PF -n 1 -s 64 -c 63 -d $T/pattern

# ---- 3. enable and hold -------------------------------------------------------------
nvmu sriov enable $PF --vfs 2 > $T/enable.out 2> $T/enable.err &
holder=$!
if wait_for $T/enable.out '^ready$' 60; then
	pass "sriov enable --vfs 2 says ready"
else
	fail "sriov enable --vfs 2 says ready" "$(cat $T/enable.out $T/enable.err)"
fi
sed 's/^/# /' $T/enable.out
VF1=$(sed -n 's/^VF \([^ ]*\) .*/\1/p' $T/enable.out | sed -n 1p)
VF2=$(sed -n 's/^VF \([^ ]*\) .*/\1/p' $T/enable.out | sed -n 2p)
TOKEN=$(sed -n 's/^token //p' $T/enable.out)
check "one line per VF: VF <bdf> cntlid <id> queues 4 vectors 2 (an even share)" \
	[ "$(grep -c '^VF 0000:01:00\.[12] cntlid [12] queues 4 vectors 2$' $T/enable.out)" -eq 2 ]
check "vfio-pci's enable_sriov was turned on" grep -q Y /sys/module/vfio_pci/parameters/enable_sriov
[ "$(numvfs)" -eq 2 ] && [ "$(basename "$(readlink /sys/bus/pci/devices/$VF1/driver)")" = vfio-pci ]
verdict "sriov_numvfs is 2, VFs on vfio-pci"
nvmu sriov show $PF -o json > $T/show2.json
[ "$(jval $T/show2.json owner_pid)" = "$holder" ] && grep -q '"vf_token": "set"' $T/show2.json &&
	[ "$(grep -c '"state": "online"' $T/show2.json)" -eq 2 ] &&
	[ "$(grep -c '"vq": 4' $T/show2.json)" -eq 2 ] && [ "$(grep -c '"vi": 2' $T/show2.json)" -eq 2 ]
verdict "sriov show through the holder: held by its pid, token set, both online with 4 VQ 2 VI"
nvmu sriov show $PF | sed 's/^/# /'
if nvmu list | grep "^$VF1" | grep -q "vf of $PF"; then
	pass "nvmu list shows $VF1 as a VF of $PF"
else
	fail "nvmu list shows $VF1 as a VF of $PF"
fi
expect "enable on a held PF: refused naming the holder" 1 "is held by pid $holder already" \
	nvmu sriov enable $PF --vfs 1
test_sriov $PF $VF1 "$TOKEN" 1 3 || rc=1
expect "a VF without the token: refused" 1 "needs the PF's VF token" nvmu id-ctrl $VF1
expect "a VF with a wrong token: refused" 1 "must match the token set on the PF" \
	nvmu id-ctrl $VF1 --vf-token 00000000-1111-2222-3333-444444444444
for vf in $VF1 $VF2; do
	n=${vf##*.}
	expect "id-ctrl $vf --vf-token: cntlid $n" 0 "cntlid    : 0x$n" \
		nvmu id-ctrl $vf --vf-token "$TOKEN"
	NVMU_VF_TOKEN="$TOKEN" nvmu read $vf -n 1 -s 64 -c 63 -z 32768 > $T/data 2> $ERR
	check "$vf (NVMU_VF_TOKEN) reads the data written through the PF" cmp -s $T/data $T/pattern
done
dd if=/dev/urandom of=$T/pattern2 bs=4096 count=1 2>/dev/null
nvmu write $VF1 --vf-token "$TOKEN" -n 1 -s 8 -c 7 -d $T/pattern2 2>/dev/null
nvmu read $VF2 --vf-token "$TOKEN" -n 1 -s 8 -c 7 -z 4096 > $T/data 2> $ERR
check "a write through $VF1 reads back through $VF2 (one shared namespace)" \
	cmp -s $T/data $T/pattern2
for vf in $VF1 $VF2; do
	expect "perf --verify on $vf" 0 "0 mismatches" \
		nvmu perf $vf --vf-token "$TOKEN" -w randrw -q 16 -t 3 --verify
done
expect "assign to an online VF: refused" 1 "is online: offline it before assigning" \
	nvmu sriov assign $PF --vf 2 --vq 2
expect "offline VF 2 through the holder" 0 "VF 2 cntlid 2 offline queues 0 vectors 0" \
	nvmu sriov offline $PF --vf 2
expect "online without resources: refused with the numbers" 1 \
	"VF 2 has 0 VQ and 0 VI resources; online needs at least 2 VQ and 1 VI" \
	nvmu sriov online $PF --vf 2
expect "assign more than free: refused with the numbers" 1 \
	"1 VF x 5 VQ (queue) resources = 5, but only 4 of $PF's 8 flexible ones are free" \
	nvmu sriov assign $PF --vf 2 --vq 5 --vi 2
expect "assign 2 VQ 1 VI to VF 2" 0 "VF 2 cntlid 2 offline queues 2 vectors 1" \
	nvmu sriov assign $PF --vf 2 --vq 2 --vi 1
expect "online VF 2" 0 "VF 2 cntlid 2 online queues 2 vectors 1" nvmu sriov online $PF --vf 2
expect "VF 2 works with its new resources (a write for the PF to read after disable)" 0 \
	"write: Success" nvmu write $VF2 --vf-token "$TOKEN" -n 1 -s 64 -c 63 -d $T/pattern

# ---- 4. disable while a VF is open, then disable --------------------------------------
nvmu perf $VF1 --vf-token "$TOKEN" -w randread -t 8 > $T/perf-busy.out 2>&1 &
busy=$!
i=0
while [ $i -lt 50 ] && ! ls -l /proc/$busy/fd 2>/dev/null | grep -q /dev/vfio/; do
	sleep 0.1
	i=$((i + 1))
done
expect "disable while $VF1 is open: refused naming the process" 1 \
	"VF 1 ($VF1) of $PF is open by pid $busy (nvmu)" nvmu sriov disable $PF
wait $busy
check "the perf on $VF1 ran to its end through the refused disable" \
	grep -q "^total" $T/perf-busy.out
expect "disable" 0 "$PF: VFs disabled" nvmu sriov disable $PF
wait $holder
verdict "the holder exited 0 after disable"
[ "$(numvfs)" -eq 0 ] && [ ! -e /sys/bus/pci/devices/$PF/virtfn0 ] &&
	[ ! -e /sys/bus/pci/devices/$VF1 ]
verdict "after disable: sriov_numvfs 0 and no VF in sysfs"
nvmu read $PF -n 1 -s 64 -c 63 -z 32768 > $T/data 2> $ERR
check "after disable the PF works and reads what $VF2 wrote" cmp -s $T/data $T/pattern

# ---- 4b. a VF in a nested VM (the rig's --nested; skipped without it) ----------------
# The nested guest's kernel NVMe driver gets VF 1 through QEMU's vfio-pci device. QEMU 7.2
# has no VF token property; it opens the device by the name of its sysfsdev folder, which
# vfio-pci also parses for " vf_token=", so a link named "<VF> vf_token=<token>" to the
# VF's sysfs folder carries the token.
cat > $T/nested-job.sh <<'JOB'
i=0
while [ ! -b /dev/nvme0n1 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
echo "controllers: $(ls /sys/class/nvme | tr '\n' ' ')"
echo "cntlid $(cat /sys/class/nvme/nvme0/cntlid)"
echo "queue_count $(cat /sys/class/nvme/nvme0/queue_count)"
dmesg | grep -E 'nvme nvme0' | sed 's/^\[[ 0-9.]*\] //'
grep nvme /proc/interrupts | awk '{print "irq", $NF}'
echo "md5 $(dd if=/dev/nvme0n1 bs=4096 skip=8 count=8 2>/dev/null | md5sum | cut -d' ' -f1)"
JOB
if command -v nvmu-nested > /dev/null; then
	dd if=/dev/urandom of=$T/pattern3 bs=4096 count=8 2>/dev/null
	nvmu write $PF -n 1 -s 64 -c 63 -d $T/pattern3 2> $ERR || fail "write through the PF"
	nvmu sriov enable $PF --vfs 2 --vq 3 --vi 2 -o json > $T/enable2.out 2> $T/enable2.err &
	holder=$!
	if wait_for $T/enable2.out '"ready": true' 60; then
		TOKEN=$(sed -n 's/.*"token": "\([^"]*\)".*/\1/p' $T/enable2.out)
		grep -q "\"bdf\": \"$VF1\"" $T/enable2.out && [ "$(jval $T/enable2.out queues)" = 3 ] &&
			[ "$(jval $T/enable2.out vectors)" = 2 ] && uuid_ok "$TOKEN"
		verdict "sriov enable -o json: the VFs with their queues and vectors, the token, ready"
		mkdir -p $T/vf
		ln -s /sys/bus/pci/devices/$VF1 "$T/vf/$VF1 vf_token=$TOKEN"
		start=$(date +%s)
		# One vCPU, and a write and a poll queue besides: the driver asks for 3 I/O
		# queues, more than the 2 that VF 1's 3 VQ give, and keeps what it is granted.
		# 128 MiB: the outer guest's VFIO pins and maps all of the nested guest's memory
		# through its emulated IOMMU before the nested VM starts.
		NESTED_MEM=128M NESTED_TIMEOUT=1100 NESTED_APPEND="quiet loglevel=1 mitigations=off \
nokaslr no_timer_check nvme.write_queues=1 nvme.poll_queues=1" \
			nvmu-nested $T/nested-job.sh -device "vfio-pci,sysfsdev=$T/vf/$VF1 vf_token=$TOKEN" \
			> $T/nested.out 2> $T/nested.err
		nrc=$?
		echo "# nested VM with $VF1 (3 VQ, 2 VI): exit $nrc after $(($(date +%s) - start)) s"
		sed 's/^/# nested: /' $T/nested.out
		[ $nrc -eq 0 ] && grep -q "^controllers: nvme0 $" $T/nested.out
		verdict "a nested VM's kernel NVMe driver takes $VF1 (through vfio-pci with the token)"
		grep -q "^queue_count 3$" $T/nested.out
		verdict "the nested guest's driver asked for 3 I/O queues and got the 2 of its 3 VQ"
		grep -q "^cntlid 1$" $T/nested.out
		verdict "the nested guest's controller is secondary controller 1"
		[ "$(sed -n 's/^md5 //p' $T/nested.out)" = "$(md5sum < $T/pattern3 | cut -d' ' -f1)" ]
		verdict "the nested guest reads the data written through the PF"
		[ -s $T/nested.err ] && sed 's/^/# nested stderr: /' $T/nested.err
	else
		fail "sriov enable for the nested VM says ready" "$(cat $T/enable2.err)"
	fi
	nvmu sriov disable $PF > /dev/null 2> $ERR || fail "disable after the nested VM"
	wait $holder
else
	echo "ok - a VF in a nested VM # SKIP the rig was not given --nested"
fi

# ---- 5. perf on the PF and both VFs at once, three processes -------------------------
nvmu perf $PF --sriov-vfs 2 -w randread -a 1 -t 10 -o json > $T/perf-pf.json 2> $T/perf-pf.err &
pfperf=$!
if wait_for $T/perf-pf.err '^ready$' 60; then
	TOKEN=$(sed -n 's/^token //p' $T/perf-pf.err)
	NVMU_VF_TOKEN=$TOKEN nvmu perf $VF1 -w randread -t 8 -o json > $T/perf-vf1.json \
		2> $T/perf-vf1.err &
	p1=$!
	NVMU_VF_TOKEN=$TOKEN nvmu perf $VF2 -w randread -t 8 -o json > $T/perf-vf2.json \
		2> $T/perf-vf2.err &
	p2=$!
	wait $p1; s1=$?
	wait $p2; s2=$?
	wait $pfperf; s0=$?
	if [ $s0 -eq 0 ] && [ $s1 -eq 0 ] && [ $s2 -eq 0 ]; then
		pass "perf on the PF and both VFs at once: all three succeed"
	else
		fail "perf on the PF and both VFs at once: all three succeed" "status $s0 $s1 $s2" \
			"$(cat $T/perf-pf.err $T/perf-vf1.err $T/perf-vf2.err)"
	fi
	for f in pf vf1 vf2; do
		iops=$(sed -n '/"total"/,$p' $T/perf-$f.json | grep -o '"iops": *[0-9.]*' |
			sed 's/.*: *//')
		echo "# perf randread QD 32, three processes at once: $f $iops IOPS"
	done
	check "after the PF's perf: its VFs are gone" [ "$(numvfs)" -eq 0 ]
else
	fail "perf --sriov-vfs 2 on the PF says ready" "$(cat $T/perf-pf.err)"
	kill $pfperf
fi
exit $rc

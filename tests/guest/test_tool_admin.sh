# Guest test of nvmu's admin verbs against nvme-cli on QEMU's NVMe controller (runs inside
# tests/rig/nvmu-rig, which must be given nvme-cli with --program nvme):
#   tests/rig/nvmu-rig --build BUILD --program nvme --ctrl serial=nvmu0 --ns size=64M \
#       tests/guest/test_tool_admin.sh
# 1. With 0000:00:10.0 on the kernel nvme driver, nvme-cli's JSON is captured (id-ctrl,
#    id-ns, smart-log, error-log, fw-log, list-ns) and one feature's value.
# 2. nvmu binds the device to vfio-pci and prints the same data; json_common checks that
#    every value nvme-cli printed is in nvmu's JSON under the same key with the same value.
#    Excluded, and why: none for identify data, list-ns, error-log and fw-log. In the SMART
#    log only the counters that the kernel's own commands and the bind itself move between
#    the two snapshots (see SMART_VOLATILE below).
# 3. Every bad input (unknown device, kernel-bound device, nonexistent namespace, bad
#    option, unreadable input file, data size mismatch, failed command) gives a one-line
#    message and the documented exit status; the other verbs run once each.
# 4. The I/O verbs: write then read back byte-exact, compare (and a miscompare),
#    write-zeroes and dsm read back zeroes, flush, verify, io-passthru, nvmu list's
#    identity columns, and their bad inputs (LBA range beyond the namespace, size
#    mismatch, nonexistent namespace, unreadable input file).
# 5. The verbs added for nvme-cli's set: ns-descs, effects-log (text, -H, JSON),
#    list-ctrl, changed-ns-list-log and list-subsys against nvme-cli's output of step 1
#    (or, where QEMU refuses the command to nvme-cli too, nvmu must fail as well);
#    get-property and set-property against show-regs; copy read back byte-exact; and the
#    commands QEMU 7.2 does not have (self-test, sanitize, firmware, telemetry, supported
#    log pages, Get LBA Status, Write Uncorrectable, reservations, namespace creation,
#    NVM subsystem reset) each refused with what is missing.
# 6. The human output (-H) against nvme-cli's: test_tool_human.sh, called at the end.
# Prints TAP lines; exits non-zero if anything failed. The device ends on vfio-pci.
DEV=0000:00:10.0
T=/tmp/test_tool_admin
OUT=$T/out
ERR=$T/err
rc=0
mkdir -p $T

. /nvmu/tests/guest/tap.sh
# expect NAME STATUS TEXT command...: the exit status is STATUS and stderr's first line
# holds TEXT, with nothing after it but, for a usage error (2), the hint to run --help
# (or, with STATUS 0, stdout holds TEXT and stderr is empty).
expect() {
	name=$1 want=$2 text=$3
	shift 3
	run "$@"
	lines=1
	[ "$want" -eq 2 ] && grep -q "^Run 'nvmu .* --help' for usage.$" "$ERR" && lines=2
	if [ "$status" -ne "$want" ]; then
		fail "$name" "exit status $status, expected $want: $*"
	elif [ "$want" -ne 0 ] && { [ "$(wc -l <"$ERR")" -ne $lines ] || ! head -n 1 "$ERR" | grep -qF -- "$text"; }; then
		fail "$name" "expected one stderr line with: $text"
	elif [ "$want" -eq 0 ] && { [ -s "$ERR" ] || ! grep -qF -- "$text" "$OUT"; }; then
		fail "$name" "expected stdout with: $text and no stderr"
	else
		pass "$name"
	fi
}
# compare NAME NVME_JSON NVMU_JSON [json_common options...]
compare() {
	name=$1 ref=$2 got=$3
	shift 3
	if json_common "$@" "$ref" "$got" >"$T/cmp" 2>&1; then
		pass "$name: $(tail -n 1 "$T/cmp" | sed 's/^# //')"
	else
		fail "$name" "$(cat "$T/cmp")"
	fi
	grep '^# only in' "$T/cmp"
}

# ---- 1. nvme-cli under the kernel driver ----------------------------------------------
i=0
while [ $i -lt 120 ] && ! ls /sys/bus/pci/devices/$DEV/nvme/ 2>/dev/null | grep -q nvme; do
	usleep 500000
	i=$((i + 1))
done
CTRL=/dev/$(ls /sys/bus/pci/devices/$DEV/nvme/ | head -n 1)
i=0
while [ $i -lt 120 ] && [ ! -c "$CTRL" ]; do usleep 500000; i=$((i + 1)); done
if [ ! -c "$CTRL" ] || ! command -v nvme >/dev/null; then
	echo "not ok - nvme-cli and the kernel's $CTRL for $DEV are there"
	exit 1
fi
for v in id-ctrl smart-log fw-log list-ns; do
	nvme $v "$CTRL" -o json >"$T/nvme-$v.json" || fail "nvme $v $CTRL -o json"
done
nvme id-ns "$CTRL" -n 1 -o json >"$T/nvme-id-ns.json" || fail "nvme id-ns $CTRL -n 1"
nvme error-log "$CTRL" -e 1 -o json >"$T/nvme-error-log.json" || fail "nvme error-log $CTRL"
nvme get-feature "$CTRL" -f 4 >"$T/nvme-feature4.txt" || fail "nvme get-feature $CTRL -f 4"
nvme get-feature "$CTRL" -f 4 -s 1 >"$T/nvme-feature4-default.txt" || fail "nvme get-feature -s 1"
# For step 5: nvme-cli's output and exit status (QEMU refuses some of these commands).
capture() { # NAME nvme-args...
	name=$1
	shift
	nvme "$@" >"$T/nvme-$name.out" 2>"$T/nvme-$name.err"
	echo $? >"$T/nvme-$name.rc"
}
capture ns-descs-json ns-descs "$CTRL" -n 1 -o json
capture ns-descs-text ns-descs "$CTRL" -n 1
# effects-log without --csi reads CAP through a mapping of BAR0, which the guest kernel
# refuses while its driver has the device (nvme-cli then prints nothing): name the set.
capture effects-json effects-log "$CTRL" --csi=0 -o json
capture effects-zns-json effects-log "$CTRL" --csi=2 -o json
capture effects-text effects-log "$CTRL" --csi=0
capture effects-human effects-log "$CTRL" --csi=0 -H
capture list-ctrl-json list-ctrl "$CTRL" -o json
capture list-ctrl-ns-json list-ctrl "$CTRL" -n 1 -o json
capture changed-ns-json changed-ns-list-log "$CTRL" -o json
capture list-subsys-json list-subsys -o json

# ---- the device on the kernel driver: nvmu says how to take it -------------------------
expect "a kernel-bound device is refused with how to bind it" 1 \
	"$DEV is bound to the nvme driver, not vfio-pci: run 'nvmu bind $DEV' first" \
	nvmu id-ctrl $DEV -o json

# ---- 2. the same data through nvmu ------------------------------------------------------
run nvmu bind $DEV
[ "$status" -eq 0 ] && pass "nvmu bind $DEV" || { fail "nvmu bind $DEV"; exit 1; }

run nvmu id-ctrl $DEV -o json
cp "$OUT" "$T/nvmu-id-ctrl.json"
compare "id-ctrl JSON: every nvme-cli value agrees" "$T/nvme-id-ctrl.json" "$T/nvmu-id-ctrl.json"
# show-regs reads BAR0 through the transport: VS is the version Identify reports, and CAP
# has the controller's queue size (QEMU: MQES 2047).
run nvmu show-regs $DEV -o json
vs=$(sed -n 's/^  "vs": \([0-9]*\),$/\1/p' "$OUT")
cap=$(sed -n 's/^  "cap": \([0-9]*\),$/\1/p' "$OUT")
ver=$(sed -n 's/^  "ver": \([0-9]*\),$/\1/p' "$T/nvmu-id-ctrl.json")
if [ "$status" -eq 0 ] && [ -n "$vs" ] && [ "$vs" = "$ver" ] && [ -n "$cap" ] &&
	[ $((cap & 0xffff)) -eq 2047 ]; then
	pass "show-regs: VS $vs is Identify's version, CAP.MQES 2047"
else
	fail "show-regs: VS '$vs' (Identify: '$ver'), CAP '$cap'"
fi
run nvmu id-ns $DEV -n 1 -o json
cp "$OUT" "$T/nvmu-id-ns.json"
compare "id-ns JSON: every nvme-cli value agrees" "$T/nvme-id-ns.json" "$T/nvmu-id-ns.json"
run nvmu list-ns $DEV -o json
cp "$OUT" "$T/nvmu-list-ns.json"
compare "list-ns JSON: every nvme-cli value agrees" "$T/nvme-list-ns.json" "$T/nvmu-list-ns.json"
run nvmu error-log $DEV -e 1 -o json
cp "$OUT" "$T/nvmu-error-log.json"
compare "error-log JSON: every nvme-cli value agrees" "$T/nvme-error-log.json" "$T/nvmu-error-log.json"
run nvmu fw-log $DEV -o json
cp "$OUT" "$T/nvmu-fw-log.json"
compare "fw-log JSON: every nvme-cli value agrees (top key: the device name)" \
	"$T/nvme-fw-log.json" "$T/nvmu-fw-log.json" --map "${CTRL#/dev/}=$DEV"
# SMART counters that legitimately move between the two snapshots: the kernel's I/O
# (partition scan) and nvme-cli's own commands before the first, nvmu's bring-up and
# QEMU's clock between them. Everything else (temperature, spare, warnings, thermal
# times, sensors) must agree.
SMART_VOLATILE="data_units_read data_units_written host_read_commands host_write_commands
controller_busy_time power_on_hours power_cycles unsafe_shutdowns"
excl=
for k in $SMART_VOLATILE; do excl="$excl --exclude $k"; done
run nvmu smart-log $DEV -o json
cp "$OUT" "$T/nvmu-smart-log.json"
# shellcheck disable=SC2086
compare "smart-log JSON: every nvme-cli value agrees (excluded: $(echo $SMART_VOLATILE))" \
	"$T/nvme-smart-log.json" "$T/nvmu-smart-log.json" $excl
expect "get-feature prints the value nvme-cli prints" 0 "$(cat "$T/nvme-feature4.txt")" \
	nvmu get-feature $DEV -f 4
expect "get-feature -s 1 (default value) as nvme-cli" 0 "$(cat "$T/nvme-feature4-default.txt")" \
	nvmu get-feature $DEV -f 4 -s 1
expect "id-ctrl human output, short address form" 0 "sn        : nvmu0" nvmu id-ctrl 00:10.0
expect "id-ns human output marks the format in use" 0 "(in use)" nvmu id-ns $DEV -n 1
expect "smart-log human output" 0 "temperature" nvmu smart-log $DEV

# ---- 3. the other verbs ------------------------------------------------------------------
expect "get-log SMART page as a hex dump" 0 "Device:$DEV log-id:2 namespace-id:0xffffffff" \
	nvmu get-log $DEV --log-id=2 --log-len=512
run nvmu get-log $DEV --log-id=2 --log-len=512 --raw-binary
[ "$status" -eq 0 ] && [ "$(wc -c <"$OUT")" -eq 512 ] && pass "get-log --raw-binary: 512 bytes" ||
	fail "get-log --raw-binary: 512 bytes"
expect "admin-passthru Identify: full completion and the data" 0 "status : SUCCESS (sct 0 sc 0x0)" \
	nvmu admin-passthru $DEV --opcode=6 --cdw10=1 --data-len=4096 --read
grep -q '"....nvmu0' "$OUT" && pass "admin-passthru Identify data holds the serial" ||
	fail "admin-passthru Identify data holds the serial"
expect "admin-passthru with less data than the command moves does not crash" 0 "SUCCESS" \
	nvmu admin-passthru $DEV --opcode=6 --cdw10=1 --data-len=16 --read
expect "set-feature Temperature Threshold" 0 "set-feature:0x04 (Temperature Threshold), value:0x00000150" \
	nvmu set-feature $DEV -f 4 -v 0x150
expect "controller reset" 0 "controller reset (CC.EN 1 -> 0 -> 1) done" nvmu reset $DEV
expect "function level reset" 0 "function level reset done" nvmu reset $DEV --flr
expect "format namespace 1 (--force)" 0 "Success formatting namespace:1" \
	nvmu format $DEV -n 1 -l 0 --force

# ---- bad input: one line, the right exit status -------------------------------------------
expect "unknown device" 1 "no PCI device 0000:00:1e.7" nvmu id-ctrl 0000:00:1e.7
expect "a kernel device name that does not exist" 1 \
	"nvme0: no such NVMe device in sysfs" nvmu smart-log nvme0
expect "not a device string" 1 "unknown transport 'zz'" nvmu smart-log zz:0
expect "namespace that does not exist names the active ones" 1 \
	"namespace 5 does not exist on $DEV (active namespaces: 1)" nvmu id-ns $DEV -n 5
expect "bad option" 2 "unknown option '--bogus'" nvmu id-ctrl $DEV --bogus
expect "bad output format" 2 "unknown output format 'xml'" nvmu smart-log $DEV -o xml
expect "bad number" 2 "--feature-id expects a number" nvmu get-feature $DEV -f seven
expect "unreadable input file" 1 "cannot open input file '/nonexistent': No such file or directory" \
	nvmu admin-passthru $DEV --opcode=9 --data-len=8 --write --input-file=/nonexistent
printf 123456789012 >$T/data12
expect "data size mismatch" 1 "data size mismatch: input file '$T/data12' has 12 bytes, the command transfers 16" \
	nvmu admin-passthru $DEV --opcode=9 --data-len=16 --write --input-file=$T/data12
expect "format refuses without --force when stdin is not a terminal" 2 "pass --force" \
	nvmu format $DEV -n 1 -l 0 </dev/null
expect "format of an LBA format that does not exist" 1 "LBA format 40 does not exist on namespace 1" \
	nvmu format $DEV -n 1 -l 40 --force
expect "a reserved opcode fails with its status in words" 1 "INVALID_OPCODE (sct 0 sc 0x1) dnr" \
	nvmu admin-passthru $DEV --opcode=0xff
grep -q "status field : 0x4001" "$OUT" &&
	pass "a failed command shows the full completion" || fail "a failed command shows the full completion"
expect "Set Features of a feature QEMU does not have fails with its status" 1 \
	"INVALID_FIELD (sct 0 sc 0x2) dnr" nvmu set-feature $DEV -f 0x7e -v 1
expect "a log page QEMU does not have fails with its status" 1 "INVALID_FIELD (sct 0 sc 0x2) dnr" \
	nvmu get-log $DEV --log-id=0x7f --log-len=4

# ---- 4. I/O verbs ----------------------------------------------------------------------
# ok_io NAME VERB-LINE command...: exit 0, stderr exactly "VERB-LINE" (nvme-cli's
# success line for read/write/compare goes to stderr: stdout may carry the data).
ok_io() {
	name=$1 line=$2
	shift 2
	run "$@"
	if [ "$status" -eq 0 ] && [ "$(cat "$ERR")" = "$line" ]; then pass "$name"; else
		fail "$name" "exit status $status, expected 0 and stderr '$line': $*"; fi
}
dd if=/dev/urandom of=$T/d8 bs=512 count=8 2>/dev/null
ok_io "write 8 blocks" "write: Success" nvmu write $DEV -n 1 -s 1000 -c 7 -z 4096 -d $T/d8
ok_io "read them back to a file" "read: Success" nvmu read $DEV -n 1 -s 1000 -c 7 -z 4096 -d $T/r8
cmp -s $T/d8 $T/r8 && pass "read back byte-exact" || fail "read back byte-exact"
ok_io "read to stdout" "read: Success" nvmu read $DEV -n 1 -s 1000 -c 7
cmp -s $T/d8 "$OUT" && pass "read to stdout byte-exact" || fail "read to stdout byte-exact"
ok_io "compare the same data" "compare: Success" nvmu compare $DEV -n 1 -s 1000 -c 7 -d $T/d8
ok_io "write with Force Unit Access from stdin" "write: Success" \
	sh -c "nvmu write $DEV -n 1 -s 2000 -c 7 --force-unit-access < $T/d8"
expect "a compare of other data fails with COMPARE_FAILED" 1 "COMPARE_FAILED (sct 2 sc 0x85)" \
	nvmu compare $DEV -n 1 -s 1001 -c 7 -d $T/d8
expect "write-zeroes" 0 "NVME Write Zeroes Success" nvmu write-zeroes $DEV -n 1 -s 1000 -c 1
run nvmu read $DEV -n 1 -s 1000 -c 3
[ "$status" -eq 0 ] && [ "$(head -c 1024 "$OUT" | tr -d '\000' | wc -c)" -eq 0 ] &&
	pass "write-zeroes: the 2 blocks read zeroes" || fail "write-zeroes: the 2 blocks read zeroes"
dd if=$T/d8 bs=512 skip=2 count=2 2>/dev/null >$T/d23
tail -c 1024 "$OUT" | cmp -s - $T/d23 && pass "write-zeroes: the next blocks kept their data" ||
	fail "write-zeroes: the next blocks kept their data"
expect "dsm deallocate of two ranges" 0 "NVMe DSM: success" nvmu dsm $DEV -n 1 --ad -s 1004,2000 -b 4,8
# Deallocated blocks read zeroes where DLFEAT bits 2:0 are 1, if the drive passes the
# discard on: the rig's -blockdev ignores discards (QEMU's default), so QEMU reports
# DLFEAT 1 yet keeps the data. Zeroes are checked when they come back; otherwise the read
# must succeed (soft: checks the zeroes in tests/unit/tool/test_tool_io.c).
run nvmu read $DEV -n 1 -s 1004 -c 3
if [ "$status" -eq 0 ] && [ "$(wc -c <"$OUT")" -eq 2048 ] && [ "$(tr -d '\000' <"$OUT" | wc -c)" -eq 0 ]; then
	pass "dsm: deallocated blocks read zeroes"
elif [ "$status" -eq 0 ] && [ "$(wc -c <"$OUT")" -eq 2048 ]; then
	pass "dsm: deallocated blocks read back (the drive ignored the discard: data kept)"
else
	fail "dsm: deallocated blocks read back"
fi
expect "flush" 0 "NVMe Flush: success" nvmu flush $DEV
if [ $(($(nvmu id-ctrl $DEV -o json | sed -n 's/^  "oncs": \([0-9]*\),$/\1/p') & 0x80)) -ne 0 ]; then
	expect "verify" 0 "NVME Verify Success" nvmu verify $DEV -n 1 -s 0 -c 127
else # QEMU 7.2 has no Verify: refused before sending
	expect "verify on a controller without Verify is refused (ONCS)" 1 \
		"$DEV does not support Verify (Identify Controller ONCS)" nvmu verify $DEV -n 1 -s 0 -c 127
fi
expect "io-passthru Read shows the full completion" 0 "I/O command 0x02 succeeded" \
	nvmu io-passthru $DEV --opcode=2 --namespace-id=1 --cdw10=1002 --data-len=512 --read
expect "io-passthru beyond the namespace: the controller's status" 1 "LBA_RANGE (sct 0 sc 0x80) dnr" \
	nvmu io-passthru $DEV --opcode=2 --namespace-id=1 --cdw10=0xfffffff --data-len=512 --read
NSZE=$(nvmu id-ns $DEV -n 1 -o json | sed -n 's/^  "nsze": \([0-9]*\),$/\1/p')
expect "LBA range beyond the namespace is refused with its size" 1 \
	"blocks [$((NSZE - 1)), $((NSZE + 1))) go beyond namespace 1, which has $NSZE" \
	nvmu read $DEV -n 1 -s $((NSZE - 1)) -c 1
expect "data size mismatch names both numbers" 1 \
	"data size mismatch: -z 1000, but -c 1 is 2 blocks of 512 bytes = 1024 bytes" \
	nvmu write $DEV -n 1 -c 1 -z 1000 -d $T/d8
expect "input of another size than the blocks" 1 "has more than 1024 bytes, the command transfers 1024 (-z)" \
	nvmu write $DEV -n 1 -c 1 -d $T/d8
expect "I/O on a namespace that does not exist lists the active ones" 1 \
	"namespace 2 does not exist on $DEV (active namespaces: 1)" nvmu read $DEV -n 2
expect "unreadable input file" 1 "cannot open input file '/nonexistent'" \
	nvmu write $DEV -n 1 -d /nonexistent
expect "input that cannot be read (a folder)" 1 "cannot read input file '$T'" nvmu compare $DEV -n 1 -d $T
expect "I/O usage error" 2 "give the namespace with -n NSID" nvmu read $DEV -s 0
run nvmu list
grep -q "^$DEV .* vfio-pci .* nvmu0 .*QEMU NVMe Ctrl" "$OUT" &&
	pass "nvmu list shows serial and model of the vfio-pci device" ||
	fail "nvmu list shows serial and model of the vfio-pci device"
run nvmu list -o json
grep -q '"SerialNumber": "nvmu0",' "$OUT" && grep -q '"Namespaces": 1,' "$OUT" &&
	grep -q '"PhysicalSize": 67108864' "$OUT" && pass "nvmu list -o json: SerialNumber, Namespaces, PhysicalSize" ||
	fail "nvmu list -o json: SerialNumber, Namespaces, PhysicalSize"

# ---- 5. the verbs added for nvme-cli's set ---------------------------------------------
# versus NAME json|text [json_common options --] nvmu-command...: nvmu prints what nvme-cli
# printed in step 1 (json: every value nvme-cli printed; text: byte for byte); where
# nvme-cli failed on QEMU, nvmu fails too, with one line on stderr.
versus() {
	name=$1 kind=$2 opts=
	shift 2
	if [ "$kind" = json ] && [ "${1#-}" != "$1" ]; then
		while [ "$1" != "--" ]; do opts="$opts $1"; shift; done
		shift
	fi
	run "$@"
	if [ "$(cat "$T/nvme-$name.rc")" -ne 0 ]; then
		if [ "$status" -eq 1 ] && [ "$(wc -l <"$ERR")" -eq 1 ]; then
			pass "$name: QEMU refuses it to nvme-cli too, and nvmu says: $(cat "$ERR")"
		else
			fail "$name: nvme-cli failed ($(head -n 1 "$T/nvme-$name.err")), nvmu exit $status"
		fi
	elif [ "$kind" = text ]; then
		if [ "$status" -eq 0 ] && cmp -s "$T/nvme-$name.out" "$OUT"; then
			pass "$name: the same text as nvme-cli ($(wc -l <"$OUT") lines)"
		else
			fail "$name: not the text nvme-cli printed (exit $status)" \
				"$(diff "$T/nvme-$name.out" "$OUT" | head -n 12)"
		fi
	else
		cp "$OUT" "$T/nvmu-$name.json"
		# shellcheck disable=SC2086
		compare "$name: every nvme-cli value agrees" "$T/nvme-$name.out" \
			"$T/nvmu-$name.json" $opts
	fi
}
versus ns-descs-json json nvmu ns-descs $DEV -n 1 -o json
versus ns-descs-text text nvmu ns-descs $DEV -n 1
versus effects-json json nvmu effects-log $DEV --csi=0 -o json
versus effects-zns-json json nvmu effects-log $DEV --csi=2 -o json
versus effects-text text nvmu effects-log $DEV --csi=0
versus effects-human text nvmu effects-log $DEV --csi=0 -H
versus list-ctrl-json json nvmu list-ctrl $DEV -o json
versus list-ctrl-ns-json json nvmu list-ctrl $DEV -n 1 -o json
# nvme-cli names the device nvme0 (the top key and a value), nvmu by its address.
sed -i "s|\"${CTRL#/dev/}\"|\"$DEV\"|g" "$T/nvme-changed-ns-json.out"
versus changed-ns-json json nvmu changed-ns-list-log $DEV -o json
# The names are the kernel's (nvme-subsys0, nvme0) and nvmu's; the host NQN and ID are
# the host's. NQN, transport, address and state must agree.
versus list-subsys-json json --exclude Name --exclude HostNQN --exclude HostID \
	-- nvmu list-subsys -o json

# Registers: get-property prints what show-regs reads; set-property writes AQA back.
run nvmu show-regs $DEV -o json
cp "$OUT" "$T/regs.json"
for reg in cap:0x0 vs:0x8 cc:0x14 csts:0x1c aqa:0x24; do
	key=${reg%%:*} off=${reg#*:}
	want=$(sed -n "s/^  \"$key\": \([0-9]*\),\$/\1/p" "$T/regs.json")
	run nvmu get-property $DEV -o $off
	got=$(sed -n 's/^property: .*, value: \([0-9a-f]*\)$/\1/p' "$OUT")
	if [ "$status" -eq 0 ] && [ -n "$want" ] && [ -n "$got" ] && [ $((0x$got)) -eq "$want" ]; then
		pass "get-property $off ($key): $got, as show-regs"
	else
		fail "get-property $off ($key): '$got', show-regs: '$want'"
	fi
done
aqa=$(sed -n 's/^  "aqa": \([0-9]*\),$/\1/p' "$T/regs.json")
expect "set-property writes AQA back" 0 \
	"set-property: 24 (Admin Queue Attributes), value: $(printf '%#08x' "$aqa")" \
	nvmu set-property $DEV -o 0x24 -v "$aqa"

# Copy: 4 random blocks copied elsewhere read back the same.
dd if=/dev/urandom of=$T/c4 bs=512 count=4 2>/dev/null
ok_io "write 4 blocks to copy" "write: Success" nvmu write $DEV -n 1 -s 3000 -c 3 -z 2048 -d $T/c4
expect "copy them (Copy, descriptor format 0)" 0 "NVMe Copy: success" \
	nvmu copy $DEV -n 1 --sdlba=5000 --slbs=3000 --blocks=3
ok_io "read the copy" "read: Success" nvmu read $DEV -n 1 -s 5000 -c 3 -z 2048 -d $T/c4r
cmp -s $T/c4 $T/c4r && pass "copy read back byte-exact" || fail "copy read back byte-exact"

# What QEMU 7.2 does not have: refused, saying what is missing.
printf 'NVMUFW01' >$T/fw.bin
expect "device-self-test: no Device Self-test" 1 \
	"$DEV does not support Device Self-test (Identify Controller OACS bit 4 is 0)" \
	nvmu device-self-test $DEV -s 1
expect "self-test-log: no Device Self-test" 1 "$DEV does not support Device Self-test \
(Identify Controller OACS bit 4 is 0; the device answered: INVALID_FIELD" nvmu self-test-log $DEV
expect "sanitize: no Sanitize" 1 \
	"$DEV does not support Sanitize (Identify Controller SANICAP is 0)" nvmu sanitize $DEV -a 2
expect "sanitize-log: no Sanitize" 1 \
	"$DEV does not support Sanitize and its log page (Identify Controller SANICAP is 0;" \
	nvmu sanitize-log $DEV
expect "fw-download: no firmware commands" 1 \
	"$DEV does not support Firmware Image Download (Identify Controller OACS bit 2 is 0)" \
	nvmu fw-download $DEV -f $T/fw.bin
expect "fw-commit: no firmware commands" 1 \
	"$DEV does not support Firmware Commit (Identify Controller OACS bit 2 is 0)" \
	nvmu fw-commit $DEV -s 2 -a 1
expect "telemetry-log: no telemetry pages" 1 \
	"$DEV does not support the telemetry log pages (Identify Controller LPA bit 3 is 0;" \
	nvmu telemetry-log $DEV -o $T/telemetry.bin
expect "supported-log-pages: no Supported Log Pages page" 1 \
	"$DEV does not support the Supported Log Pages log page (Identify Controller LPA bit 5 is 0;" \
	nvmu supported-log-pages $DEV
expect "get-lba-status: no Get LBA Status" 1 "$DEV does not support Get LBA Status \
(Identify Controller OACS bit 9 is 0; the device answered: INVALID_OPCODE" \
	nvmu get-lba-status $DEV -n 1 -a 0x10
expect "write-uncor: no Write Uncorrectable" 1 \
	"$DEV does not support Write Uncorrectable (Identify Controller ONCS)" \
	nvmu write-uncor $DEV -n 1 -s 0
expect "resv-report: no reservations" 1 \
	"$DEV does not support reservations (Identify Controller ONCS bit 5 is 0)" \
	nvmu resv-report $DEV -n 1
expect "create-ns: QEMU 7.2 attaches namespaces but cannot create them" 1 \
	"$DEV does not support Namespace Management (the device answered: INVALID_OPCODE" \
	nvmu create-ns $DEV -s 1024 -f 0
expect "subsystem-reset: CAP.NSSRS is 0" 1 \
	"$DEV does not support NVM Subsystem Reset (CAP.NSSRS is 0)" nvmu subsystem-reset $DEV
# Namespace Attachment: QEMU answers it only for namespaces of an NVM subsystem, which
# the rig's controller has not; either way nvmu reports what the device said, and a
# detached namespace is attached again.
run nvmu detach-ns $DEV -n 1
if [ "$status" -eq 0 ]; then
	expect "attach-ns after detach-ns" 0 "attach-ns: Success, nsid:1" nvmu attach-ns $DEV -n 1
elif [ "$status" -eq 1 ] && [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q "namespace 1" "$ERR"; then
	pass "detach-ns: QEMU's refusal in one line: $(cat "$ERR")"
else
	fail "detach-ns: exit $status"
fi
# The human output (-H) against nvme-cli's on this device: a script of its own.
sh /nvmu/tests/guest/test_tool_human.sh || rc=1
exit $rc

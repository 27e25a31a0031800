# Guest test of the text people read: nvmu's human output (-H) against nvme-cli's on the
# same QEMU controller. Called by test_tool_admin.sh at its end (one boot), with
# 0000:00:10.0 on vfio-pci; leaves it there. Steps:
# 1. nvmu prints id-ctrl -H, id-ns -H, smart-log -H, get-feature -H, show-regs -H,
#    error-log and fw-log on vfio-pci;
# 2. the device goes back to the kernel driver and nvme-cli prints the same;
# 3. each line nvmu prints (blank runs squeezed) must be a line of nvme-cli's output: the
#    field values, every power state line, every decoded bit field, the LBA format table,
#    the Critical Warning bits, a feature's value line and fields, the decoded CAP and VS.
#    Left out, and why: the SMART counters the commands themselves move, the header naming
#    the device (nvme0 / the PCI address), registers the running kernel driver changed
#    (CC, CSTS, AQA, ASQ, ACQ, INTMS: nvme-cli reads them with the controller enabled),
#    and error-log's trtype (nvme-cli words it; nvmu prints the number).
# Prints TAP lines; exits non-zero if anything failed.
DEV=0000:00:10.0
T=/tmp/test_tool_human
rc=0
mkdir -p $T

pass() { echo "ok - $1"; }
fail() { # name, file of the lines that differ
	echo "not ok - $1"
	[ -n "${2:-}" ] && [ -s "$2" ] && head -n 20 "$2" | sed 's/^/#   /'
	rc=1
}
# The lines of $1 with tabs as blanks, blank runs squeezed, no blank at either end, no
# empty line (an empty pattern would match everything).
norm() {
	tr '\t' ' ' <"$1" | tr -s ' ' | sed 's/^ //; s/ $//' | grep -v '^$'
}
# subset NAME NVMU NVME: every line of NVMU is a line of NVME.
subset() {
	norm "$2" >"$T/a"
	norm "$3" >"$T/b"
	if [ ! -s "$T/a" ]; then
		fail "$1: nvmu printed nothing"
	elif grep -vxF -f "$T/b" "$T/a" >"$T/missing"; then
		fail "$1: lines nvme-cli does not print" "$T/missing"
	else
		pass "$1: all $(wc -l <"$T/a") lines are nvme-cli's"
	fi
}

# ---- 1. nvmu on vfio-pci ------------------------------------------------------------------
nvmu id-ctrl $DEV -H >"$T/nvmu-id-ctrl" || fail "nvmu id-ctrl -H"
nvmu id-ns $DEV -n 1 -H >"$T/nvmu-id-ns" || fail "nvmu id-ns -H"
nvmu smart-log $DEV -H >"$T/nvmu-smart" || fail "nvmu smart-log -H"
for fid in 1 2 4 6 8; do
	nvmu get-feature $DEV -f $fid -H >"$T/nvmu-feat$fid" || fail "nvmu get-feature -f $fid -H"
done
nvmu show-regs $DEV -H >"$T/nvmu-regs" || fail "nvmu show-regs -H"
nvmu error-log $DEV -e 1 >"$T/nvmu-error" || fail "nvmu error-log"
nvmu fw-log $DEV >"$T/nvmu-fw" || fail "nvmu fw-log"

# ---- 2. nvme-cli on the kernel driver ---------------------------------------------------
nvmu unbind $DEV >/dev/null || { fail "nvmu unbind $DEV"; exit 1; }
i=0
while [ $i -lt 120 ] && ! ls /sys/bus/pci/devices/$DEV/nvme/ 2>/dev/null | grep -q nvme; do
	usleep 500000
	i=$((i + 1))
done
CTRL=/dev/$(ls /sys/bus/pci/devices/$DEV/nvme/ | head -n 1)
i=0
while [ $i -lt 120 ] && [ ! -c "$CTRL" ]; do usleep 500000; i=$((i + 1)); done
nvme id-ctrl "$CTRL" -H >"$T/nvme-id-ctrl" || fail "nvme id-ctrl -H"
nvme id-ns "$CTRL" -n 1 -H >"$T/nvme-id-ns" || fail "nvme id-ns -H"
nvme smart-log "$CTRL" -H >"$T/nvme-smart" || fail "nvme smart-log -H"
for fid in 1 2 4 6 8; do
	nvme get-feature "$CTRL" -f $fid -H >"$T/nvme-feat$fid" || fail "nvme get-feature -f $fid -H"
done
# nvme-cli maps BAR0 through sysfs, which a kernel may refuse (lockdown, IOMMU setups):
# then there is nothing to compare with, and the test says so rather than failing.
regs_ok=1
nvme show-regs "$CTRL" -H >"$T/nvme-regs" 2>"$T/nvme-regs.err" || regs_ok=0
nvme error-log "$CTRL" -e 1 >"$T/nvme-error" || fail "nvme error-log"
nvme fw-log "$CTRL" >"$T/nvme-fw" || fail "nvme fw-log"
nvmu bind $DEV >/dev/null || fail "nvmu bind $DEV again"

# ---- 3. compare ---------------------------------------------------------------------------
subset "id-ctrl -H (fields, bit fields, power states)" "$T/nvmu-id-ctrl" "$T/nvme-id-ctrl"
grep -q '^ps *0 : mp:[0-9.]*W operational enlat:' "$T/nvmu-id-ctrl" &&
	pass "id-ctrl: power states as 'ps 0 : mp:N.NNW operational enlat:...'" ||
	fail "id-ctrl: power state line" "$T/nvmu-id-ctrl"
subset "id-ns -H (fields, bit fields, LBA format table)" "$T/nvmu-id-ns" "$T/nvme-id-ns"
grep -q '^LBA Format  *[0-9]* : Metadata Size: .*(in use)$' "$T/nvmu-id-ns" &&
	pass "id-ns -H: the LBA format in use is marked" ||
	fail "id-ns -H: the LBA format in use is marked" "$T/nvmu-id-ns"
SMART_VOLATILE='^Smart Log for|^Data Units|^host_|^controller_busy_time|^power_cycles|^power_on_hours|^unsafe_shutdowns|^num_err_log_entries'
grep -vE "$SMART_VOLATILE" "$T/nvmu-smart" >"$T/nvmu-smart-stable"
subset "smart-log -H (Critical Warning bits, temperatures, spare, thermal times)" \
	"$T/nvmu-smart-stable" "$T/nvme-smart"
grep -q '^      Available Spare\[0\] *: [01]$' "$T/nvmu-smart" &&
	pass "smart-log -H: the Critical Warning bits one by one" ||
	fail "smart-log -H: the Critical Warning bits" "$T/nvmu-smart"
grep -q "^Smart Log for NVME device:$DEV namespace-id:ffffffff$" "$T/nvmu-smart" &&
	pass "smart-log: the header names the device and the namespace" ||
	fail "smart-log: header" "$T/nvmu-smart"
for fid in 1 2 4 6 8; do
	subset "get-feature -f $fid -H (value line and fields)" "$T/nvmu-feat$fid" "$T/nvme-feat$fid"
done
sed -n '/^cap /,/^cc /p' "$T/nvmu-regs" | grep -v '^cc ' >"$T/nvmu-regs-cap"
if [ $regs_ok -eq 1 ]; then
	subset "show-regs -H (CAP and VS decoded)" "$T/nvmu-regs-cap" "$T/nvme-regs"
else
	echo "ok - show-regs -H # SKIP nvme-cli cannot read the registers here: $(head -n 1 "$T/nvme-regs.err")"
fi
grep -q '^	Maximum Queue Entries Supported    (MQES): 2048$' "$T/nvmu-regs" &&
	pass "show-regs -H: CAP decoded (MQES 2048, QEMU's)" ||
	fail "show-regs -H: CAP decoded" "$T/nvmu-regs"
grep -v '^Firmware Log for device:' "$T/nvmu-fw" >"$T/nvmu-fw-slots"
subset "fw-log (afi and each slot's revision; the device name left out)" "$T/nvmu-fw-slots" \
	"$T/nvme-fw"
# The error log: the same fields, and the same values when no error came in between.
for f in "$T/nvmu-error" "$T/nvme-error"; do
	grep -E '^(error_count|sqid|cmdid|status_field|phase_tag|parm_err_loc|lba|nsid|vs|cs|trtype_spec_info)[ 	:]' "$f" |
		tr '\t' ' ' | sed 's/(.*//; s/  *:/ :/' >"$f.fields"
done
if [ "$(sed 's/ *:.*//' "$T/nvmu-error.fields")" != "$(sed 's/ *:.*//' "$T/nvme-error.fields")" ]; then
	fail "error-log: nvme-cli's fields" "$T/nvmu-error.fields"
elif [ "$(head -n 1 "$T/nvmu-error.fields")" = "$(head -n 1 "$T/nvme-error.fields")" ]; then
	subset "error-log: every value (status number) as nvme-cli's" "$T/nvmu-error.fields" \
		"$T/nvme-error.fields"
else
	pass "error-log: nvme-cli's fields (an error came in between: values not compared)"
fi
grep -q '^status_field *: [0-9a-fx]*([A-Z_]*' "$T/nvmu-error" &&
	pass "error-log: the status in the driver's words" ||
	fail "error-log: the status in words" "$T/nvmu-error"
exit $rc

#!/usr/bin/env bash
# Self-test of the guest rig: it must fail a run on a pci_nvme_ub_* event, pass on exit
# status and output, end a hung guest at its deadline without leaving QEMU behind, and
# answer QMP requests from the guest. Prints TAP lines.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rig=$here/../nvmu-rig
rc=0
tap() { # name, condition result (0 = ok)
	if [ "$2" -eq 0 ]; then echo "ok - rig: $1"; else echo "not ok - rig: $1"; rc=1; fi
}

"$rig" --quiet "$here/ub-write.sh" >/dev/null 2>&1
[[ $? -ne 0 ]]
tap "a pci_nvme_ub_* event fails the run" $?
"$rig" --quiet --allow-ub 'db_wr_misaligned' "$here/ub-write.sh" >/dev/null 2>&1
tap "--allow-ub accepts an expected pci_nvme_ub_* event" $?

out=$("$rig" --quiet "$here/exit-status.sh" 2>/dev/null)
status=$?
[[ $status -eq 3 && "$out" == "guest says hello" ]]
tap "the guest's exit status and output reach the host" $?

work=$(mktemp -d /tmp/nvmu-rig-selftest.XXXXXX)
start=$(date +%s)
"$rig" --quiet --timeout 20 --workdir "$work" "$here/hang.sh" >/dev/null 2>&1
status=$?
took=$(( $(date +%s) - start ))
left=$(pgrep -f "qemu-system-x86_64.*$work" | wc -l)
rm -rf "$work"
[[ $status -eq 124 && $left -eq 0 ]]
tap "a hung guest ends at the deadline (exit $status after ${took}s) and no QEMU is left ($left)" $?

out=$("$rig" --quiet --ctrl serial=rig-selftest --ns size=16M "$here/host-request.sh" 2>/dev/null)
echo "$out" | grep -q '"return": "rig-selftest"'
tap "the guest can run QMP commands through the rig" $?
exit $rc

# SPDX-License-Identifier: MIT
# Sourced by the NVMe/TCP guest scripts (tests/guest/suite-tcp.sh, bench/tcp-guest.sh):
# Linux's nvmet-tcp on loopback, set up through configfs. The rig must carry the modules
# (nvmu-rig --module ..., see scripts/test.sh). Defines NVMET_NQN, NVMET_CFS, NVMET_DEV.
NVMET_NQN=nqn.2024-01.io.nvmu:tcp-test
NVMET_CFS=/sys/kernel/config/nvmet
NVMET_DEV="tcp://127.0.0.1/$NVMET_NQN"

# Load the target and host modules, and serve NVMET_NQN on 127.0.0.1:4420 with namespace
# 1 a memory-backed null_blk of 1 GiB and, when $1 is "file", namespace 2 a 64 MiB file
# on tmpfs. Returns non-zero when a step failed (it says which on stderr).
nvmet_tcp_up() {
	s=$NVMET_CFS/subsystems/$NVMET_NQN
	# The kernel host's O_DIRECT from THP-backed memory trips a 6.1 nvmet usercopy
	# check: no transparent huge pages while the kernel host is used.
	echo never > /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
	for m in configfs nvmet nvmet-tcp nvme-fabrics nvme-tcp; do
		insmod /lib/modules/extra/$m.ko || { echo "insmod $m failed" >&2; return 1; }
	done
	insmod /lib/modules/extra/null_blk.ko nr_devices=1 gb=1 memory_backed=1 || return 1
	mount -t configfs none /sys/kernel/config 2>/dev/null
	ip link set lo up
	mkdir $s && echo 1 > $s/attr_allow_any_host || return 1
	mkdir $s/namespaces/1 && echo -n /dev/nullb0 > $s/namespaces/1/device_path &&
		echo 1 > $s/namespaces/1/enable || return 1
	if [ "$1" = file ]; then
		truncate -s 64M /tmp/ns2.img
		mkdir $s/namespaces/2 && echo -n /tmp/ns2.img > $s/namespaces/2/device_path &&
			echo 1 > $s/namespaces/2/buffered_io && # tmpfs has no O_DIRECT
			echo 1 > $s/namespaces/2/enable || return 1
	fi
	mkdir $NVMET_CFS/ports/1 && echo tcp > $NVMET_CFS/ports/1/addr_trtype &&
		echo ipv4 > $NVMET_CFS/ports/1/addr_adrfam &&
		echo 127.0.0.1 > $NVMET_CFS/ports/1/addr_traddr &&
		echo 4420 > $NVMET_CFS/ports/1/addr_trsvcid || return 1
	nvmet_tcp_link
}

# Expose the subsystem on port 1 (the first link enables the port) / take it away.
nvmet_tcp_link() { ln -s $NVMET_CFS/subsystems/$NVMET_NQN $NVMET_CFS/ports/1/subsystems/$NVMET_NQN; }
nvmet_tcp_unlink() { rm $NVMET_CFS/ports/1/subsystems/$NVMET_NQN; }

# Connect the kernel's nvme-tcp host and print its block device of namespace 1 (the
# multipath head nvmeXn1, not the hidden path device nvmeXcYn1); nothing on failure.
kernel_host_connect() {
	before=$(ls /sys/block | grep '^nvme' | sort)
	echo "transport=tcp,traddr=127.0.0.1,trsvcid=4420,nqn=$NVMET_NQN,hostnqn=nqn.2024-01.io.nvmu:kernel" \
		> /dev/nvme-fabrics || return 1
	sleep 2
	ls /sys/block | grep '^nvme' | sort | grep -vxF "$before" | grep -v 'c[0-9]*n' |
		grep 'n1$' | head -1
}

kernel_host_disconnect() {
	for c in /sys/class/nvme/nvme*; do
		[ "$(cat $c/subsysnqn 2>/dev/null)" = "$NVMET_NQN" ] && echo 1 > $c/delete_controller
	done
}

#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of bench/share.sh (busybox sh inside the rig): SECONDS per run, ROUNDS.
dev=0000:00:10.0
t=$1
rounds=$2
nvmu bind $dev >/dev/null || exit 1

iops() { # the total IOPS in nvmu perf's JSON on stdin
	awk '/"total": \{/ { t = 1 } t && /"iops":/ { gsub(/[",]/, "", $2); print $2; exit }'
}
perf() { # QD: one run, prints its IOPS
	nvmu perf $dev -w randread -q "$1" -a 1 -t "$t" -o json 2>/tmp/perf.err | iops
}
serve() {
	nvmu serve $dev > /tmp/serve.out 2>&1 &
	spid=$!
	i=0
	while ! grep -q '^Serving' /tmp/serve.out && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}

rm -f /tmp/rounds
echo "# randread 4 KiB, polled, ${t} s per run after 1 s warm-up, $rounds rounds"
echo "# round  primary-QD32  secondary-QD32  two-secondaries-QD16 (a + b)"
for r in $(seq 1 "$rounds"); do
	p=$(perf 32)
	serve
	s=$(perf 32)
	nvmu perf $dev -w randread -q 16 -a 1 -t "$t" -o json 2>/dev/null | iops > /tmp/a &
	pa=$!
	nvmu perf $dev -w randread -q 16 -a 1 -t "$t" -o json 2>/dev/null | iops > /tmp/b &
	pb=$!
	wait $pa $pb
	a=$(cat /tmp/a)
	b=$(cat /tmp/b)
	kill -TERM $spid
	wait $spid
	echo "@@share-bench $r $p $s $a $b"
	echo "$p $s $a $b" >> /tmp/rounds
	echo "$r $p $s $a $b" | awk '{ printf "%-6s %13.0f %15.0f %13.0f (%.0f + %.0f)\n", $1, $2, $3, $4 + $5, $4, $5 }'
done
# The ratios over all rounds (sums of IOPS, so every round weighs the same time).
awk '{ p += $1; s += $2; two += $3 + $4 }
     END { printf "two secondaries at QD 16 / one process at QD 32: %.3f\n", two / p;
	   printf "secondary alone / primary alone (QD 32): %.3f\n", s / p }' /tmp/rounds

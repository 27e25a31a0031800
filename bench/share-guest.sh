#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest side of bench/share.sh (busybox sh inside the rig): SECONDS per run, ROUNDS.
# Per round: the primary alone at QD 32 (one thread) and, with `nvmu serve` holding the
# controller, a secondary alone at QD 32 (the two take turns going first), then two
# secondaries at QD 16 at once; then the primary alone with two threads at QD 16 (the
# same number of polling CPUs as the two processes: under TCG a polling vCPU takes a
# host CPU from the emulated controller); and two secondaries at QD 16 sharing one CPU
# (the CPU budget of the one process at QD 32).
# perf pins its threads to the CPUs it may use from the first, so each process of the two
# is given its own CPU (taskset), as the two threads of one process get. Then the two on
# one CPU again with --yield (a poll that finds nothing gives the CPU to the other:
# sched_yield()), under the normal policy and under SCHED_FIFO (chrt -f 1), where a yield
# always hands the CPU over.
dev=0000:00:10.0
t=$1
rounds=$2
nvmu bind $dev >/dev/null || exit 1

iops() { # the total IOPS in nvmu perf's JSON on stdin (0 for a run that failed)
	awk '/"total": \{/ { t = 1 } t && /"iops":/ { gsub(/[",]/, "", $2); print $2; f = 1; exit }
	     END { if (!f) print 0 }'
}
perf() { # CPUS perf-options: one run on those CPUs, prints its IOPS; why it failed on stderr
	cpus=$1
	shift
	err=$(mktemp)
	$sched taskset -c "$cpus" nvmu perf $dev -w randread -a 1 -t "$t" -o json "$@" \
		2>"$err" | iops
	# Progress lines and warnings are not failures; anything else is said.
	tr '\r' '\n' < "$err" | grep -v -e '^\[' -e '^nvmu warning' -e '^ *$' | sed 's/^/# /' >&2
	rm -f "$err"
}
pair() { # perf-options: two processes at QD 16 on CPU 0 at once, prints "a b"
	perf 0 -q 16 "$@" > /tmp/a &
	pa=$!
	perf 0 -q 16 "$@" > /tmp/b &
	pb=$!
	wait $pa $pb
	echo "$(cat /tmp/a) $(cat /tmp/b)"
}
sched=
fifo="chrt -f 1"
command -v chrt >/dev/null || fifo=false # then that case reads 0
serve() {
	rm -f /tmp/serve.out # a line of the last one must not count
	nvmu serve $dev > /tmp/serve.out 2>&1 &
	spid=$!
	i=0
	while ! grep -q '^Serving' /tmp/serve.out && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}

rm -f /tmp/rounds
echo "# randread 4 KiB, polled, ${t} s per run after 1 s warm-up, $rounds rounds"
echo "# round primary-QD32 secondary-QD32 two-secondaries-QD16(a+b) primary-2x-QD16" \
	"two-secondaries-QD16-one-CPU(a+b) same-with-yield(a+b) same-with-yield-FIFO(a+b)"
for r in $(seq 1 "$rounds"); do
	# The primary alone and the secondary alone take turns going first.
	if [ $((r % 2)) -eq 1 ]; then
		p=$(perf 0 -q 32)
		serve
		s=$(perf 0 -q 32)
	else
		serve
		s=$(perf 0 -q 32)
		kill -TERM $spid
		wait $spid
		p=$(perf 0 -q 32)
		serve
	fi
	perf 0 -q 16 > /tmp/a &
	pa=$!
	perf 1 -q 16 > /tmp/b &
	pb=$!
	wait $pa $pb
	ab="$(cat /tmp/a) $(cat /tmp/b)"
	one=$(pair)
	yield=$(pair --yield)
	sched=$fifo
	yfifo=$(pair --yield)
	sched=
	kill -TERM $spid
	wait $spid
	p2=$(perf 0,1 -q 16 --threads 2)
	line="$p $s $ab $p2 $one $yield $yfifo"
	echo "$line" >> /tmp/rounds
	echo "$r $line" | awk '{ printf "%-5s %12.0f %14.0f %13.0f (%.0f + %.0f) %15.0f" \
		" %13.0f (%.0f + %.0f) %13.0f (%.0f + %.0f) %13.0f (%.0f + %.0f)\n", $1, $2, $3,
		$4 + $5, $4, $5, $6, $7 + $8, $7, $8, $9 + $10, $9, $10, $11 + $12, $11, $12 }'
done
# The ratios over all rounds, from the sums of IOPS (each round runs the same time).
awk '{ p += $1; s += $2; two += $3 + $4; p2 += $5; one += $6 + $7; y += $8 + $9
       yf += $10 + $11 }
     END { printf "two secondaries at QD 16 / one process at QD 32: %.3f\n", two / p;
	   printf "two secondaries at QD 16 on one CPU / one process at QD 32: %.3f\n",
		  one / p;
	   printf "the same with --yield / one process at QD 32: %.3f\n", y / p;
	   printf "the same with --yield under SCHED_FIFO / one process at QD 32: %.3f\n",
		  yf / p;
	   printf "two secondaries at QD 16 / one process, two threads at QD 16: %.3f\n",
		  two / p2;
	   printf "secondary alone / primary alone (QD 32): %.3f\n", s / p }' /tmp/rounds

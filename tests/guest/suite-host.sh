# Guest suite of the host API (runs inside the rig): test_host_io against the controller at
# 0000:00:10.0 in the variants given as arguments, one per word, each a comma-separated
# option list, e.g.  sh suite-host.sh "qsize=2" "sgl,no-dbbuf,irq"  (see scripts/test.sh).
# Options: sgl, no-dbbuf, irq, aer, qsize=N, ios=N, seed=S, lbs=N, ns=N, mdts=N.
# Prints TAP lines (prefixed with the variant); exits non-zero if anything failed.
rc=0
dev=0000:00:10.0
nvmu bind $dev >/dev/null || { echo "not ok - bind $dev"; exit 1; }
[ $# -gt 0 ] || set -- ""
first=1
for variant in "$@"; do
	args="--dev $dev --label [$variant]"
	for opt in $(echo "$variant" | tr ',' ' '); do
		case $opt in
		sgl|no-dbbuf|irq|aer) args="$args --$opt" ;;
		qsize=*|ios=*|seed=*) args="$args --${opt%%=*} ${opt#*=}" ;;
		lbs=*) args="$args --expect-lbs ${opt#*=}" ;;
		ns=*) args="$args --expect-ns ${opt#*=}" ;;
		mdts=*) args="$args --expect-mdts ${opt#*=}" ;;
		*) echo "not ok - unknown suite-host option $opt"; rc=1 ;;
		esac
	done
	echo "# test_host_io $args"
	test_host_io $args > /tmp/host_io.out 2>&1 || rc=1
	sed "s/^\(\(not \)\{0,1\}ok [0-9]* - \)/\1[$variant] /" /tmp/host_io.out
	# the first variant also as built by clang with ASan/UBSan, when the rig was given it
	if [ -x /nvmu/sanitize/test_host_io ] && [ $first = 1 ]; then
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			/nvmu/sanitize/test_host_io $args --ios 200 > /tmp/host_io.out 2>&1 || rc=1
		sed "s/^\(\(not \)\{0,1\}ok [0-9]* - \)/\1sanitized [$variant] /" /tmp/host_io.out
	fi
	first=0
done
# hello, the example, on the same controller
if hello $dev > /tmp/hello.out 2>&1 && grep -q "read back" /tmp/hello.out; then
	echo "ok - examples/hello writes, reads back and compares"
else
	cat /tmp/hello.out | sed 's/^/# /'
	echo "not ok - examples/hello writes, reads back and compares"
	rc=1
fi
exit $rc

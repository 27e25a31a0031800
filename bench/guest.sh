# Guest side of the benchmark harness (runs under busybox sh inside the rig guest).
# bench/bench.py appends the plan to this file: calls of probe, run_fio, nvmu_phase and
# run_nvmu. Every result goes back to the host between markers on stdout:
#   @@bench-info KEY VALUE
#   @@bench-unsupported PATH REASON      the whole column is skipped
#   @@bench-begin ID / (result JSON) / @@bench-log / (tail of stderr) / @@bench-end ID RC
# The host parses the JSON (there is no jq in the guest); this side only strips the
# indentation of fio's JSON to keep the serial port traffic small.

DEV=/dev/nvme0n1
NG=/dev/ng0n1
BDF=0000:00:10.0

# Run "$@" with a deadline of $1 seconds when busybox has timeout.
tmo() {
	if command -v timeout >/dev/null 2>&1; then
		timeout "$@"
	else
		shift
		"$@"
	fi
}

emit() { # id rc json-file log-file
	echo "@@bench-begin $1"
	[ -f "$3" ] && sed 's/^[[:space:]]*//' "$3"
	echo "@@bench-log"
	[ -f "$4" ] && tail -n 15 "$4"
	echo "@@bench-end $1 $2"
}

# run_fio ID LIMIT_SECONDS FIO-ARGS...
run_fio() {
	id=$1
	limit=$2
	shift 2
	rm -f /tmp/bench.json /tmp/bench.log
	tmo "$limit" fio "$@" --output-format=json --output=/tmp/bench.json > /tmp/bench.log 2>&1
	emit "$id" $? /tmp/bench.json /tmp/bench.log
}

# run_nvmu ID LIMIT_SECONDS NVMU-PERF-ARGS...
run_nvmu() {
	id=$1
	limit=$2
	shift 2
	rm -f /tmp/bench.json /tmp/bench.log
	tmo "$limit" nvmu perf "$@" > /tmp/bench.json 2> /tmp/bench.log
	emit "$id" $? /tmp/bench.json /tmp/bench.log
}

# probe PATH FILE FIO-ARGS...: a one-second fio run; on failure the column is unsupported.
probe() {
	path=$1
	file=$2
	shift 2
	if [ ! -e "$file" ]; then
		echo "@@bench-unsupported $path $file does not exist in the guest"
		return 1
	fi
	if ! fio --enghelp 2>/dev/null | grep -q "^[[:space:]]*$path\$"; then
		echo "@@bench-unsupported $path fio $(fio --version) has no $path engine"
		return 1
	fi
	if ! tmo 120 fio --name=probe --filename="$file" "$@" --time_based --runtime=1 \
		--output-format=terse > /tmp/probe.log 2>&1; then
		echo "@@bench-unsupported $path fio probe failed: $(grep -m1 -i -e 'fio:' -e 'err' /tmp/probe.log || tail -n 1 /tmp/probe.log)"
		return 1
	fi
	return 0
}

# nvmu_phase: give the controller to vfio-pci and check that nvmu perf exists.
nvmu_phase() {
	if ! command -v nvmu >/dev/null 2>&1; then
		echo "@@bench-unsupported nvmu the nvmu tool is not in the guest (no build tree given)"
		return 1
	fi
	if ! nvmu bind "$BDF" > /tmp/bind.log 2>&1; then
		echo "@@bench-unsupported nvmu nvmu bind $BDF failed: $(tail -n 1 /tmp/bind.log)"
		return 1
	fi
	echo "@@bench-info nvmu_bind ok"
	if ! nvmu perf --help > /tmp/perf-help.log 2>&1; then
		echo "@@bench-unsupported nvmu nvmu perf is not available yet (nvmu perf --help: $(head -n 1 /tmp/perf-help.log))"
		return 1
	fi
	return 0
}

echo "@@bench-info kernel $(uname -r)"
echo "@@bench-info cpus $(grep -c ^processor /proc/cpuinfo)"
echo "@@bench-info fio $(fio --version 2>&1)"
if [ -w /sys/block/nvme0n1/queue/scheduler ]; then
	echo none > /sys/block/nvme0n1/queue/scheduler 2>/dev/null
	echo "@@bench-info scheduler $(cat /sys/block/nvme0n1/queue/scheduler)"
else
	echo "@@bench-info scheduler (no /dev/nvme0n1 queue)"
fi
echo "@@bench-info nvme_queues $(ls -d /sys/block/nvme0n1/mq/* 2>/dev/null | wc -l)"

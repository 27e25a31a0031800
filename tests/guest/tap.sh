# TAP helpers shared by the guest suites (sourced: . /nvmu/tests/guest/tap.sh). The suite
# sets OUT and ERR (files) and rc=0 before; fail() sets rc=1.
pass() { echo "ok - $1"; }
fail() { # name, details...
	echo "not ok - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
	[ -s "$OUT" ] && head -n 20 "$OUT" | sed 's/^/#   stdout: /'
	[ -s "$ERR" ] && sed 's/^/#   stderr: /' "$ERR"
	rc=1
}
run() { # command...: stdout, stderr and status kept
	"$@" >"$OUT" 2>"$ERR"
	status=$?
}

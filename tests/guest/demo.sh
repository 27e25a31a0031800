# What scripts/demo.sh shows inside the guest: the controller on the kernel driver, given
# to vfio-pci, listed, identified and reset through nvmu, measured with nvmu perf, and
# given back.
set -e
say() { echo; echo "\$ $*"; "$@"; }
say nvmu list
say nvmu bind 0000:00:10.0
say nvmu list
say nvmu id-ctrl 0000:00:10.0
say nvmu reset 0000:00:10.0
say nvmu perf 0000:00:10.0 -w randread -q 32 -t 3
say nvmu unbind 0000:00:10.0

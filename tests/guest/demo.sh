# What scripts/demo.sh shows inside the guest.
set -e
say() { echo; echo "\$ $*"; "$@"; }
say nvmu list
say nvmu bind 0000:00:10.0
say nvmu list
say nvmu show-regs 0000:00:10.0
say nvmu unbind 0000:00:10.0

#!/bin/sh
# SPDX-License-Identifier: MIT
# check_prefix.sh NM LIBRARY...: fail, listing them, if a library defines a global symbol
# without the nvmu_ prefix. Such a symbol collides with an application's own function of
# the same name (a multiple definition when linking libnvmu.a, silent interposition with
# libnvmu.so). A shared library is read through its dynamic symbol table, which is what
# the dynamic linker resolves against; an archive through each member's symbol table.
set -eu
nm=$1
shift
status=0
for lib in "$@"; do
	case $lib in
	*.so | *.so.*) opts="-D --defined-only" ;;
	*) opts="-g --defined-only" ;;
	esac
	# With --defined-only every line of three fields is a defined global (T, D, B, R, W, V...).
	# shellcheck disable=SC2086
	bad=$("$nm" $opts "$lib" | awk 'NF == 3 && $3 !~ /^nvmu_/ { print $2, $3 }' | sort -u -k2)
	if [ -n "$bad" ]; then
		echo "$lib: $(echo "$bad" | wc -l) global symbol(s) without the nvmu_ prefix:"
		echo "$bad" | sed 's/^/  /'
		status=1
	else
		echo "$lib: every global symbol starts with nvmu_"
	fi
done
exit $status

#!/bin/sh
# SPDX-License-Identifier: MIT
# The public headers as an application sees them: the umbrella nvmu.h includes every
# header of include/nvmu, host.h first, and each header compiles on its own (it includes
# what it uses) as C with CC and as C++ with each CXX (their extern "C" guards promise
# C++ programs can use them). Usage: public_headers.sh INCLUDE_DIR CC [CXX...]. Prints TAP.
set -u
inc=$1
cc=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
result() { # ok|not ok, text
	n=$((n + 1))
	echo "$1 $n - $2"
	[ "$1" = ok ] || fail=1
}
umbrella=$inc/nvmu/nvmu.h
first=$(sed -n 's/^#include "nvmu\/\(.*\)"$/\1/p' "$umbrella" | head -n 1)
if [ "$first" = host.h ]; then result ok "nvmu.h includes host.h first"
else result "not ok" "nvmu.h includes $first first, not host.h"; fi
for h in "$inc"/nvmu/*.h; do
	name=$(basename "$h")
	[ "$name" = nvmu.h ] && continue
	if grep -q "^#include \"nvmu/$name\"$" "$umbrella"; then
		result ok "nvmu.h includes $name"
	else
		result "not ok" "nvmu.h does not include $name"
	fi
	printf '#include <nvmu/%s>\nint main(void) { return 0; }\n' "$name" > "$tmp/t.c"
	if out=$("$cc" -std=gnu11 -Wall -Wextra -Werror -I"$inc" -c "$tmp/t.c" -o "$tmp/t.o" 2>&1); then
		result ok "$name compiles on its own"
	else
		result "not ok" "$name does not compile on its own"
		echo "$out" | sed 's/^/# /'
	fi
	for cxx in "$@"; do
		cp "$tmp/t.c" "$tmp/t.cc"
		if out=$("$cxx" -std=c++11 -Wall -Wextra -Werror -I"$inc" -c "$tmp/t.cc" \
			-o "$tmp/t.o" 2>&1); then
			result ok "$name compiles as C++ with $(basename "$cxx")"
		else
			result "not ok" "$name does not compile as C++ with $(basename "$cxx")"
			echo "$out" | sed 's/^/# /'
		fi
	done
done
echo "1..$n"
exit $fail

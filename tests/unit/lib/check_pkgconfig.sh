#!/bin/sh
# SPDX-License-Identifier: MIT
# nvmu.pc declares libnvme: the public headers include <nvme/types.h>, so a program built
# with `pkg-config --cflags nvmu` needs libnvme's include flags. Usage: check_pkgconfig.sh PC.
set -u
pc=$1
if grep -Eq '^Requires(\.private)?:.*\blibnvme\b' "$pc"; then
	echo "$pc requires libnvme"
	exit 0
fi
echo "$pc does not declare libnvme (Requires or Requires.private), although the public"
echo "headers include <nvme/types.h>"
exit 1

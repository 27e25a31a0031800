#!/bin/sh
# SPDX-License-Identifier: MIT
# The layers keep to their own private headers: a file under src/LAYER/ may include the
# public headers ("nvmu/..."), its own layer's private headers and those of src/support/,
# nothing else. Usage: check_layers.sh SRC_DIR. Prints every include that breaks the rule.
set -u
src=$1
bad=0
for f in $(find "$src" -name '*.c' -o -name '*.h' | sort); do
	rel=${f#"$src"/}
	layer=${rel%%/*}
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		nvmu/*) continue ;;
		*/*) ;;
		*) continue ;; # a header beside the file: its own layer
		esac
		top=${inc%%/*}
		if [ "$top" != "$layer" ] && [ "$top" != support ]; then
			echo "src/$rel includes \"$inc\", a private header of src/$top/"
			bad=$((bad + 1))
		fi
	done
done
if [ "$bad" -gt 0 ]; then
	echo "$bad include(s) reach into another layer: use its public header in include/nvmu/"
	exit 1
fi
echo "every file in $src keeps to its layer"

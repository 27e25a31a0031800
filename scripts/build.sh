#!/usr/bin/env bash
# Configure (once) and build one flavour of nvmu: scripts/build.sh DIR [meson options...]
set -euo pipefail
dir=$1
shift
cd "$(dirname "$0")/.."
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" "$@" >/dev/null
fi
if ! out=$(ninja -C "$dir" 2>&1); then
	echo "$out" >&2
	exit 1
fi

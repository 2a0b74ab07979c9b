#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The layers of docs/architecture.md, read from the code: every
# `#include "LIB/..."` in lib/*/ and every other lib's source a lib's
# meson.build compiles. The chain net < tcp < http < load includes only
# downwards; stats, match, config, telemetry and report stand beside it and
# include none of the chain; no lib compiles another lib's sources.
#   tests/unit/layers.sh [SOURCE_ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
declare -A rank=([net]=1 [tcp]=2 [http]=3 [load]=4
	[stats]=0 [match]=0 [config]=0 [telemetry]=0 [report]=0)
bad=0

# LIB INCLUDED: the reason it may not, or nothing
refusal() {
	local from=$1 to=$2
	[ "$from" = "$to" ] && return 0
	[ -n "${rank[$to]:-}" ] || return 0
	if [ "${rank[$from]}" = 0 ] && [ "${rank[$to]}" != 0 ]; then
		echo "lib/$from stands beside the chain and may not use lib/$to"
	elif [ "${rank[$from]}" != 0 ] && [ "${rank[$to]}" -gt "${rank[$from]}" ]; then
		echo "lib/$to is above lib/$from"
	fi
}

for dir in "$root"/lib/*/; do
	lib=$(basename "$dir")
	[ -n "${rank[$lib]:-}" ] || { echo "FAIL: lib/$lib has no place in the layers"; bad=1; continue; }
	while IFS=: read -r file line text; do
		to=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([a-z_]+)\/.*/\1/' <<<"$text")
		why=$(refusal "$lib" "$to")
		[ -z "$why" ] || { echo "FAIL: ${file#"$root"/}:$line: $text: $why"; bad=1; }
	done < <(grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]+/' "$dir"*.[ch] || true)
	while IFS=: read -r file line text; do
		echo "FAIL: ${file#"$root"/}:$line: lib/$lib compiles another lib's source: $text"
		bad=1
	done < <(grep -nHE "'\.\./[a-z_]+/[^']*\.c'" "$dir"meson.build || true)
done
[ "$bad" = 0 ] || exit 1
echo PASS

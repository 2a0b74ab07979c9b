#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Every symbol a lib's archive exports starts with the lib's name or with
# one of its modules' (docs/architecture.md, Layers): anything else is a
# helper that should be static, or a name another lib or a system library
# could also define.
#   tests/unit/exports.sh LIB=ARCHIVE...
set -euo pipefail
declare -A prefixes=(
	[stats]='hist series'
	[report]='report html prom_text metrics out'
	[telemetry]='telemetry collector detector procfs prom tp goroutine leak mann_kendall median quantile theil_sen'
	[config]='config cfg campaign section steps units'
	[http]='http'
	[net]='net steer'
	[tcp]='tcp'
	[match]='match'
	[load]='load client responder schedule vars'
)
bad=0
for arg in "$@"; do
	lib=${arg%%=*} archive=${arg#*=}
	[ -n "${prefixes[$lib]:-}" ] || { echo "FAIL: lib/$lib has no prefixes here"; bad=1; continue; }
	re="^($(tr ' ' '|' <<<"${prefixes[$lib]}"))_"
	while IFS= read -r sym; do
		echo "FAIL: lib/$lib exports $sym: not one of ${prefixes[$lib]}"
		bad=1
	# __*: what the compiler adds (ASan's __odr_asan.NAME)
	done < <(nm -g --defined-only "$archive" | awk 'NF == 3 && $3 !~ /^__/ { print $3 }' |
		sort -u | grep -vE "$re" || true)
done
[ "$bad" = 0 ] || exit 1
echo "PASS: $# libs"

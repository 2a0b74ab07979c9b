#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Recorded leak-corpus runs (tests/telemetry/recorded/*.jsonl.xz, each the
# samples.jsonl of one leak-scenarios.sh run) judged again by
# `drench monitor --replay`: as recorded, then as a loaded agent host would
# have sent them (samples late by up to JITTER s, a share DROP of them lost;
# SEEDS variants each). Asserts every target's final verdict
# (tests/telemetry/recorded/expected) and that no non-leaking target ever
# shows a live `leak` line. Seconds, no network.
#
#   tests/telemetry/leak-replay.sh BUILD_DIR
#
# A new recording: KEEP=DIR tests/telemetry/leak-scenarios.sh BUILD_DIR, then
# xz -9 < DIR/out/samples.jsonl > tests/telemetry/recorded/NAME.jsonl.xz
set -euo pipefail

BUILD=$(cd "${1:?usage: leak-replay.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DRENCH=$BUILD/app/drench/drench
EXPECTED=$HERE/recorded/expected
SEEDS=${SEEDS:-3}
DROP=${DROP:-0.1}
JITTER=${JITTER:-0.3}
WORK=$(mktemp -d /tmp/drench-leak-replay.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

for tool in xz jq python3; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done

# the corpus's campaign as docs/campaign-telemetry.md writes it (nothing is
# watched or scraped: the pid and URLs only say what the agent watched)
{
	cat <<EOF2
name: leak-replay
telemetry:
  listen: 127.0.0.1:9
  key_file: /nonexistent
  interval: 1s
  targets:
EOF2
	while read -r name expected; do
		cat <<EOF2
    - name: $name
      agent: local
      pid: 1
      metrics_url: http://127.0.0.1:9/metrics
      pprof_url: http://127.0.0.1:9/debug/pprof
EOF2
	done < "$EXPECTED"
} > "$WORK/campaign.yaml"

wrong=0
judge() { # label samples.jsonl
	local out=$WORK/out bad
	rm -rf "$out"
	"$DRENCH" monitor "$WORK/campaign.yaml" --replay "$2" --output "$out" > "$WORK/live" \
		2> "$WORK/err" || [ $? -eq 1 ] || { cat "$WORK/err" >&2; echo "FAIL: $1: replay"; exit 1; }
	bad=$(while read -r name expected; do
		v=$(jq -r --arg n "$name" '.targets[] | select(.name == $n) | .verdict' "$out/report.json")
		[ "$v" = "$expected" ] || echo -n "$name=$v "
		if [ "$expected" = ok ] && awk -v n="$name" '$3 == n && $4 == "leak"' "$WORK/live" | grep -q .; then
			echo -n "$name:live-leak "
		fi
	done < "$EXPECTED")
	if [ -n "$bad" ]; then
		echo "$1: wrong: $bad"
		wrong=$((wrong + 1))
	else
		echo "$1: all $(wc -l < "$EXPECTED") verdicts right"
	fi
}

for rec in "$HERE"/recorded/*.jsonl.xz; do
	name=$(basename "$rec" .jsonl.xz)
	xz -dc "$rec" > "$WORK/$name.jsonl"
	judge "$name" "$WORK/$name.jsonl"
	for seed in $(seq "$SEEDS"); do
		python3 "$HERE/perturb-samples.py" "$WORK/$name.jsonl" "$WORK/p.jsonl" "$seed" "$DROP" "$JITTER"
		judge "$name, seed $seed (drop $DROP, late up to ${JITTER}s)" "$WORK/p.jsonl"
	done
done
[ "$wrong" -eq 0 ] || { echo "FAIL: $wrong replays with wrong verdicts"; exit 1; }
echo PASS
